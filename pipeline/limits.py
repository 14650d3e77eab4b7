"""Budgets for everything a plan, a roster or a template can make the pipeline do.

A plan is data typed by a clerk (or pasted from anywhere): no value in it may make a build
hang, eat the memory or write without end. Each limit is far above what a real 公文 needs
and is stated in the README; going over one is a GongwenError naming the field.
"""
from __future__ import annotations

# --- templates ({{ params.x }}, {{ row.列名 }}, certificate wording) ------------------------
TEMPLATE_SECONDS = 2.0  # wall time for filling one text field
TEMPLATE_DOCUMENT_SECONDS = 5.0  # all fields of one plan (or one batch row) together
TEMPLATE_RUN_SECONDS = 120.0  # all rows of a batch or a roster together (ms per row is usual)
TEMPLATE_OUTPUT_CHARS = 200_000  # one filled field (a long body is ~20 000 characters)
TEMPLATE_WORK_CHARS = 2_000_000  # text built by all repeats/paddings/joins of one field
TEMPLATE_RANGE_ITEMS = 10_000  # all range() items of one field together (nested loops)
TEMPLATE_RECURSION = 50  # macro calls nested in one another
TEMPLATE_INT_BITS = 4_096  # 10**1000 is allowed, 10**10**10 is not
DOCUMENT_XML_CHARS = 20_000_000  # a certificate's word/document.xml from a user's design
ZIP_BYTES = 200_000_000  # a .docx unpacked (a zip bomb is refused before it opens)
XLSX_BYTES = 30_000_000  # a roster workbook unpacked: 10,000 rows × 10 columns is ~10 MB, and
                         # openpyxl holds every cell as an object (~1 GB at this limit)

# --- YAML -------------------------------------------------------------------------------
YAML_ALIASES = 100  # *anchor uses in one file
YAML_NODES = 100_000  # values after expanding aliases (a billion laughs needs 10**9)
YAML_BYTES = 5_000_000  # a plan file; real ones are a few kB

# --- counts and sizes in a plan -----------------------------------------------------------
MAX_COPIES = 1_000  # copies: one file per numbered copy; a larger run is printed from one
MAX_TITLE_CHARS = 200  # 标题: a real one is under 60
MAX_LINE_CHARS = 100  # one-line fields: organ, signer, kind, id, number_code …
MAX_ORGANS_CHARS = 200  # all issuing organs joined (the .docx author field holds 255)
MAX_LONG_LINE_CHARS = 2_000  # 主送机关, 抄送, 附注: many organs in one line
MAX_LIST_ITEMS = 100  # organs, signers, cc, attachments, seals: items in one list
MAX_TEXT_CHARS = 200_000  # the body and other free text
MAX_OFFSET_MM = 50.0  # seal_offset_mm, overprint offset_mm: a nudge, not a move off the page
MAX_PAPER_MM = 1_200.0  # a certificate's paper or a box position (A0 is 1189 mm)
MAX_FILE_BYTES = 20_000_000  # a seal image, a draft, a roster
MAX_IMAGE_PIXELS = 25_000_000  # a seal scanned at 1200 dpi over 10 cm is 22 M pixels

# --- names -------------------------------------------------------------------------------
NAME_BYTES = 150  # a file name part (UTF-8 bytes) before extensions and temporary marks
