"""The workbench in a real browser: Debian's chromium, headless, driven by Playwright, against a
`gongwen serve` started for these tests. Each step leaves a screenshot in
outputs/test-artifacts/web/ (not committed) to look at."""
from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pymupdf
import pytest
from lxml import etree

from conftest import NS
from plans import HAND_REPORT
from pipeline.register.registry import Register
from webserver import CHROMIUM, CHROMIUM_ARGS, ROOT, Server

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed "
                                "(bash setup.sh installs it)")
ARTIFACTS = ROOT / "outputs" / "test-artifacts" / "web"

DRAFT = """青山镇人民政府关于做好2026年春耕生产工作的通知
来源：青山镇政府网  发布时间：2026-03-01
各村（居）委会，镇直各单位:
为切实做好今年春耕生产工作,确保粮食生产稳定，现就有关事项通知如下。
一、加强组织领导
各村要成立春耕生产工作专班，明确责任人。
(一)落实责任
镇农业服务中心要做好技术指导。
二、保障农资供应
各单位要加强农资市场监管，严厉打击坑农害农行为。
青山镇人民政府
2026年3月2日
"""
TITLE = "青山镇人民政府关于做好2026年春耕生产工作的通知"
A4_AT_60_DPI = (round(210 / 25.4 * 60), round(297 / 25.4 * 60))  # the preview's page images


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("web"), "--workers", "2",
                 env={"GONGWEN_USER": "文书甲"})
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(300_000)  # a guard against a hang, not a speed test
    shots = ARTIFACTS / request.node.name
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    counter = iter(range(1, 100))
    pg.shot = lambda name: pg.screenshot(path=shots / f"{next(counter):02d}-{name}.png",
                                         full_page=True)
    yield pg
    context.close()


def _download(pg, selector) -> bytes:
    with pg.expect_download() as info:
        pg.click(selector)
    return Path(info.value.path()).read_bytes()


def _page_size(pg, img) -> tuple[int, int]:
    pg.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    return img.evaluate("img => [img.naturalWidth, img.naturalHeight]")


def test_paste_draft_preview_then_docx(server, page):
    page.goto(server.url + "/import")
    page.fill("textarea[name=text]", DRAFT)
    page.shot("draft-pasted")
    page.click("#import-button")
    changes = page.locator("#changes").inner_text()
    # the import's repairs and left-out lines, each with the line of the pasted text
    assert "第 2 行" in changes and "已略去" in changes  # the 来源/发布时间 line
    assert "第 7 行" in changes and "（一）" in changes  # (一) → （一）
    assert page.locator("ol.lines li.marked").count() >= 3
    # the form holds the draft, editable, and the preview shows its pages
    assert page.input_value("input[name=title]") == TITLE
    first = page.locator("#pages img").first
    first.wait_for()
    width, height = _page_size(page, first)  # an A4 page (pixels round up)
    assert abs(width - A4_AT_60_DPI[0]) <= 1 and abs(height - A4_AT_60_DPI[1]) <= 1
    page.shot("preview")
    pdf = pymupdf.open(stream=_download(page, ".downloads a"), filetype="pdf")
    assert "青山镇人民政府文件" in pdf[0].get_text().replace("\n", "")
    assert TITLE in pdf[0].get_text().replace("\n", "")  # page 1 carries the title
    assert page.locator("#pages img").count() == pdf.page_count

    # edit in the form: the clerk fixes a word, the live preview follows
    body = page.input_value("textarea[name=body]")
    page.fill("textarea[name=body]", body.replace("明确责任人", "明确第一责任人"))
    page.wait_for_selector("#preview.busy", state="detached")
    page.click("#build-button")
    links = page.locator("#downloads a")
    links.first.wait_for()
    page.shot("built")
    names = links.all_inner_texts()
    assert {Path(n).suffix for n in names} == {".docx", ".pdf"}
    docx = _download(page, "#downloads a[href$='.docx']")
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        xml = etree.fromstring(z.read("word/document.xml"))

    def texts(style):
        return ["".join(p.itertext()) for p in xml.xpath(
            f".//w:p[w:pPr/w:pStyle/@w:val='{style}']", namespaces=NS)]
    assert "".join(texts("GwTitle")).replace("\n", "") == TITLE
    assert texts("GwHeading1") == ["加强组织领导", "保障农资供应"]
    assert texts("GwHeading2") == ["落实责任"]
    body_text = "".join(texts("GwBody"))
    assert "为切实做好今年春耕生产工作，确保" in body_text  # the half-width comma repaired
    assert "明确第一责任人" in body_text  # the clerk's edit
    assert "来源" not in "".join(xml.itertext())  # the website line stays out


