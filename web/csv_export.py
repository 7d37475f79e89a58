"""CSV downloads that open properly in Excel, in English and in Dutch (the owners' list, the dashboard's exports).

Excel reads a CSV by the user's regional settings: it needs a UTF-8 byte order mark to keep accents, splits on the
list separator (a semicolon where the decimal mark is a comma, as in Dutch) and reads decimals with the local
decimal mark. Text a spreadsheet would run as a formula is defused; numbers stay numbers, negative ones too.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import formats, numberformat, translation

BYTE_ORDER_MARK = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_delimiter() -> str:
    # Excel splits on the list separator of the user's locale: a semicolon where the decimal mark is a comma.
    return ";" if translation.get_language() == "nl" else ","


def csv_response(filename: str) -> tuple[HttpResponse, Any]:
    """A CSV download named `filename`, started with the byte order mark, and a writer for it in the active language.

    Write rows with `writer.writerow([csv_cell(value) for value in row])`.
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BYTE_ORDER_MARK)  # makes Excel read UTF-8, so accents survive
    return response, csv.writer(response, delimiter=csv_delimiter())


def write_rows(writer: Any, rows: Iterable[Iterable[Any]]) -> None:
    writer.writerows([csv_cell(value) for value in row] for row in rows)


def csv_cell(value: Any) -> Any:
    """One cell: a number with the active language's decimal mark (58,0 in Dutch, 58.0 in English), without
    thousands separators; text starting like a formula (=, +, -, @) gets a leading apostrophe; a negative number is
    no formula and stays a number."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return numberformat.format(value, formats.get_format("DECIMAL_SEPARATOR"), grouping=0)
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value
