"""Documents for the check's rules, made by construction: a clean one per format, and for every
rule in the check's registry one file that breaks it.

PDFs are drawn with WeasyPrint from absolutely placed boxes of known geometry, so a page's ink
lands where the numbers below say (a text box is placed from its font's measured metrics so its
ink, not its line box, starts at the given height). .docx files are the project's own output
for a small plan with one property changed through python-docx, the way a clerk's edit would
change it. Every number is written here from GB/T 9704, not read from the code under test.
"""
from __future__ import annotations

import html
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from plans import GOOD

# --- the standard's numbers (GB/T 9704-2012), in mm and pt --------------------------------
PAGE_W, PAGE_H = 210.0, 297.0
LEFT, RIGHT = 28.0, 26.0  # 5.2.2
CORE_W = PAGE_W - LEFT - RIGHT  # 156 mm; "centred" in the standard means in this core
IN_CORE = -1.0  # a Text's x: centred in the core rather than on the page
CORE_TOP, CORE_BOTTOM = 37.0, 297.0 - 35.0  # ink of line 1 / of line 22
CHAR_MM = 156 / 28  # one body character on the 28-character grid
PITCH_MM = (225 - 0.886 * 16 * 25.4 / 72) / 21  # 22 lines from the first line's ink to the last's
MARK_TOP = {"文件": 37 + 35.0, "信函": 30.0, "命令": 37 + 20.0, "纪要": 37 + 35.0}  # 7.2.3, 10
LETTER_RULE = 170.0  # 10.1: both double lines, centred
LETTER_TOP_GAP = 4.0  # under the mark
LETTER_BOTTOM = 297 - 20.0  # the lower double line's bottom edge
THICK, THIN, GAP = 0.8, 0.25, 0.35  # the letter's double lines (practice)
BODY_PT, TITLE_PT, SMALL_PT, MARK_PT = 16.0, 22.0, 14.0, 42.0  # 3号, 2号, 4号, the mark
CONDENSE_PT = -0.25  # 28 characters of 16 pt into 156 mm
RED = "#ff0000"
ROOT = Path(__file__).resolve().parent.parent
SEAL = ROOT / "inputs" / "seals" / "qingshan-government.png"

SENTENCE = ("为切实做好今年春耕生产工作，确保粮食稳产增产和农民持续增收，"
            "结合我镇实际，现将有关事项通知如下，请各村认真抓好落实。")


def body_line(n: int) -> str:
    """A full line of 28 characters (the n-th slice of a long sentence)."""
    text = SENTENCE * 4
    return text[(n * 11) % len(SENTENCE):][:28]


# --- boxes on a page ------------------------------------------------------------------------
@dataclass
class Text:
    text: str
    top: float  # mm from the page top to the ink's top (or its bottom, with from_bottom)
    size: float = BODY_PT
    role: str = "fang"
    x: float | None = LEFT  # left edge; None: centred on the page; IN_CORE: in the core
    right: float | None = None  # distance of the right edge from the page's right edge
    color: str = "#000000"
    condensed: bool = False
    from_bottom: bool = False


@dataclass
class Bar:
    """A filled rectangle: how a rule is drawn (thin, so measured as a line)."""
    x0: float
    x1: float
    top: float
    height: float
    color: str = RED


@dataclass
class Picture:
    path: Path
    x: float
    top: float
    width: float


def _fonts():
    from pipeline.fonts.book import FontBook

    book = FontBook()
    return {role: (book.face(role), book.metrics(role))
            for role in ("fang", "kai", "hei", "song", "xiaobiaosong")}


def _html(pages: list[list]) -> str:
    fonts = _fonts()
    out = ["<html><head><meta charset='utf-8'><style>@page{size:210mm 297mm;margin:0}"
           "body{margin:0}.p{position:relative;width:210mm;height:297mm;overflow:hidden;"
           "break-after:page}.p:last-child{break-after:auto}"
           "div.t,div.b,img{position:absolute;white-space:nowrap}</style></head><body>"]
    pt = 72 / 25.4
    for page in pages:
        out.append("<div class='p'>")
        for box in page:
            if isinstance(box, Text):
                face, metrics = fonts[box.role]
                line = box.size * 1.2
                shift = (metrics.ink_bottom_in(box.size, line) if box.from_bottom
                         else metrics.ink_top_in(box.size, line))
                top = box.top * pt - shift
                where = (f"left:0;width:{PAGE_W}mm;text-align:center" if box.x is None and
                         box.right is None else f"right:{box.right}mm" if box.right is not None
                         else f"left:{LEFT}mm;width:{CORE_W}mm;text-align:center"
                         if box.x == IN_CORE else f"left:{box.x}mm")
                spacing = f"letter-spacing:{CONDENSE_PT}pt;" if box.condensed else ""
                out.append(f"<div class='t' style='{where};top:{top:.3f}pt;"
                           f"font-family:\"{face.family}\";font-weight:{face.weight};"
                           f"font-size:{box.size}pt;line-height:{line}pt;color:{box.color};"
                           f"{spacing}'>{html.escape(box.text)}</div>")
            elif isinstance(box, Bar):
                out.append(f"<div class='b' style='left:{box.x0}mm;width:{box.x1 - box.x0}mm;"
                           f"top:{box.top}mm;height:{box.height}mm;background:{box.color}'>"
                           "</div>")
            else:
                out.append(f"<img src='{box.path.as_uri()}' style='left:{box.x}mm;"
                           f"top:{box.top}mm;width:{box.width}mm'>")
        out.append("</div>")
    out.append("</body></html>")
    return "".join(out)


