"""The tests measure pages with the same code `gongwen check` uses."""
from pipeline.pdfmeasure import (MM, Line, Stroke, horizontal_strokes, ink_box,  # noqa: F401
                                 is_red, line_ink, text_lines)
