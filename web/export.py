"""Export a whole result list: /api/search.csv and /api/search.jsonl, streamed.

Both take the search's parameters (the same parser, so the same 400s) and stream every release of the result list,
in its order, a batch of rows per chunk (search.export): `limit` and `offset` are accepted, so that any /api/search
URL becomes an export by its path, but they do not page an export. The ranking is done before the response starts,
so a bad request or a missing index is still an error status; a failure later cuts the stream short (the chunked
response then lacks its last chunk, which clients report as an incomplete download).

CSV cells are made safe for spreadsheets (OWASP, "CSV Injection"): a text cell that starts with = + - @, a tab or a
carriage return (or a full-width = + - @) is prefixed with a single quote, so that Excel, LibreOffice or Sheets show
it as text instead of running it as a formula; every text cell is quoted.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Iterator
from urllib.parse import urlencode

from flask import Blueprint, Response, request, url_for

from indexer.store.records import ENTITY_TYPES
from search.export import COLUMNS, ExportRow, export_batches, export_params
from search.request import PARAMETERS, SearchRequest, parse_request
from web.context import engine
from web.parameters import accepts

export = Blueprint("export", __name__)
CSV_TYPE = "text/csv"
JSONL_TYPE = "application/x-ndjson"
ENTITY_SEPARATOR = "; "  # names of one type in one CSV cell
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(text: str) -> str:
    """The text as a spreadsheet shows it, never a formula: a leading quote before a formula's first character."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_header() -> list[str]:
    return [*COLUMNS, *ENTITY_TYPES]


def csv_cells(row: ExportRow) -> list[str | float]:
    texts = [row.id, row.date.isoformat() if row.date else "", row.title, row.issuer or "", row.source, row.url]
    entities = [ENTITY_SEPARATOR.join(row.entities.get(t, [])) for t in ENTITY_TYPES]
    return [*map(spreadsheet_safe, texts), round(row.score, 6), spreadsheet_safe(row.category),
            *map(spreadsheet_safe, entities)]


def csv_chunks(batches: Iterable[list[ExportRow]]) -> Iterator[str]:
    """The header, then one chunk of CSV text (RFC 4180: CRLF line ends) per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)  # text quoted, the score a bare number
    writer.writerow(csv_header())
    yield buffer.getvalue()
    for rows in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(csv_cells(row) for row in rows)
        yield buffer.getvalue()


def jsonl_chunks(batches: Iterable[list[ExportRow]]) -> Iterator[str]:
    """One JSON object per line, one chunk per batch."""
    for rows in batches:
        yield "".join(json.dumps(row.to_json(), ensure_ascii=False) + "\n" for row in rows)


def _streamed(chunks: Iterator[str], mimetype: str, filename: str) -> Response:
    return Response(chunks, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _batches() -> Iterator[list[ExportRow]]:
    """The batches of this request's export. The ranking runs now, inside the view: a bad parameter or a missing
    index is an error status before the body starts; only the rows are read as the body streams."""
    eng = engine()
    return export_batches(eng, eng.ranked(parse_request(request.args.to_dict(flat=False))))


@export.get("/api/search.csv")
@accepts(PARAMETERS)
def search_csv():
    return _streamed(csv_chunks(_batches()), CSV_TYPE, "announcements.csv")


@export.get("/api/search.jsonl")
@accepts(PARAMETERS)
def search_jsonl():
    return _streamed(jsonl_chunks(_batches()), JSONL_TYPE, "announcements.jsonl")


@export.app_template_global()
def export_url(req: SearchRequest, fmt: str) -> str:
    """The export ("csv" or "jsonl") of the search `req`: its filters and query, not its page."""
    params = export_params(req)
    return url_for(f"export.search_{fmt}") + ("?" + urlencode(params) if params else "")
