"""Breaking a long title into lines (GB/T 9704 7.3.1).

The standard asks for lines that keep words whole and stand as a trapezoid or diamond.
Word boundaries come from jieba's dictionary segmentation (transforms/words.py), which knows
far more Chinese words than any list we could keep; quoted spans (《》, “”) are kept whole on
top of that.
"""
from __future__ import annotations

import math

from pipeline.standard import CHARS_PER_LINE, TITLE_MAX_CHARS, TITLE_MAX_CHARS_PER_LINE
from pipeline.transforms.words import segment

_OPENING = "《“‘（〔【"
_CLOSING = "》”’）〕】，。、；：？！"
_PAIRS = {"《": "》", "“": "”", "（": "）", "〔": "〕"}
# A line should not start with a word that belongs to what precedes it (党员|中, 工作|的).
_WEAK_WORDS = {"的", "之", "和", "与", "及", "等", "了", "中", "上", "下", "里", "间"}
WEAK_LINE_START_COST = 30
UNSHAPED_COST = 100  # lengths neither trapezoid nor diamond
EXTRA_LINES_TRIED = 2  # beyond the fewest lines the title needs


def _boundaries(title: str, keep: tuple[str, ...]) -> dict[int, str]:
    """Offsets where a line may break, each with the word that would start the next line:
    between words, outside quotes, never next to punctuation that must stay with its
    neighbour."""
    cuts: dict[int, str] = {}
    offset = 0
    for word in segment(title):
        cuts[offset] = word
        offset += len(word)
    # inside a quoted span no break, unless the span alone is longer than a line
    depth_closer: list[str] = []
    inside: set[int] = set()
    start = 0
    for i, ch in enumerate(title):
        if ch in _PAIRS:
            if not depth_closer:
                start = i
            depth_closer.append(_PAIRS[ch])
        elif depth_closer and ch == depth_closer[-1]:
            depth_closer.pop()
            if not depth_closer and i + 1 - start <= TITLE_MAX_CHARS_PER_LINE:
                inside.update(range(start + 1, i + 1))
    for phrase in keep:  # organ names: never 人力资源和|社会保障局
        for start in _occurrences(title, phrase):
            inside.update(range(start + 1, start + len(phrase)))
    return {c: w for c, w in sorted(cuts.items()) if 0 < c < len(title) and c not in inside
            and title[c] not in _CLOSING and title[c - 1] not in _OPENING
            and not title[c - 1].isdigit()}  # 2026|年度, 3|号 stay together


def _occurrences(text: str, phrase: str):
    start = text.find(phrase) if phrase else -1
    while start >= 0:
        yield start
        start = text.find(phrase, start + 1)


def _plain_break(title: str, max_chars: int) -> list[str]:
    """Full lines of `max_chars`, no search: for titles no balanced split can help. A line
    does not start with closing punctuation (it goes back to the line before)."""
    lines: list[str] = []
    rest = title
    while len(rest) > max_chars:
        cut = max_chars
        while cut > 1 and rest[cut] in _CLOSING:
            cut -= 1
        lines.append(rest[:cut])
        rest = rest[cut:]
    return lines + [rest] if rest else lines


