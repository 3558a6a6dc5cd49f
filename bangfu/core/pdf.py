"""Printed records as PDF (WeasyPrint): the household handbook (reports), the public notice of
an identification (monitoring). Built from the records on the server, self-contained."""

from urllib.parse import quote

from django.http import HttpResponse


def pdf_from_html(html: str) -> bytes:
    """The PDF of a self-contained HTML document. No protocol but ``data:`` (a signature
    inlined) is allowed, so nothing typed into a record can make the server fetch a URL or
    read a file."""
    # Imported here: WeasyPrint loads Pango and its fonts, which no other page needs.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()


def pdf_response(pdf: bytes, filename: str, ascii_name: str) -> HttpResponse:
    """A PDF download named ``filename`` (RFC 5987, for the Chinese), with a plain ASCII name
    first for clients that read only that."""
    response = HttpResponse(pdf, content_type="application/pdf")
    # A name is typed by people: whatever is not plain ASCII would break the quoted name.
    plain = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in ascii_name)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{plain}.pdf\"; filename*=utf-8''{quote(filename, safe='')}"
    )
    return response
