"""writers/pagination.py on hand-made pages of grid lines, where every outcome can be counted
by hand: 22 lines a page (GB/T 9704 5.2.3), a signature block of one blank line and two lines
(7.3.5.2), a 版记 of two rows (7.4)."""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline import standard as gb
from pipeline.writers import pagination as pg

P = gb.LINE_PITCH_PT


@dataclass
class _Para:
    """A stand-in for the HTML writer's paragraph: lines of text, one pitch each."""
    texts: list[str]
    kind: str = "para"
    keep_next: bool = False
    tag: tuple = field(default_factory=tuple)

    def line_texts(self) -> list[str]:
        return self.texts


def _main(body_lines: int, first_page_header: int = 0) -> pg.Flow:
    """`first_page_header` lines of header, then one-line body paragraphs, then the
    signature: a blank line above the name, and the date."""
    units = [pg.Unit(P, 0.0, _Para(["版头"]), 0, True, ()) for _ in range(first_page_header)]
    for n in range(body_lines):
        block = _Para([f"第{n}行"], tag=("body", n))
        units.append(pg.Unit(P, 0.0, block, 0, True, block.tag))
    units.append(pg.Unit(P, P, _Para(["署名"]), 0, True, ("tail",)))
    units.append(pg.Unit(P, 0.0, _Para(["日期"]), 0, True, ("tail",)))
    return pg.Flow(units)


def test_signature_that_fits_stays_with_the_text():
    pages = pg.paginate(_main(19), [], 2)  # 19 + blank + name + date = 22 lines
    assert pages.starts == [[0]] and pages.carry is None and pages.signature_page == 1


def test_signature_that_does_not_fit_takes_the_last_line_with_it():
    pages = pg.paginate(_main(20), [], 2)  # 23 lines: the 20th body line goes over
    assert pages.starts == [[0, 19]]
    assert pages.carry == (19, 0) and pages.signature_page == 2


def test_closing_shares_an_even_page_with_room():
    # page 2 holds 5 body lines and the signature (8 lines); 8 + 1 + 2 rows <= 22
    pages = pg.paginate(_main(27), [], 2)
    assert (pages.count, pages.closing, pages.closing_page) == (2, pg.SHARED, 2)
    assert pages.numbered == [True, True]


def test_closing_after_an_odd_page_takes_the_next_page_numbered():
    pages = pg.paginate(_main(10), [], 2)
    assert (pages.count, pages.closing, pages.closing_page) == (2, pg.OWN_PAGE, 2)
    assert pages.numbered == [True, True]


def test_closing_after_a_full_even_page_follows_a_blank_page_both_unnumbered():
    # page 2: 17 body lines and the signature = 20 lines; 20 + 1 + 2 > 22
    pages = pg.paginate(_main(39), [], 2)
    assert (pages.count, pages.closing, pages.closing_page) == (4, pg.AFTER_BLANK, 4)
    assert pages.numbered == [True, True, False, False]


def test_attachment_pages_count_and_take_the_closing():
    attachment = pg.Flow([pg.Unit(P, 0.0, _Para(["附件"]), 0, True, ())
                          for _ in range(23)])  # two pages: 22 lines and 1
    pages = pg.paginate(_main(5), [attachment], 2)
    assert pages.starts == [[0], [0, 22]]
    assert (pages.count, pages.closing, pages.closing_page) == (3 + 1, pg.OWN_PAGE, 4)
