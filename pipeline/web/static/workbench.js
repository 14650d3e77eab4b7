// The little the pages need beyond plain forms: a live preview while a clerk types, and a
// progress bar that follows a long job. Everything works without it (buttons submit forms).
(function () {
  "use strict";
  const csrf = document.body.dataset.csrf;
  const STAGES = {queued: "排队中", docx: "生成 Word", pdf: "生成 PDF", "docx/pdf": "生成中",
                  done: "完成"};

  // live preview: the form posted in the background one second after the last change
  const form = document.getElementById("doc");
  const pane = document.getElementById("preview");
  if (form && pane) {
    let timer = null, sent = 0, shown = 0;
    const refresh = function () {
      const mine = ++sent;
      pane.classList.add("busy");
      fetch("/document/preview", {method: "POST", body: new FormData(form),
                                  headers: {"X-Fragment": "1", "X-CSRF-Token": csrf}})
        .then(function (r) { return r.text(); })
        .then(function (html) {
          if (mine < shown) return;  // an older answer arriving late
          shown = mine;
          pane.innerHTML = html;
          pane.classList.remove("busy");
        });
    };
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 1000);
    });
    document.getElementById("preview-button").addEventListener("click", function (e) {
      if (!form.reportValidity()) return;
      e.preventDefault();
      clearTimeout(timer);
      refresh();
    });
    if (form.elements.title.value && form.elements.body.value && !pane.querySelector(".pages")) {
      refresh();  // an opened plan or an imported draft: show it at once
    }
  }

  // a long job: poll its status until it is done or failed
  const job = document.getElementById("job");
  if (job) {
    const bar = document.getElementById("bar"), percent = document.getElementById("percent");
    const stage = document.getElementById("stage"), message = document.getElementById("job-message");
    const files = document.getElementById("files");
    const poll = function () {
      fetch(job.dataset.statusUrl).then(function (r) { return r.json(); }).then(function (s) {
        bar.value = s.percent || 0;
        percent.textContent = (s.percent || 0) + " %";
        stage.textContent = STAGES[s.stage] || s.stage || "";
        message.textContent = s.message || "";
        if (s.state === "done") {
          files.textContent = "";
          (s.files || []).forEach(function (name) {
            const li = document.createElement("li"), a = document.createElement("a");
            a.href = job.dataset.filesUrl + encodeURIComponent(name);
            a.textContent = name;
            a.setAttribute("download", "");
            li.appendChild(a);
            files.appendChild(li);
          });
          job.dataset.state = "done";
        } else if (s.state === "failed") {
          message.className = "error";
          job.dataset.state = "failed";
        } else {
          setTimeout(poll, 500);
        }
      }).catch(function () { setTimeout(poll, 2000); });
    };
    poll();
  }
})();
