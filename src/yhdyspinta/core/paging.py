"""One way every list page is paged: Django's Paginator over the page's query (a count
and one slice, so a page's time does not grow with the rows of the area or the
country), with the page's own filters kept in the links (templates/_pager.html)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

# Rows a page: a phone shows 25 without endless scrolling; the time of a page then
# stays within what 25 rows cost, whatever the rows of the area or the country.
PER_PAGE = 25


def page_of(request, rows, per_page: int = PER_PAGE, parameter: str = "page") -> dict:
    """The context a list template needs: the page's rows and the pager."""
    paginator = Paginator(rows, per_page)
    page: Page = paginator.get_page(request.GET.get(parameter))
    query = request.GET.copy()
    query.pop(parameter, None)
    return {
        "page_obj": page,
        "page_rows": list(page.object_list),
        "page_query": query.urlencode(),
        "page_parameter": parameter,
    }


def filters_of(form) -> dict:
    """A filter form's values for the query: a malformed filter is left out and the
    others still apply (an unbound form filters nothing)."""
    form.is_valid()
    return dict(getattr(form, "cleaned_data", {}))
