"""A pasted draft's lines made ready to read: invisible characters and spacing, pinyin
readings, traditional characters, a site's furniture and its viewer's page numbers taken off,
a PDF's broken lines joined and glued lines split at the headings inside them. Everything done
is listed as a Change with its line number."""
from __future__ import annotations

import re
import unicodedata

from pipeline.readers import webcopy
from pipeline.readers.draftlines import Change, DraftError, SourceLine
from pipeline.readers.drafttitle import glued_title, title_like
from pipeline.readers.textfile import ZERO_WIDTH

# ⒈ … ⒛ and ⑴ … ⒇: single characters some editors use for 1. and (1)
_NUMBER_SIGNS = {**{0x2488 + i: f"{i + 1}." for i in range(20)},
                 **{0x2474 + i: f"({i + 1})" for i in range(20)}}


def clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.translate(ZERO_WIDTH).translate(_NUMBER_SIGNS))
    text = text.replace("\n", "")
    return re.sub(r"\s+", " ", text).strip()  # one space for any run (nbsp, 　, tabs …)


def _simplifier():
    try:
        import opencc
    except ImportError:
        raise DraftError("--simplify needs OpenCC; run the README's setup command") from None
    return opencc.OpenCC("t2s")


def _is_traditional(lines: list[SourceLine]) -> bool:
    sample = "".join(l.text for l in lines)[:4000]
    traditional = sum(sample.count(c) for c in "為這個們來對說時會發經與關於實將開進過還鄉鎮縣機")
    simplified = sum(sample.count(c) for c in "为这个们来对说时会发经与关于实将开进过还乡镇县机")
    return traditional > simplified


def _gap_split(lines: list[SourceLine], changes: list[Change]) -> list[SourceLine]:
    """A long line whose paragraphs a site joined with wide gaps → one line each."""
    out = []
    for line in lines:
        text = line.text.strip()
        if len(text) >= 80 and re.search(r"\S[ \u3000\u00a0]{2,}\S", text):
            pieces = [p for p in re.split(r"[ \u3000\u00a0]{2,}", text) if p.strip()]
            changes.append(Change(line.line, f"a long line split at its {len(pieces) - 1} wide "
                                             "gap(s) into paragraphs"))
            out += [SourceLine(line.line, p, line.level, line.role) for p in pieces]
        else:
            out.append(line)
    return out


def _rejoin(lines: list[SourceLine], changes: list[Change]) -> list[SourceLine]:
    joins = webcopy.rejoin_broken([l.text for l in lines])
    if joins is None:
        return lines
    out: list[SourceLine] = []
    parts: list[list[str]] = []  # joined once at the end: linear however many lines join
    for line, join in zip(lines, joins):
        if join and out:
            parts[-1].append(line.text)
        elif line.text:
            out.append(line)
            parts.append([line.text])
    out = [SourceLine(l.line, "".join(p), l.level, l.role) for l, p in zip(out, parts)]
    changes.append(Change(lines[0].line, f"the text was broken after every word run (a PDF's "
                                         f"copy): {len(lines)} lines joined into {len(out)} "
                                         "paragraphs at sentence ends and headings"))
    return out


_VIEWER_PAGE = re.compile(r"^(\d{1,3})、")


def _viewer_pages(lines: list[SourceLine], changes: list[Change]) -> list[SourceLine]:
    """Online viewers paste a document one page per line, each starting with the page's
    number (1、…, 2、…). Those numbers are not headings: when the numbered lines are long, run
    1, 2, 3 … and a page continues the sentence the last one broke off, the numbers go and the
    broken sentences are joined."""
    pages = [i for i, l in enumerate(lines)
             if len(l.text) >= 150 and _VIEWER_PAGE.match(l.text)]
    numbers = [int(_VIEWER_PAGE.match(lines[i].text).group(1)) for i in pages]
    if not pages or numbers != list(range(1, len(pages) + 1)):
        return lines
    last = next((i for i in range(pages[-1] + 1, min(len(lines), pages[-1] + 4))
                 if lines[i].text.startswith(f"{len(pages) + 1}、")), None)
    if last is not None and lines[pages[-1]].text[-1:] not in "。！？；：”":
        pages.append(last)  # the last page may be short
        numbers.append(len(pages))
    continued = {i for i, n in zip(pages[1:], numbers[1:])
                 if lines[i].text[len(str(n)) + 1:][:1] in "、，,；"
                 or lines[i - 1].text[-1:] not in "。！？；：”"}
    first = lines[pages[0]].text[2:]
    if not continued and not (len(pages) == 1 and glued_title(first)):
        return lines
    out = list(lines)
    for i, n in zip(pages, numbers):
        rest = out[i].text[len(str(n)) + 1:]
        changes.append(Change(lines[i].line, f"'{n}、' is the number of an online viewer's page, "
                                             "not a heading", "left out"))
        out[i] = SourceLine(lines[i].line, rest, lines[i].level, lines[i].role)
        if i in continued and i > 0 and out[i - 1].text:
            changes.append(Change(lines[i].line, f"page {n} continues the sentence page {n - 1} "
                                                 "broke off: joined"))
            out[i - 1] = SourceLine(out[i - 1].line, out[i - 1].text + rest.lstrip("、"),
                                    out[i - 1].level, out[i - 1].role)
            out[i] = SourceLine(lines[i].line, "", lines[i].level, lines[i].role)
    return [l for l in out if l.text]


