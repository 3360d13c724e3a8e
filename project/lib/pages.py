"""One page of a list whose pager keeps the rest of the query string: the filters, and the pages
of the other lists shown beside it (each list has its own parameter)."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def page_of(request: HttpRequest, items, size: int, param: str = "page") -> tuple[Page, str]:
    """The page `param` asks for (the last when past the end, the first when not a number), and the
    query string without `param`, for the pager's links (templates/_pager.html)."""
    query = request.GET.copy()
    query.pop(param, None)
    return Paginator(items, size).get_page(request.GET.get(param)), query.urlencode()
