"""The check's rules, one module per part of the standard; importing them registers them."""
from pipeline.check.rules import (body, closing, fonts, formats, header, page,  # noqa: F401
                                  page_numbers, title_note)