def _best_split(title: str, cuts: dict[int, str], n_lines: int, max_chars: int):
    """The cheapest split into exactly `n_lines` lines, by dynamic programming over the
    cut offsets: cost = sum of squared line lengths (for a fixed line count this orders
    splits exactly as the variance does) + a penalty per line starting with a weak word,
    + a penalty when the lengths are not unimodal (neither trapezoid nor diamond).

    State: (offset, lines so far, length of the last line, still rising?). Each step only
    looks at cuts within `max_chars` of the offset, so the work is
    O(len(title) × n_lines × max_chars²) — linear in the title, never combinatorial."""
    edges = [0, *sorted(cuts), len(title)]
    # reach[i] = edges a line starting at edges[i] may end at (only the next max_chars
    # characters are looked at; stripping spaces never shortens a slice by more than that)
    reach = []
    for i, e in enumerate(edges):
        ends = []
        for j in range(i + 1, len(edges)):
            if edges[j] - e > 2 * max_chars:
                break
            if len(title[e:edges[j]].strip()) <= max_chars:
                ends.append(j)
        reach.append(ends)
    weak = {e: (WEAK_LINE_START_COST if cuts.get(e) in _WEAK_WORDS else 0) for e in edges}
    inf = float("inf")
    # best[(i, lines, last_len, rising, shaped)] = (cost, back pointer)
    best: dict[tuple, tuple[float, tuple | None]] = {(0, 0, 0, True, True): (0.0, None)}
    frontier = [(0, 0, 0, True, True)]
    for lines_so_far in range(n_lines):
        following = {}
        for state in frontier:
            i, _, last, rising, shaped = state
            cost = best[state][0]
            for j in reach[i]:
                if j == len(edges) - 1 and lines_so_far + 1 != n_lines:
                    continue
                if j != len(edges) - 1 and lines_so_far + 1 == n_lines:
                    continue
                length = len(title[edges[i]:edges[j]].strip())
                if length == 0:
                    continue
                # the last term breaks ties towards earlier breaks (a shorter first line,
                # the usual 正梯形) without outweighing any real difference
                step = length * length + (weak[edges[i]] if i else 0) + edges[j] * 1e-6
                if last and length < last:
                    now_rising, now_shaped = False, shaped
                elif last and length > last and not rising:
                    now_rising, now_shaped = False, False
                else:
                    now_rising, now_shaped = rising, shaped
                key = (j, lines_so_far + 1, length, now_rising, now_shaped)
                total = cost + step
                if total < best.get(key, (inf, None))[0]:
                    best[key] = (total, state)
                    following[key] = True
        frontier = list(following)
    finals = [(best[s][0] + (0 if s[4] else UNSHAPED_COST), s) for s in frontier
              if s[0] == len(edges) - 1]
    if not finals:
        return None
    _, state = min(finals)
    ends = []
    while state is not None and state[1] > 0:
        ends.append(edges[state[0]])
        state = best[state][1]
    ends.append(0)
    ends.reverse()
    return [title[a:b].strip() for a, b in zip(ends, ends[1:])]


def title_finding(title: str) -> str:
    """A line for the user when the title is longer than a 公文 title can be, else ""."""
    flat = title.replace("\n", "")
    if len(flat) <= TITLE_MAX_CHARS:
        return ""
    return (f"the title has {len(flat)} characters (a 公文 title has at most about "
            f"{TITLE_MAX_CHARS}): is body text glued to the title? It is broken into full "
            "lines without a search; shorten it or move the text into the body")


def split_title(title: str, keep: tuple[str, ...] = (),
                max_chars: int = TITLE_MAX_CHARS_PER_LINE) -> list[str]:
    """Lines of the title: the author's own breaks if given, else a balanced split that
    keeps each phrase in `keep` (the organ names) on one line. A title longer than any
    公文 title (see title_finding) gets plain full lines."""
    if "\n" in title:
        return [line.strip() for line in title.splitlines() if line.strip()]
    if len(title) <= max_chars:
        return [title]
    if len(title) > TITLE_MAX_CHARS:
        return _plain_break(title, max_chars)
    cuts = _boundaries(title, tuple(p for p in keep if len(p) <= max_chars))
    fewest = math.ceil(len(title) / max_chars)
    for n_lines in range(fewest, fewest + EXTRA_LINES_TRIED + 1):
        lines = _best_split(title, cuts, n_lines, max_chars)
        if lines:
            return lines
    # no word boundary fits (one enormous word): break by characters, as a last resort
    return _plain_break(title, max_chars)


def title_note_lines(note: str) -> list[str]:
    """The 题注's lines in full-width parentheses, balanced as a title's are: a note longer
    than a line breaks between words ((2026年1月10日青山镇第十八届 / 人民代表大会第五次会议通过))
    rather than leaving 过） alone on the second line."""
    lines = split_title(note, max_chars=CHARS_PER_LINE - 1)  # room for a parenthesis
    lines[0] = "（" + lines[0]
    lines[-1] += "）"
    return lines
