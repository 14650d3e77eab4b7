"""The last pages (GB/T 9704 7.3.5, 7.4, 7.5), swept: the body grows one line at a time over
three pages, so the text ends on every line of a page, with and without a seal, 抄送 and an
attachment, and with a joint signature. Every case is built to .docx and PDF; the PDF and
LibreOffice's rendering of the .docx (all files in one soffice call) are both measured:

1. the signature never stands alone: its page shows body text (or the 附件说明) above it;
2. the 版记 ends the document on an even page, its last rule on the core's bottom edge;
   it shares the page where the text ends when that page is even and has room for its rows
   and a blank line; a blank page stands before it only when the text fills an even page;
3. page numbers: every page but that blank page and the 版记 page after it;
and the two renderings agree: the same page count, the signature and the 版记 on the same pages.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections import Counter
from pathlib import Path

import pymupdf
import pytest

from conftest import INPUTS
from measure import horizontal_strokes, is_red, text_lines
from pipeline import standard as gb
from pipeline.build import document_from_plan
from pipeline.fonts.book import FontBook
from pipeline.writers.docx import write_docx
from pipeline.writers.pdf import write_pdf

TOL = gb.TOLERANCE_MM
PAGE_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")
PITCH_MM = gb.pt_to_mm(gb.LINE_PITCH_PT)
CORE_BOTTOM_MM = gb.PAGE_HEIGHT_MM - gb.MARGIN_BOTTOM_MM
# one paragraph that wraps to three lines, then one-line paragraphs added one by one; pure
# Chinese text, so every renderer breaks the lines at the same characters
OPENING = ("为进一步做好春季农业生产各项工作，确保粮食生产稳中有增，经镇政府研究，现就有关事项"
           "通知如下，请各村认真抓好落实，按时报送工作情况。")
LINE = "各村要结合实际抓好春耕备耕工作落实{}。"
MAX_LINES = 50  # 3 + 50 body lines run from page 1 well into page 3
SEAL = INPUTS / "seals"
LO_BATCH = 128

VARIANTS = {
    "plain": dict(seal=False, cc=False, attachment=False, joint=False),
    "seal-cc": dict(seal=True, cc=True, attachment=False, joint=False),
    "seal-attachment": dict(seal=True, cc=False, attachment=True, joint=False),
    "cc-attachment": dict(seal=False, cc=True, attachment=True, joint=False),
    "joint-seals-cc-note": dict(seal=True, cc=True, attachment=False, joint=True),
}
CN_DIGITS = "〇一二三四五六七八九"


def _cn(n: int) -> str:
    return "".join(CN_DIGITS[int(d)] for d in str(n))


def plan_text(lines: int, seal: bool, cc: bool, attachment: bool, joint: bool) -> str:
    body = [OPENING] + [LINE.format(_cn(i + 1)) for i in range(lines)]
    organs = ["中共青山镇委员会", "青山镇人民政府"] if joint else ["青山镇人民政府"]
    seals = ["qingshan-party-committee.png", "qingshan-government.png"][-len(organs):]
    out = ["kind: 通知",
           f"organ: [{', '.join(organs)}]",
           "number: 青政〔2026〕5号",
           "title: 青山镇人民政府关于做好春耕生产工作的通知",
           "to: 各村民委员会",
           "body: |",
           *[f"  {text}" for text in body],
           "signature:",
           f"  organ: [{', '.join(organs)}]",
           "  date: 2026-03-20"]
    if seal:
        out.append(f"  seal: [{', '.join(str(SEAL / s) for s in seals)}]")
    if joint:
        out.append("note: 此件公开发布")
    if attachment:
        out += ["attachments:",
                "  - title: 春耕生产工作安排表",
                "    body: |",
                "      各村按照镇里的统一部署，抓好春耕生产各项工作。"]
    out += ["closing:"]
    if cc:
        out.append("  cc: [县农业农村局, 县自然资源局]")
    out += ["  printer: 青山镇人民政府办公室", "  date: 2026-03-20"]
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """Every case built in both formats. LibreOffice renders all the .docx in one call, which
    runs while this process renders the PDFs."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.fail("LibreOffice is not installed; run the README's setup command first")
    out = tmp_path_factory.mktemp("sweep")
    fonts = FontBook()
    docs = {}
    for variant, opts in VARIANTS.items():
        for lines in range(MAX_LINES + 1):
            name = f"{variant}-{lines:02d}"
            plan = out / f"{name}.yaml"
            plan.write_text(plan_text(lines, **opts), encoding="utf-8")
            docs[name] = document_from_plan(plan)[0]
            write_docx(docs[name], out / f"{name}.docx", fonts)
    lo = out / "lo"
    profile = tmp_path_factory.mktemp("lo-profile")
    files = [str(out / f"{name}.docx") for name in docs]
    failed = []

    def convert():
        # LibreOffice 7.4 silently stopped after 247 files of one call here, so the .docx
        # go in a few calls of LO_BATCH files each, one after another
        for i in range(0, len(files), LO_BATCH):
            done = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}",
                                   "--headless", "--convert-to", "pdf", "--outdir", str(lo),
                                   *files[i:i + LO_BATCH]], capture_output=True, timeout=1800)
            if done.returncode:
                failed.append(done.stderr.decode(errors="replace")[-500:])

    worker = threading.Thread(target=convert)
    worker.start()
    pdfs = {name: write_pdf(doc, out / f"{name}.pdf", fonts).path for name, doc in docs.items()}
    worker.join()
    assert not failed, failed
    return {name: (doc, pymupdf.open(pdfs[name]), pymupdf.open(lo / f"{name}.pdf"))
            for name, doc in docs.items()}


