"""The tests measure pages with the same code `gongwen check` uses."""
from pipeline.pdfmeasure import (MM, Line, Stroke, horizontal_strokes, ink_box, is_red, line_ink,
                                 text_lines)

__all__ = ["MM", "Line", "Stroke", "horizontal_strokes", "ink_box", "is_red", "line_ink",
           "text_lines"]
