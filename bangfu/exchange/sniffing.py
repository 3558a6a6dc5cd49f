"""What a file really is, from its bytes, whatever its name says.

Offices rename files freely: a PDF or a web page saved as .xls, a zip of the whole folder,
an old .xls renamed .xlsx, a workbook with a password. The content decides which reader
runs; when none can, the message names what the file looks like and what to do, rather than
what a parser choked on.
"""

import enum
import mmap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HEAD = 4096  # enough to tell every kind below apart
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of Office 97–2003 files
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv", ".et", ".xlsm")


class Kind(enum.Enum):
    EMPTY = "empty"
    XLSX = "xlsx"  # a zip with a workbook inside (xl/…), whole or not
    ODS = "ods"
    OLE2 = "ole2"  # an Office 97–2003 file: an .xls, a .doc, or a workbook with a password
    ENCRYPTED = "encrypted"  # a workbook with a password: its content is ciphered
    WORD = "word"  # a .docx
    PRESENTATION = "presentation"  # a .pptx
    ZIP = "zip"  # any other zip
    ARCHIVE = "archive"  # rar, 7z, gzip
    PDF = "pdf"
    IMAGE = "image"
    HTML = "html"
    XML_SPREADSHEET = "xml_spreadsheet"  # Excel 2003's XML, which some systems still export
    XML = "xml"
    RTF = "rtf"
    UTF16 = "utf16"
    TEXT = "text"  # UTF-8 or GB18030 (GBK) text: what a CSV is
    BINARY = "binary"


@dataclass(frozen=True)
class Found:
    kind: Kind
    # What a zip holds that looks like a spreadsheet, to say which file to upload instead.
    inside: tuple[str, ...] = field(default=())


_MAGIC = (
    (b"%PDF", Kind.PDF),
    (OLE2, Kind.OLE2),
    (b"\x89PNG", Kind.IMAGE),
    (b"\xff\xd8\xff", Kind.IMAGE),
    (b"GIF8", Kind.IMAGE),
    (b"Rar!", Kind.ARCHIVE),
    (b"7z\xbc\xaf\x27\x1c", Kind.ARCHIVE),
    (b"\x1f\x8b", Kind.ARCHIVE),
    (b"\xff\xfe", Kind.UTF16),
    (b"\xfe\xff", Kind.UTF16),
    (b"{\\rtf", Kind.RTF),
)


def sniff(path: Path) -> Found:
    with path.open("rb") as handle:
        head = handle.read(HEAD)
    if not head:
        return Found(Kind.EMPTY)
    if head.startswith(b"PK"):
        return _zip(path)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return Found(kind)
    return Found(_text_kind(head))


def _zip(path: Path) -> Found:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        # The start of a zip with a damaged end: likely a workbook cut short in transit.
        return Found(Kind.XLSX)
    if any(name.startswith("xl/") for name in names):
        return Found(Kind.XLSX)
    if mimetype.startswith(ODS_MIMETYPE):
        return Found(Kind.ODS)
    if any(name.startswith("word/") for name in names):
        return Found(Kind.WORD)
    if any(name.startswith("ppt/") for name in names):
        return Found(Kind.PRESENTATION)
    inside = tuple(
        name.rsplit("/", 1)[-1]
        for name in names
        if name.lower().endswith(SPREADSHEET_SUFFIXES) and not name.startswith("__MACOSX/")
    )
    return Found(Kind.ZIP, inside[:5])


def _text_kind(head: bytes) -> Kind:
    zeros = head.count(0)
    if zeros:
        # UTF-16 without its byte-order mark: the commas, digits and line ends of a table
        # put a zero byte on the same side of every such character.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        encoding = "utf-16-le" if odd > even else "utf-16-be"
        if min(even, odd) <= zeros // 10 and _readable(_decoded(head, (encoding,))):
            return Kind.UTF16
        return Kind.BINARY
    text = _decoded(head, ("utf-8-sig", "gb18030"))
    if text is None or not _readable(text):
        return Kind.BINARY
    start = text.lstrip("\ufeff \t\r\n").lower()
    if not start.startswith("<"):
        return Kind.TEXT
    if "<html" in start or "<!doctype html" in start or "<table" in start:
        return Kind.HTML
    if "urn:schemas-microsoft-com:office:spreadsheet" in start:
        return Kind.XML_SPREADSHEET
    # A CSV whose first cell begins with "<" is text all the same.
    return Kind.XML if start.startswith("<?xml") else Kind.TEXT


def _decoded(head: bytes, encodings: tuple[str, ...]) -> str | None:
    """The first bytes as text in the first of ``encodings`` that fits, a character cut by
    the sample's end aside."""
    for encoding in encodings:
        try:
            return head.decode(encoding)
        except UnicodeDecodeError as error:
            if error.start >= len(head) - 4 and len(head) == HEAD:
                return head[: error.start].decode(encoding)
    return None


def _readable(text: str | None) -> bool:
    """Text, not binary data that happened to decode: hardly any control characters."""
    if text is None:
        return False
    controls = sum(1 for char in text if char < " " and char not in "\t\r\n\f")
    return controls <= len(text) // 100


def ole2_holds(path: Path) -> Kind | None:
    """Which Office 97–2003 file this is, by the streams its directory names (UTF-16 names
    anywhere in the file; the directory's sectors may lie anywhere too)."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for name, kind in (
            ("EncryptedPackage", Kind.ENCRYPTED),
            ("WordDocument", Kind.WORD),
            ("PowerPoint Document", Kind.PRESENTATION),
        ):
            if data.find(name.encode("utf-16-le")) >= 0:
                return kind
    return None