def _lines(page):
    return [l for l in text_lines(page) if not PAGE_NUMBER.match(l.text.strip())]


def _flat(line) -> str:
    return line.text.replace(" ", "")


def last_pages(doc, pdf) -> dict:
    """What the rules look at, measured on one rendering; asserts rules 1-3 on the way."""
    pages = list(pdf)
    sig = doc.signature
    date_pages = [i for i, p in enumerate(pages) if any(_flat(l) == sig.date for l in _lines(p))]
    assert len(date_pages) == 1, "the date stands once"
    signature_page = date_pages[0]
    page = pages[signature_page]
    date_y = next(l.y0 for l in _lines(page) if _flat(l) == sig.date)
    # the signature's name line: the lowest line above the date naming the first organ
    name_y = max(l.y0 for l in _lines(page) if sig.organs[0] in _flat(l) and l.y0 < date_y)
    above = [l for l in _lines(page) if l.y1 < name_y - 0.5 and not is_red(l.color)]
    assert above, f"page {signature_page + 1}: the signature stands alone (rule 1)"

    closing_pages = [i for i, p in enumerate(pages) if any(_flat(l).endswith("印发")
                                                           for l in _lines(p))]
    assert closing_pages == [len(pages) - 1], "the 版记 is on the last page"
    assert len(pages) % 2 == 0, "the 版记 page is even (rule 2)"
    last = pages[-1]
    strokes = sorted((s for s in horizontal_strokes(last) if not is_red(s.color)),
                     key=lambda s: s.y0)
    assert strokes and abs(strokes[-1].y0 - CORE_BOTTOM_MM) <= TOL, \
        "the 版记's last rule lies on the core's bottom edge"
    top_rule = strokes[0].y0
    others = [l for l in _lines(last) if l.y1 < top_rule]
    rows = len([l for l in _lines(last) if l.y0 > top_rule]) - 1  # 印发 line holds two pieces
    if others:
        outcome = "shared"
    elif not _lines(pages[-2]):
        outcome = "blank page before"
    else:
        outcome = "own page"
    if outcome == "own page":
        assert len(pages) - 1 == signature_page + 1 or doc.attachments, "no page between"
        assert (len(pages) - 1) % 2 == 1, "a 版记 page of its own follows an odd page"
    if outcome == "blank page before":
        text_end = pages[-3]
        bottom = max(l.y1 for l in _lines(text_end))
        free_lines = (CORE_BOTTOM_MM - bottom) / PITCH_MM
        assert free_lines < 1 + rows + 0.5, "the 版记 would have fitted on the text's page"
    numbers = []
    for i, p in enumerate(pages):
        found = [int(PAGE_NUMBER.match(l.text.strip()).group(1)) for l in text_lines(p)
                 if PAGE_NUMBER.match(l.text.strip())]
        numbers.append(found[0] if found else None)
    unnumbered = 2 if outcome == "blank page before" else 0
    expected = [i + 1 for i in range(len(pages) - unnumbered)] + [None] * unnumbered
    assert numbers == expected, "page numbers by GB/T 9704 7.5 (rule 3)"
    return {"pages": len(pages), "signature": signature_page, "closing": len(pages) - 1,
            "outcome": outcome}