def _roster(path: Path) -> Path:
    rows = [["名字", "所在单位", "荣誉称号"],
            ["王建军", "青山村党支部", "优秀共产党员"],     # row 2
            ["", "绿水村党支部", "优秀共产党员"],           # row 3: no name
            ["张　三", "石门村党支部", "优秀党务工作者"],   # row 4: cleaned to 张三, valid
            ["赵六", "桃源村党支部", ""],                   # row 5: no honour
            ["钱七", "镇机关党支部", "优秀党务工作者"]]     # row 6
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_roster_with_bad_rows_then_generate(server, page, tmp_path):
    roster = _roster(tmp_path / "名单.csv")
    page.goto(server.url + "/certificates")
    page.select_option("select[name=plan]", "certificates.yaml")
    page.set_input_files("input[name=roster]", roster)
    page.shot("roster-chosen")
    page.click("#roster-check")
    table = page.locator("#roster-errors")
    table.wait_for()
    page.shot("validation-report")
    rows = page.locator("#roster-errors td.row").all_inner_texts()
    assert sorted(set(rows)) == ["第 3 行", "第 5 行"]  # by their rows in the spreadsheet
    assert page.locator("#summary").inner_text().startswith("名单.csv: 5 rows")
    # nothing made yet: no certificate file in the job, no number in the register
    job = page.locator("form[action$='/generate']").get_attribute("action").split("/")[2]
    folder = server.data / "jobs" / job
    assert not list(folder.glob("*.pdf")) and not (folder / "pdf").exists()
    with Register(server.db) as register:
        assert register.entries("青党证") == []

    page.check("#skip-invalid")
    page.click("#generate")
    page.wait_for_selector("#job[data-state=done]", state="attached")
    page.shot("generated")
    assert page.locator("#bar").get_attribute("value") == "100"
    assert page.locator("#percent").inner_text() == "100 %"
    merged = pymupdf.open(stream=_download(page, "#files a[href$='merged.pdf']"),
                          filetype="pdf")
    valid = 3  # rows 2, 4 and 6
    assert merged.page_count == valid  # one certificate page per valid row
    text = "".join(p.get_text() for p in merged).replace("\n", "")
    assert "王建军" in text and "张三" in text and "钱七" in text and "赵六" not in text
    manifest = _download(page, "#files a[href$='manifest.csv']").decode("utf-8-sig")
    assert len([r for r in csv.DictReader(io.StringIO(manifest)) if r["状态"] == "ok"]) == valid
    with zipfile.ZipFile(io.BytesIO(_download(page, "#files a[href$='.zip']"))) as z:
        assert len([n for n in z.namelist() if n.startswith("pdf/")]) == valid
    with Register(server.db) as register:
        entries = register.entries("青党证")
    assert len(entries) == valid and {e.issued_by for e in entries} == {"文书甲"}


def test_void_number_shows_in_register(server, page):
    page.goto(server.url + "/register")
    page.click("summary")
    page.fill("form[action='/register/allocate'] input[name=code]", "青政函")
    page.fill("form[action='/register/allocate'] input[name=year]", "2026")
    page.fill("form[action='/register/allocate'] input[name=title]", "关于试用公文工作台的函")
    page.click("#allocate-button")
    assert page.locator("#message").inner_text().startswith("青政函〔2026〕1号")
    page.shot("allocated")
    row = page.locator("#entries tr", has_text="青政函〔2026〕1号")
    row.locator("input[name=reason]").fill("标题有误，重新取号")
    row.locator("button").click()
    page.shot("voided")
    assert "已作废" in page.locator("#message").inner_text()
    row = page.locator("#entries tr", has_text="青政函〔2026〕1号")
    assert row.locator("td.status").inner_text() == "作废"
    assert row.locator("td.reason").inner_text() == "标题有误，重新取号"
    assert "文书甲" in row.inner_text()  # who voided it
    event = page.locator("#events tr", has_text="标题有误").inner_text()
    assert "作废" in event and "文书甲" in event
    # filtered to void numbers, searched by the reason's word
    page.goto(server.url + "/register?status=void&q=重新取号")
    assert page.locator("#entries td.number").all_inner_texts() == ["青政函〔2026〕1号"]
    with Register(server.db) as register:
        assert register.entries("青政函")[0].status == "void"


