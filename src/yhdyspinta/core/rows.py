"""Helpers for markup that a page writes in Python for many rows (the template tags of
the clock, the structure picture, the meetings list and the obligations): Django's
template engine costs 40–150 µs a row."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

from django.urls import reverse


def escape(value: object) -> str:
    """A text as the template's autoescape writes it: what django.utils.html's
    conditional_escape does (a text marked safe as it is, any other html.escape'd),
    without the wrapper for lazy strings, which costs more than the escaping itself in a
    loop over thousands of texts."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def day_text(day: date, *, year: bool = True) -> str:
    """A day as the templates' `date:"j.n.Y"` (`year=False`: "j.n.") writes it."""
    return f"{day.day}.{day.month}.{day.year}" if year else f"{day.day}.{day.month}."


def row_url(viewname: str, area) -> Callable[[int], str]:
    """The address of a row's page by its id, escaped for an attribute: one reverse for
    every row (the id is the last part of the path)."""
    head, tail = reverse(viewname, kwargs={"area": area.slug, "pk": 0}).rsplit("/0/", 1)
    head, tail = escape(head), escape(tail)
    return lambda pk: f"{head}/{int(pk)}/{tail}"