def test_last_pages_sweep(sweep):
    outcomes: Counter = Counter()
    failures = []
    for name, (doc, pdf, lo) in sweep.items():
        try:
            ours = last_pages(doc, pdf)
        except AssertionError as exc:
            failures.append(f"{name} PDF: {exc}")
            continue
        try:
            theirs = last_pages(doc, lo)
        except AssertionError as exc:
            failures.append(f"{name} LibreOffice: {exc}")
            continue
        if ours != theirs:
            failures.append(f"{name}: PDF {ours} but LibreOffice {theirs}")
        outcomes[ours["outcome"]] += 1
    print(f"\nsweep: {len(sweep)} cases; " + ", ".join(f"{k} {v}" for k, v in
                                                     sorted(outcomes.items())))
    assert not failures, f"{len(failures)} of {len(sweep)} cases:\n" + "\n".join(failures[:30])
    # the sweep reaches every way the 版记 can stand
    assert set(outcomes) == {"shared", "own page", "blank page before"}


# --- `gongwen check` learns the same rules --------------------------------------------------
def _rules(path) -> list[str]:
    from pipeline.check import check_file

    return sorted({f.rule for f in check_file(path)})


def _redact(page, keep) -> None:
    """Remove every text line of the page for which keep(line) is false."""
    for line in text_lines(page):
        if not keep(line):
            page.add_redact_annot(pymupdf.Rect(*(v / 25.4 * 72 for v in (
                line.x0 - 0.2, line.y0 + 0.5, line.x1 + 0.2, line.y1 - 0.5))))
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE)


def test_check_finds_a_signature_alone(pdfs, models, tmp_path):
    """annual-opinion's page 3 ends the text with the signature; without the text above it,
    the signature stands alone."""
    pdf = pymupdf.open(pdfs["annual-opinion"].name)
    sig = models["annual-opinion"].signature
    page = pdf[2]
    name_y = min(l.y0 for l in text_lines(page) if sig.organs[0] in _flat(l))
    _redact(page, lambda l: l.y0 >= name_y - 0.5 or PAGE_NUMBER.match(l.text.strip()))
    broken = tmp_path / "alone.pdf"
    pdf.save(broken)
    assert _rules(broken) == ["signature-alone"]


def test_check_finds_an_avoidable_closing_page(pdfs, tmp_path):
    """joint-circular's 版记 shares page 2; moved onto a page of its own after a blank page it
    wastes a sheet."""
    src = pymupdf.open(pdfs["joint-circular"].name)
    out = pymupdf.open()
    out.insert_pdf(src)
    out.insert_pdf(src, from_page=1, to_page=1)  # page 3: becomes blank
    out.insert_pdf(src, from_page=1, to_page=1)  # page 4: only the 版记
    strokes = [s for s in horizontal_strokes(out[1]) if not is_red(s.color)]
    top = min(s.y0 for s in strokes)
    _redact(out[1], lambda l: l.y1 < top or PAGE_NUMBER.match(l.text.strip()))  # 版记 leaves
    out[1].add_redact_annot(pymupdf.Rect(0, (top - 1) / 25.4 * 72, out[1].rect.width,
                                         (CORE_BOTTOM_MM + 1) / 25.4 * 72))
    out[1].apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE,
                            graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_TOUCHED)
    _redact(out[2], lambda l: False)
    out[2].add_redact_annot(out[2].rect)
    out[2].apply_redactions(graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_TOUCHED)
    _redact(out[3], lambda l: l.y0 > top and not PAGE_NUMBER.match(l.text.strip()))
    broken = tmp_path / "wasted.pdf"
    out.save(broken)
    assert _rules(broken) == ["closing-page"]


def test_check_finds_a_missing_number_on_the_closing_page(pdfs, tmp_path):
    """annual-opinion's text ends on page 3 (odd): the 版记 page 4 follows text, not a blank
    page, so 7.5 wants it numbered."""
    pdf = pymupdf.open(pdfs["annual-opinion"].name)
    _redact(pdf[3], lambda l: not PAGE_NUMBER.match(l.text.strip()))
    broken = tmp_path / "unnumbered.pdf"
    pdf.save(broken)
    assert _rules(broken) == ["page-number"]


def test_check_paginates_a_docx_with_libreoffice(built, tmp_path):
    """A clerk's edit that pushes the date onto a page of its own: `check` sees it through
    LibreOffice's pagination of the .docx."""
    from lxml import etree

    src = built["joint-circular"]
    out = tmp_path / "date-alone.docx"
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    import zipfile

    with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in z.infolist():
            data = z.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                date = next(p for p in root.iter(f"{w}p")
                            if "".join(t.text or "" for t in p.iter(f"{w}t")).strip()
                            == "2026年4月8日")
                ppr = date.find(f"{w}pPr")
                ppr.insert(1, etree.Element(f"{w}pageBreakBefore"))
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            dst.writestr(item, data)
    assert "signature-alone" in _rules(out)