def test_new_document_plans_saved_reopened_duplicated(server, page):
    page.goto(server.url + "/document")
    page.fill("input[name=kind]", "通知")
    page.fill("textarea[name=organ]", "青山镇人民政府")
    page.select_option("select[name=number_mode]", "auto")
    page.fill("input[name=number_code]", "青政发")
    page.fill("input[name=title]", "青山镇人民政府关于开展春季植树活动的通知")
    page.fill("input[name=to]", "各村（居）委会：")
    page.fill("input[name=date]", "2026-03-10")
    page.select_option("select[name=seal]", "qingshan-government.png")
    page.fill("textarea[name=body]", "为改善人居环境，决定开展春季植树活动。\n# 活动时间\n"
                                     "3月12日至3月20日。\n# 有关要求\n各村要组织好，注意安全。")
    # the live preview comes by itself after typing stops
    first = page.locator("#pages img").first
    first.wait_for()
    page.shot("live-preview")
    pdf = pymupdf.open(stream=_download(page, ".downloads a"), filetype="pdf")
    assert "青政发〔2026〕1号" in pdf[0].get_text()  # the number the register would give
    with Register(server.db) as register:
        assert register.entries("青政发") == []  # … but a preview takes none
    page.fill("input[name=plan_name]", "植树通知")
    page.click("button[formaction='/plans/save']")
    page.shot("saved")
    assert "植树通知" in page.locator("#message").inner_text()
    page.locator("#plans tr", has_text="植树通知").locator("input[name=new_name]").fill(
        "植树通知-2027")
    page.locator("#plans tr", has_text="植树通知").first.locator("button").click()
    # the copy opens in the form with everything but its register key
    assert page.input_value("input[name=title]") == "青山镇人民政府关于开展春季植树活动的通知"
    assert page.input_value("select[name=seal]") == "qingshan-government.png"
    page.locator("#pages img").first.wait_for()
    page.shot("duplicate-opened")
    page.click("#build-button")
    page.locator("#downloads a").first.wait_for()
    with Register(server.db) as register:
        entries = register.entries("青政发")
    assert [(e.number, e.issued_by) for e in entries] == [("青政发〔2026〕1号", "文书甲")]
    page.goto(server.url + "/plans")
    assert page.locator("#plans td a").all_inner_texts()[:2] == ["植树通知-2027", "植树通知"]


def test_check_docx_points_at_the_page(server, page, tmp_path):
    import docx

    from pipeline.build import build_plan

    built = build_plan(ROOT / "inputs" / "annual-report.yaml", tmp_path, ("docx",))[0]
    document = docx.Document(str(built))
    target = next(p for p in document.paragraphs if p.text == "特此报告。")
    target.runs[0].text = "特此报告。二〇二六年一月十五日"  # a date not in Arabic numerals
    document.sections[0].left_margin = docx.shared.Mm(25)  # the standard says 28 mm
    broken = tmp_path / "年度报告.docx"
    document.save(str(broken))
    page.goto(server.url + "/check")
    page.set_input_files("input[name=file]", broken)
    page.click("#check-button")
    page.locator("#findings").wait_for()
    page.shot("findings")
    date_row = page.locator("#findings tr", has_text="date not in")
    assert "GB/T 9704 7.3.5" in date_row.inner_text()
    margin_row = page.locator("#findings tr", has_text="margins")
    assert "GB/T 9704 5.2.2" in margin_row.inner_text()
    # the date finding is marked on the page thumbnail where the sentence was printed
    spot = date_row.locator("svg rect.spot")
    assert spot.count() == 1 and "page" not in (spot.get_attribute("class") or "")
    page_no = int(date_row.locator("svg").get_attribute("data-page"))
    job = date_row.locator("svg image").get_attribute("href").split("/")[2]
    rendered = pymupdf.open(server.data / "jobs" / job / "rendered.pdf")  # LibreOffice's print
    where = [(i, r) for i, pg in enumerate(rendered) for r in pg.search_for("二〇二六年")]
    assert len(where) == 1
    index, rect = where[0]
    assert page_no == index + 1
    x0, y0 = float(spot.get_attribute("x")), float(spot.get_attribute("y"))
    x1 = x0 + float(spot.get_attribute("width"))
    y1 = y0 + float(spot.get_attribute("height"))
    mm = 25.4 / 72
    assert y0 <= rect.y0 * mm and rect.y1 * mm <= y1 and x0 <= rect.x0 * mm < x1  # covers it
    assert 37 - 2 <= y0 <= 297 - 35  # inside the printed core of an A4 page (mm)


