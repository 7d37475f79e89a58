from __future__ import annotations

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Pages by id with an opaque cursor (`next`, `previous`): no COUNT query and no OFFSET, so every page costs the
    same however deep a client pages, and a row created while paging is neither skipped nor repeated."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