def _split_glued(lines: list[SourceLine], changes: list[Change]) -> list[SourceLine]:
    """Headings inside a glued line (… 宝贵意见。一、2022年主要工作 …) start lines of their own;
    a heading followed by a gap and its text (一、指导思想 坚持以…) is split there too."""
    numbering = webcopy.Numbering()
    out: list[SourceLine] = []
    for line in lines:
        text = line.text
        at_start = webcopy.LABEL_START.match(text)
        if at_start:
            numbering.see(*webcopy.label_value(at_start))
        cuts = webcopy.inline_heading_cuts(text, numbering) if len(text) >= 20 else []
        pieces = [text[a:b].strip() for a, b in zip([0] + cuts, cuts + [len(text)])]
        if len(pieces) > 1:
            changes.append(Change(line.line, f"a glued line split at {len(cuts)} heading(s) "
                                             "inside it"))
        for piece in pieces:
            gap = re.match(r"^(?P<head>(?:[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十]{1,3}[)）])"
                           r"[^\s，。；：,;:！？]{2,20}) (?P<text>\S.{8,})$", piece)
            if gap and len(pieces) > 1 or gap and len(text) >= 80:
                out += [SourceLine(line.line, gap["head"], line.level, line.role),
                        SourceLine(line.line, gap["text"], line.level, line.role)]
            elif piece:
                out.append(SourceLine(line.line, piece, line.level, line.role))
    return out


def prepare(lines: list[SourceLine], simplify: bool | None,
             changes: list[Change]) -> list[SourceLine]:
    """Clean text, readings, characters, furniture, pages and glued lines, in that order."""
    lines = [SourceLine(l.line, l.text.strip(), l.level, l.role) for l in lines]
    lines = _viewer_pages([l for l in lines if l.text], changes)
    lines = _gap_split(lines, changes)
    lines = [SourceLine(l.line, clean(l.text), l.level, l.role) for l in lines]
    lines = _rejoin(lines, changes)
    everything = "".join(l.text for l in lines[:2000])
    plain_too = webcopy.toned_readings(everything) >= 2
    traditional = _is_traditional(lines)
    convert = _simplifier().convert if simplify or (simplify is None and traditional) else None
    if traditional and convert and lines:
        changes.append(Change(lines[0].line, "the text is in traditional characters: converted "
                                             "to simplified (--keep-traditional keeps them)"))
    elif traditional and lines:
        changes.append(Change(lines[0].line, "the text is in traditional characters, kept as "
                                             "asked", "check"))
    cleaned, related = [], False
    # where a site's page wraps the document: before its first paragraph, after its last
    prose = [i for i, l in enumerate(lines) if len(l.text) >= 30 and re.search(r"[。！？]", l.text)]
    first, last = (prose[0], prose[-1]) if prose else (len(lines), -1)
    for index, line in enumerate(lines):
        text = line.text
        if not text:
            continue
        text, n = webcopy.strip_pinyin(text, plain_too)
        if n:
            changes.append(Change(line.line, f"{n} pinyin reading(s) after characters removed"))
        simplified = convert(text) if convert else text
        if related or webcopy.RELATED_LIST.match(simplified):
            related = True
            changes.append(Change(line.line, f"the site's list of other articles: {text[:40]}",
                                  "left out"))
            continue
        at_an_end = index < first or index > last
        reason = webcopy.furniture(simplified, at_an_end) if len(simplified) <= 400 else None
        if reason:
            changes.append(Change(line.line, f"{reason}: {text[:40]}", "left out"))
            named = webcopy.PREFACE_TITLE.search(simplified) if "furniture (" not in reason \
                or "导语" in reason or "sharing" in reason else None
            named = next((g for g in named.groups() if g), "") if named else ""
            if title_like(named):  # the site names the document: a title if none is found
                cleaned.append(SourceLine(line.line, title_like(named), role="site-title"))
            continue
        for pattern, what in ((webcopy.HIDDEN_NOTE, "the site's 'text hidden' note"),
                              (webcopy.PAGE_MARKER, "a page marker inside the text")):
            simplified, n = pattern.subn("", simplified)
            if n:
                changes.append(Change(line.line, f"{what} removed", "left out"))
        if simplified != text and convert:
            changes.append(Change(line.line, f"traditional → simplified: {text[:12]}… → "
                                             f"{simplified[:12]}…"))
        cleaned.append(SourceLine(line.line, simplified.strip(), line.level, line.role))
    return _split_glued(cleaned, changes)
