"""A zip package whose fixed parts are compressed once, then sent out many times with one
part added: a certificate's .docx is the same styles, settings, theme and seal for every
person, and only word/document.xml differs.

Python's zipfile cannot add a member to an archive without reading the archive's directory
back (appending to a copy of a base archive cost more than the person's own part), so the
archive is laid out here: the fixed parts' local entries as one block of bytes, the added
part's entry, then the central directory (the fixed parts' records as one block, the added
part's record) and the end record. Entries carry a fixed date, so the same content gives the
same bytes — and the same SHA-256 in the manifest — on every run.
"""
from __future__ import annotations

import struct
import zipfile
import zlib

_LOCAL = struct.Struct("<IHHHHHIIIHH")  # PK\3\4 …, then the name
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")  # PK\1\2 …, then the name
_END = struct.Struct("<IHHHHIIH")  # PK\5\6 …
_VERSION = 20  # 2.0: deflate
_DEFLATE = 8
_DATE = (1 << 5) | 1  # 1980-01-01, the zip format's first day
_TIME = 0
_MAX_PARTS = 0xFFFF  # without the zip64 records, which a .docx never needs


class PrezippedPackage:
    """Built from an archive's bytes, less the parts named in `leave_out`."""

    def __init__(self, archive: bytes, leave_out: set[str] = frozenset(), level: int = 6):
        import io

        self.level = level
        local, central, count = bytearray(), bytearray(), 0
        with zipfile.ZipFile(io.BytesIO(archive)) as source:
            for info in source.infolist():
                if info.filename in leave_out:
                    continue
                head, record = _entry(info.filename, source.read(info.filename), level,
                                      len(local))
                local += head
                central += record
                count += 1
        if count + 1 > _MAX_PARTS:
            raise ValueError("too many parts for a package")
        self._local, self._central, self._count = bytes(local), bytes(central), count

    def with_part(self, name: str, data: bytes) -> bytes:
        """The whole archive: the fixed parts, then `name` holding `data`."""
        head, record = _entry(name, data, self.level, len(self._local))
        central = self._central + record
        offset = len(self._local) + len(head)
        if offset + len(central) > 0xFFFFFFFF:
            raise ValueError("a package over 4 GB")
        end = _END.pack(0x06054B50, 0, 0, self._count + 1, self._count + 1, len(central),
                        offset, 0)
        return b"".join((self._local, head, central, end))


def _entry(name: str, data: bytes, level: int, offset: int) -> tuple[bytes, bytes]:
    """A member's local header with its deflated data, and its central directory record."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)  # raw deflate, as zip stores it
    body = packer.compress(data) + packer.flush()
    crc, encoded = zlib.crc32(data), name.encode("utf-8")
    flags = 0 if encoded.isascii() else 0x800  # bit 11: the name is UTF-8
    if len(data) > 0xFFFFFFFF or offset > 0xFFFFFFFF:
        raise ValueError(f"{name}: a part over 4 GB")
    local = _LOCAL.pack(0x04034B50, _VERSION, flags, _DEFLATE, _TIME, _DATE, crc, len(body),
                        len(data), len(encoded), 0) + encoded + body
    record = _CENTRAL.pack(0x02014B50, _VERSION, _VERSION, flags, _DEFLATE, _TIME, _DATE, crc,
                           len(body), len(data), len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    return local, record