def draw(pages: list[list], path: Path) -> Path:
    import weasyprint

    weasyprint.HTML(string=_html(pages), base_url=str(ROOT)).write_pdf(path)
    return path


def _ink_height(role: str, size: float) -> float:
    _face, metrics = _fonts()[role]
    return (metrics.ink_top - metrics.ink_bottom) * size * 25.4 / 72


# --- pieces of a document ---------------------------------------------------------------------
def page_number(n: int) -> Text:
    """“— N —” in 4号宋体 7 mm below the core, one character in from the outer side (7.5)."""
    if n % 2:
        return Text(f"— {n} —", CORE_BOTTOM + 7, SMALL_PT, "song", right=RIGHT + CHAR_MM)
    return Text(f"— {n} —", CORE_BOTTOM + 7, SMALL_PT, "song", x=LEFT + CHAR_MM)


def body(first_line_top: float, count: int, start: int = 0) -> list[Text]:
    return [Text(body_line(start + i), first_line_top + i * PITCH_MM, condensed=True)
            for i in range(count)]


def signature(top: float, organ: str = "青山镇人民政府") -> list[Text]:
    """Organ name and date without a seal, right of the page's middle (7.3.5.2)."""
    return [Text(organ, top, right=RIGHT + 2 * CHAR_MM),
            Text("2026年3月20日", top + PITCH_MM, right=RIGHT + 4 * CHAR_MM)]


def closing(bottom: float = CORE_BOTTOM, rules: bool = True) -> list:
    """The 版记: 抄送 and 印发 lines in 4号, between rules, its last rule on `bottom`."""
    row = PITCH_MM * 0.8
    boxes = [Text("抄送：县农业农村局，县财政局。", bottom - 2 * row + 1.5, SMALL_PT, x=LEFT + CHAR_MM),
             Text("青山镇人民政府办公室", bottom - row + 1.5, SMALL_PT, x=LEFT + CHAR_MM),
             Text("2026年3月20日印发", bottom - row + 1.5, SMALL_PT, right=RIGHT + CHAR_MM)]
    if rules:
        boxes += [Bar(LEFT, PAGE_W - RIGHT, bottom - 2 * row - 0.175, 0.35, "#000000"),
                  Bar(LEFT, PAGE_W - RIGHT, bottom - row - 0.125, 0.25, "#000000"),
                  Bar(LEFT, PAGE_W - RIGHT, bottom - 0.175, 0.35, "#000000")]
    return boxes


