"""Reading a handbook PDF back with poppler: where the household's acknowledgement is
printed, and whether its signature area holds ink."""

import re
import subprocess
from pathlib import Path

from PIL import Image

from tests.reports.test_handbook import tool

DPI = 100
SIGNED = "签字确认，经办人"  # the line above the signature (zh-hans)
MM = DPI / 25.4


def signature_area_darkest(pdf: bytes, tmp_path: Path) -> int:
    """The darkest grey (0 black … 255 white) in the area below the "signed by" line, as
    wide and high as the printed signature (60 × 30 mm): ink means the signature printed."""
    source = tmp_path / "handbook.pdf"
    source.write_bytes(pdf)
    boxes = subprocess.run(
        [tool("pdftotext"), "-bbox-layout", str(source), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    page_number, line_bottom, left = _signed_line(boxes)
    subprocess.run(
        [
            tool("pdftoppm"),
            "-png",
            "-r",
            str(DPI),
            "-f",
            str(page_number),
            "-l",
            str(page_number),
            str(source),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    [png] = tmp_path.glob("page*.png")
    scale = DPI / 72  # pdftotext's boxes are in points
    top = line_bottom * scale + 2 * MM
    x = left * scale
    with Image.open(png) as page:
        area = page.convert("L").crop((int(x), int(top), int(x + 60 * MM), int(top + 30 * MM)))
        return area.getextrema()[0]


def _signed_line(boxes: str) -> tuple[int, float, float]:
    """(page number, bottom y, left x) of the line that says who signed."""
    pages = boxes.split("<page ")[1:]
    for number, page in enumerate(pages, start=1):
        for line in re.findall(r"<line (xMin[^>]*)>(.*?)</line>", page, flags=re.S):
            attrs, words = line
            text = "".join(re.findall(r">([^<]*)</word>", words))
            if SIGNED in text:
                found = dict(re.findall(r'(\w+)="([\d.]+)"', attrs))
                return number, float(found["yMax"]), float(found["xMin"])
    raise AssertionError("the handbook prints no acknowledgement")