def test_batch_of_circulars_from_a_saved_plan(server, page):
    plan = (ROOT / "inputs" / "batch" / "village-notice.yaml").read_text(encoding="utf-8")
    (server.data / "plans" / "防火任务.yaml").write_text(
        plan.replace("number_code: 青政发", "number_code: 青政批"), encoding="utf-8")
    villages = ROOT / "inputs" / "batch" / "villages.csv"
    names = [line.split(",")[0] for line in villages.read_text(encoding="utf-8").splitlines()[1:]]
    page.goto(server.url + "/batch")
    page.select_option("select[name=plan]", "防火任务")
    page.set_input_files("input[name=rows]", villages)
    page.click("#batch-button")
    page.wait_for_selector("#job[data-state=done]", state="attached")
    page.shot("batch-done")
    assert page.locator("#bar").get_attribute("value") == "100"
    with zipfile.ZipFile(io.BytesIO(_download(page, "#files a[href$='.zip']"))) as z:
        files = sorted(n for n in z.namelist() if n != "manifest.csv")
        assert len(files) == 2 * len(names)  # a .docx and a PDF per row
        first = next(n for n in files if n.endswith(f"{names[0]}.pdf"))
        text = pymupdf.open(stream=z.read(first), filetype="pdf")[0].get_text().replace("\n", "")
    assert f"关于下达{names[0]}2026年秋冬季森林防火任务的通知" in text
    assert "青政批〔2026〕1号" in text
    with Register(server.db) as register:
        entries = register.entries("青政批")
    assert [e.number for e in entries] == [f"青政批〔2026〕{i}号" for i in range(1, len(names) + 1)]
    assert {e.issued_by for e in entries} == {"文书甲"}


def test_upload_word_draft(server, page, tmp_path):
    import docx

    document = docx.Document()
    for line in DRAFT.splitlines():  # a clerk's Word file: plain paragraphs, typed numbers
        document.add_paragraph(line)
    path = tmp_path / "春耕通知（草稿）.docx"
    document.save(str(path))
    page.goto(server.url + "/import")
    page.set_input_files("input[name=file]", path)
    page.click("#import-button")
    assert page.locator("h1").inner_text() == "导入草稿：春耕通知（草稿）.docx"
    changes = page.locator("#changes").inner_text()
    assert "第 2 行" in changes and "已略去" in changes  # paragraph 2: the website line
    assert page.input_value("input[name=title]") == TITLE
    assert "# 加强组织领导" in page.input_value("textarea[name=body]")
    page.locator("#pages img").first.wait_for()
    page.shot("word-draft-previewed")
    assert page.locator("#pages img").count() >= 1


def test_hand_written_plan_reopens_with_its_params(server, page):
    text = HAND_REPORT  # with params, which the form has no box for
    (server.data / "plans" / "年度报告.yaml").write_text(text, encoding="utf-8")
    page.goto(server.url + "/plans")
    page.click("#plans a:text('年度报告')")
    first = page.locator("#pages img").first  # an opened plan is previewed at once
    first.wait_for()
    page.shot("reopened")
    pdf = pymupdf.open(stream=_download(page, ".downloads a"), filetype="pdf")
    text = "".join(p.get_text() for p in pdf).replace("\n", "")
    assert "同比增长6.8%" in text  # {{ params.gdp_growth }}, kept through the form