@dataclass
class Doc:
    """A small document of one format, drawn with its geometry; tweak a field to break it."""
    format: str = "文件"
    mark: str = "青山镇人民政府文件"
    mark_top: float | None = None  # default: the format's
    pages: int = 2  # 文件 only: text pages
    number_sides_swapped: bool = False
    closing_bottom: float = CORE_BOTTOM
    closing_rules: bool | None = None  # default: the format's (a 信函's 版记 has none)
    closing_own_page_after_blank: bool = False
    signature_alone: bool = False
    letter_rule: float = LETTER_RULE
    order_number_x: float | None = None  # None: centred in the core
    seal: bool = False
    first_page_number: bool = False  # a 信函's first page goes unnumbered (10.1)
    title_note: str = ""  # 题注: on the line after the title, centred in 3号楷体; a blank line after
    title_note_x: float | None = None  # None: centred
    title_note_line: int = 1  # lines below the title's last line
    extra: list = field(default_factory=list)

    def build(self, path: Path) -> Path:
        return draw(getattr(self, "_" + {"文件": "document", "信函": "letter", "命令": "order",
                                         "纪要": "minutes"}[self.format])(), path)

    def _mark(self) -> tuple[Text, float]:
        top = MARK_TOP[self.format] if self.mark_top is None else self.mark_top
        return (Text(self.mark, top, MARK_PT, "xiaobiaosong", x=None, color=RED),
                top + _ink_height("xiaobiaosong", MARK_PT))

    def _document(self) -> list[list]:
        mark, mark_bottom = self._mark()
        number_top = mark_bottom + 2 * PITCH_MM
        red_line = number_top + 4 + _ink_height("fang", BODY_PT)
        title_top = red_line + 2 * PITCH_MM
        first = [mark, Text("青政〔2026〕5号", number_top, x=None),
                 Bar(LEFT, PAGE_W - RIGHT, red_line, 0.35),
                 Text("关于做好春耕生产工作的通知", title_top, TITLE_PT, "xiaobiaosong", x=None)]
        if self.title_note:
            first.append(Text(self.title_note, title_top + self.title_note_line * PITCH_MM,
                              role="kai", x=self.title_note_x))
            title_top += (self.title_note_line + 1) * PITCH_MM
        first += [Text("各村民委员会：", title_top + 2 * PITCH_MM),
                  *body(title_top + 3 * PITCH_MM,
                        int((CORE_BOTTOM - title_top - 3 * PITCH_MM) / PITCH_MM) + 1)]
        pages = [first]
        text_pages = 1 if self.signature_alone else self.pages - 1
        for n in range(1, text_pages):
            pages.append(body(CORE_TOP, 22, 22 * n))
        tail = [] if self.signature_alone else body(CORE_TOP, 3, 99)
        tail += signature(CORE_TOP + (0 if self.signature_alone else 4 * PITCH_MM))
        rules = True if self.closing_rules is None else self.closing_rules
        if self.closing_own_page_after_blank:
            pages += [tail, [], closing(self.closing_bottom, rules)]
        else:
            pages.append(tail + closing(self.closing_bottom, rules))
        out = []
        unnumbered = {len(pages) - 2, len(pages) - 1} if self.closing_own_page_after_blank \
            else set()
        for i, page in enumerate(pages):
            n = i + 1
            if i not in unnumbered:
                page = page + [page_number(n + 1 if self.number_sides_swapped else n)]
                if self.number_sides_swapped:  # the right number, on the wrong side
                    page[-1] = replace(page[-1], text=f"— {n} —")
            out.append(page + (self.extra if i == len(pages) - 1 else []))
        return out

    def _letter(self) -> list[list]:
        mark, mark_bottom = self._mark()
        x0 = (PAGE_W - self.letter_rule) / 2
        x1 = x0 + self.letter_rule
        top_rule = mark_bottom + LETTER_TOP_GAP
        page = [mark, Bar(x0, x1, top_rule, THICK), Bar(x0, x1, top_rule + THICK + GAP, THIN),
                Bar(x0, x1, LETTER_BOTTOM - THICK - GAP - THIN, THIN),
                Bar(x0, x1, LETTER_BOTTOM - THICK, THICK)]
        number_top = top_rule + THICK + GAP + THIN + 7 / 8 * 16 * 25.4 / 72
        title_top = number_top + 3 * PITCH_MM
        page += [Text("青政函〔2026〕3号", number_top, right=RIGHT),
                 Text("关于商请支持春耕生产工作的函", title_top, TITLE_PT, "xiaobiaosong", x=None),
                 Text("县农业农村局：", title_top + 2 * PITCH_MM),
                 *body(title_top + 3 * PITCH_MM, 6),
                 *signature(title_top + 10 * PITCH_MM)]
        rules = False if self.closing_rules is None else self.closing_rules
        page += [Text("抄送：县财政局。", self.closing_bottom, SMALL_PT, x=LEFT + CHAR_MM,
                      from_bottom=True)]
        if rules:
            page += [Bar(LEFT, PAGE_W - RIGHT, CORE_BOTTOM - 8, 0.35, "#000000")]
        if self.first_page_number:
            page.append(page_number(1))
        return [page + self.extra]

    def _order(self) -> list[list]:
        mark, mark_bottom = self._mark()
        number_top = mark_bottom + 3 * PITCH_MM
        number = (Text("第1号", number_top, x=IN_CORE) if self.order_number_x is None
                  else Text("第1号", number_top, x=self.order_number_x))
        first_body = number_top + 3 * PITCH_MM
        page = [mark, number, *body(first_body, 8),
                Text("镇长", first_body + 10 * PITCH_MM, right=RIGHT + 4 * CHAR_MM),
                Text("2026年3月20日", first_body + 12 * PITCH_MM, right=RIGHT + 4 * CHAR_MM),
                page_number(1)]
        return [page + self.extra]

    def _minutes(self) -> list[list]:
        mark, mark_bottom = self._mark()
        title_top = mark_bottom + 3 * PITCH_MM
        page = [mark,
                Text("关于春耕生产工作的会议纪要", title_top, TITLE_PT, "xiaobiaosong", x=None),
                *body(title_top + 2 * PITCH_MM, 8),
                Text("出席：", title_top + 11 * PITCH_MM, x=LEFT + 2 * CHAR_MM, role="hei"),
                Text("王建国、李明、张华", title_top + 11 * PITCH_MM, x=LEFT + 5 * CHAR_MM),
                page_number(1)]
        if self.seal:
            page.append(Picture(SEAL, PAGE_W - RIGHT - 4 * CHAR_MM - 42, title_top + 6 * PITCH_MM,
                                42))
        return [page + self.extra]


