"""Sortable list headers: which column a list is sorted by, and the link each header gives (the other query
parameters, filters included, are kept; the page goes back to the first)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict


@dataclass
class SortHeader:
    key: str
    url: str  # the query string the header links to
    direction: str  # "asc" / "desc" when the list is sorted by this column, else ""

    @property
    def aria_sort(self) -> str:
        return {"asc": "ascending", "desc": "descending"}.get(self.direction, "none")


def current_sort(params: QueryDict, allowed) -> str:
    """The requested sort if its key is allowed ("key" or "-key"), else "" (the list's default order)."""
    sort = params.get("sort", "")
    return sort if sort.removeprefix("-") in allowed else ""


def sort_headers(params: QueryDict, allowed) -> dict[str, SortHeader]:
    """A header per allowed key: clicking the sorted column toggles its direction, another column sorts ascending."""
    sort = current_sort(params, allowed)
    headers = {}
    for key in allowed:
        q = params.copy()
        q.pop("page", None)
        direction = ""
        if sort == key:
            direction, q["sort"] = "asc", f"-{key}"
        elif sort == f"-{key}":
            direction, q["sort"] = "desc", key
        else:
            q["sort"] = key
        headers[key] = SortHeader(key=key, url="?" + q.urlencode(), direction=direction)
    return headers


def query_without_page(params: QueryDict) -> str:
    """The query string the pagination links carry (sort and filters kept)."""
    q = params.copy()
    q.pop("page", None)
    return q.urlencode()
