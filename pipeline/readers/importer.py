"""`gongwen import`: a draft file of any supported kind → recognised documents."""
from __future__ import annotations

from pathlib import Path

from pipeline.readers.draft import Draft, DraftError, import_lines, read_text, text_lines
from pipeline.readers.docx_draft import docx_lines

CONVERTED = (".doc", ".wps", ".rtf", ".odt")  # read through LibreOffice
SUFFIXES = (".txt", ".md", ".markdown", ".text", ".docx", *CONVERTED)


def _converted(path: Path) -> Path:
    """An old .doc (or .wps/.rtf/.odt) converted to .docx by LibreOffice, in a temporary
    folder; the message says what to do when that is not possible."""
    import shutil
    import subprocess
    import tempfile

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    advice = "open it in Word or WPS and save it as .docx"
    if not soffice:
        raise DraftError(f"reading {path.suffix} needs LibreOffice; {advice}", file=path)
    out = Path(tempfile.mkdtemp(prefix="gongwen-import-"))
    profile = out / "profile"
    try:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "docx", "--outdir", str(out), str(path)],
                       capture_output=True, timeout=120, check=True)
    except (subprocess.SubprocessError, OSError) as exc:
        raise DraftError(f"LibreOffice could not convert it ({exc}); {advice}",
                         file=path) from None
    converted = out / (path.stem + ".docx")
    if not converted.exists():
        raise DraftError(f"LibreOffice could not read it; {advice}", file=path)
    return converted


def import_draft(path: Path, *, simplify: bool | None = None) -> list[Draft]:
    """The documents a draft holds. simplify: None converts traditional characters when the
    text is traditional, True always, False never."""
    path = Path(path)
    if not path.exists():
        raise DraftError(f"'{path}' does not exist")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        lines = docx_lines(path)
    elif suffix in CONVERTED:
        lines = docx_lines(_converted(path))
    elif suffix in SUFFIXES or not suffix:
        lines = text_lines(read_text(path))
    else:
        raise DraftError(f"can import {', '.join(SUFFIXES)}", file=path)
    try:
        return import_lines(lines, simplify=simplify)
    except DraftError as exc:
        raise DraftError(exc.message, file=path) from None