CLEAN_FORMATS = {
    "文件": Doc(),
    "信函": Doc("信函", "青山镇人民政府"),
    "命令": Doc("命令", "青山镇人民政府令"),
    "纪要": Doc("纪要", "青山镇人民政府纪要"),
}


# --- .docx edits -------------------------------------------------------------------------------
def _style(document, style_id: str):
    for style in document.styles:
        if style.style_id == style_id:
            return style
    raise AssertionError(f"the .docx has no style {style_id}")


def _east_asia(style, font: str) -> None:
    from docx.oxml.ns import qn

    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _edit_docx(good: Path, path: Path, change) -> Path:
    import docx

    document = docx.Document(str(good))
    change(document)
    document.save(str(path))
    return path


def _no_page_dashes(document) -> None:
    from docx.oxml.ns import qn

    for section in document.sections:
        for footer in (section.footer, section.even_page_footer):
            for t in footer._element.iter(qn("w:t")):
                t.text = (t.text or "").replace("—", "")


DOCX_EDITS = {
    "page-size": lambda d: setattr(d.sections[0], "page_width", _mm(216)),  # US letter-ish
    "margins": lambda d: setattr(d.sections[0], "left_margin", _mm(20)),
    "grid": lambda d: setattr(_style(d, "GwBody").paragraph_format, "line_spacing", _pt(24)),
    "body-font": lambda d: _east_asia(_style(d, "GwBody"), "宋体"),
    "heading-font": lambda d: _east_asia(_style(d, "GwHeading1"), "宋体"),
    "title-font": lambda d: setattr(_style(d, "GwTitle").font, "size", _pt(16)),
    "body-size": lambda d: setattr(_style(d, "GwBody").font, "size", _pt(14)),
    "page-number": _no_page_dashes,
    "closing-position": lambda d: d.add_paragraph("附：联系人及电话"),
    "pagination": lambda d: None,  # the file is sound; the machine has no LibreOffice
}


def _mm(v):
    from docx.shared import Mm

    return Mm(v)


def _pt(v):
    from docx.shared import Pt

    return Pt(v)


# --- plans: the wording rules, read from a plan as from any file --------------------------------
# the tests' small plan with a full sentence of body text and a 版记
GOOD_PLAN = GOOD.replace("请各村认真落实。", "请各村认真落实，确保按时完成各项任务。") + """\
closing:
  printer: 青山镇人民政府办公室
  date: 2026-03-20
"""
PLAN_EDITS = {
    # rule: (old, new) in GOOD_PLAN
    "title-punctuation": ("做好春耕生产", "做好春耕，生产"),
    "title-pattern": ("关于做好春耕生产工作的通知", "春耕生产工作安排"),
    "heading-brackets": ("  # 工作要求\n", "  一，工作要求\n"),
    "heading-level3-form": ("  # 工作要求\n", "  一、工作要求\n  （一）加强领导\n  1、落实责任\n"),
    "heading-order": ("  # 工作要求\n", "  （一）加强领导\n"),
    "heading-sequence": ("  # 工作要求\n", "  一、工作要求\n  （一）加强领导\n  （三）强化保障\n"),
    "date-form": ("请各村认真落实", "请于二〇二六年三月一日前认真落实"),
    "punctuation-width": ("认真落实，", "认真落实,"),
    "plan": ("title:", "titel:"),
}

# a pasted draft (text), read line by line
GOOD_DRAFT = """\
青政〔2026〕5号
青山镇人民政府关于做好春耕生产工作的通知
各村民委员会：
    请各村认真落实，确保按时完成各项任务。
青山镇人民政府
2026年3月20日
"""
DRAFT_EDITS = {
    # the plan reader refuses such a number outright; a draft carries it to the check
    "doc-number": ("青政〔2026〕5号", "青政[2026]5号"),
}

# rules broken by a drawn PDF: the clean document of a format with one field changed
PDF_DOCS = {
    "mark-position": replace(CLEAN_FORMATS["文件"], mark_top=MARK_TOP["文件"] + 8),
    "signature-alone": replace(CLEAN_FORMATS["文件"], signature_alone=True),
    "closing-page": replace(CLEAN_FORMATS["文件"], closing_own_page_after_blank=True),
    "closing-position": replace(CLEAN_FORMATS["文件"], closing_bottom=CORE_BOTTOM - 12),
    "letter-rules": replace(CLEAN_FORMATS["信函"], letter_rule=150.0),
    "letter-closing": replace(CLEAN_FORMATS["信函"], closing_rules=True),
    "order-number": replace(CLEAN_FORMATS["命令"], order_number_x=LEFT),
    "minutes-seal": replace(CLEAN_FORMATS["纪要"], seal=True),
    "title-note": replace(CLEAN_FORMATS["文件"], title_note="（2026年1月10日青山镇人民代表大会通过）",
                          title_note_x=LEFT),
}

# more ways to break a rule, where a format changes what the rule expects: (rule, document)
FORMAT_DEFECTS = [
    ("mark-position", replace(CLEAN_FORMATS["信函"], mark_top=37.0)),  # 30 mm from the page top
    ("mark-position", replace(CLEAN_FORMATS["命令"], mark_top=MARK_TOP["文件"])),  # 20, not 35
    ("mark-position", replace(CLEAN_FORMATS["纪要"], mark_top=MARK_TOP["命令"])),  # 35, not 20
    ("page-number", replace(CLEAN_FORMATS["信函"], first_page_number=True)),
    ("page-number", replace(CLEAN_FORMATS["文件"], number_sides_swapped=True)),
    ("closing-position", replace(CLEAN_FORMATS["文件"], pages=3)),  # 版记 on odd page 3
    ("letter-closing", replace(CLEAN_FORMATS["信函"], closing_bottom=CORE_BOTTOM - 15)),
]


@dataclass
class Defect:
    rule: str
    path: Path
    rendered: Path | None = None  # a .docx's LibreOffice PDF
    no_office: bool = False


def good_docx(folder: Path) -> Path:
    from pipeline.build import build_plan

    plan = folder / "good.yaml"
    plan.write_text(GOOD_PLAN, encoding="utf-8")
    (path,) = build_plan(plan, folder / "good", ("docx",))
    return path


def libreoffice(docs: list[Path], folder: Path) -> dict[Path, Path]:
    """Every .docx printed to PDF in one LibreOffice run."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed; run the README's setup command first"
    out = folder / "lo"
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/lo-profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), *map(str, docs)],
                   check=True, capture_output=True, timeout=600)
    return {d: out / f"{d.stem}.pdf" for d in docs}


def make_defects(folder: Path) -> dict[str, Defect]:
    """One defect file per rule this module knows how to break."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Defect] = {}
    for rule, (old, new) in PLAN_EDITS.items():
        assert old in GOOD_PLAN, old
        path = folder / f"{rule}.yaml"
        path.write_text(GOOD_PLAN.replace(old, new, 1), encoding="utf-8")
        out[rule] = Defect(rule, path)
    for rule, (old, new) in DRAFT_EDITS.items():
        assert old in GOOD_DRAFT, old
        path = folder / f"{rule}.txt"
        path.write_text(GOOD_DRAFT.replace(old, new, 1), encoding="utf-8")
        out[rule] = Defect(rule, path)
    for rule, doc in PDF_DOCS.items():
        out[rule] = Defect(rule, doc.build(folder / f"{rule}.pdf"))
    good = good_docx(folder)
    docs = {rule: _edit_docx(good, folder / f"{rule}.docx", change)
            for rule, change in DOCX_EDITS.items()}
    printed = libreoffice([p for r, p in docs.items() if r != "pagination"], folder)
    for rule, path in docs.items():
        out[rule] = Defect(rule, path, printed.get(path), no_office=rule == "pagination")
    return out


def no_office_path(folder: Path) -> str:
    """A PATH without LibreOffice on it (the interpreter's own folder only)."""
    import sys

    keep = [d for d in os.environ.get("PATH", "").split(os.pathsep)
            if d and not (Path(d) / "soffice").exists() and not (Path(d) / "libreoffice").exists()]
    return os.pathsep.join(keep or [str(Path(sys.executable).parent)])
