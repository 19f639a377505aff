"""Text that officials format: Markdown, rendered with HTML disabled (raw HTML in the
text is shown as text, never run: the text comes from users), and the editor's toolbar.

One renderer for every page, document and e-mail: an agreement's sections, a hyte
letter. A letter that leaves the site needs absolute addresses, so `render_markdown`
can make relative links and images absolute."""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

__all__ = ["editor_attrs", "render_markdown"]

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def render_markdown(text: str, *, base_url: str = "", top: int | None = None) -> SafeString:
    """The text as HTML. With `base_url`, links and images that start with "/" point
    to the site (an e-mail is read far from it). With `top`, the text's headings are
    moved so that its highest is at that level (a page whose title is the h1 shows a
    letter's "###" as h2: no heading level is skipped)."""
    tokens = _markdown.parse(text or "")
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = top - min(levels) if top and levels else 0
    for token in tokens:
        if shift and token.type in ("heading_open", "heading_close"):
            token.tag = f"h{max(1, min(6, int(token.tag[1]) + shift))}"
        for child in token.children or ():
            for attribute in ("href", "src"):
                value = child.attrGet(attribute)
                if (
                    base_url
                    and isinstance(value, str)
                    and value.startswith("/")
                    and not value.startswith("//")
                ):
                    child.attrSet(attribute, base_url.rstrip("/") + value)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return mark_safe(html)  # noqa: S308 - html disabled above


def editor_attrs(preview_url: str) -> dict[str, str]:
    """The attributes of a textarea that gets the toolbar and the live preview
    (static/yhdyspinta/markdown-editor.js); without JavaScript it is a plain textarea."""
    return {
        "data-markdown-preview": preview_url,
        "data-toolbar": json.dumps(
            {
                "bold": _("Bold"),
                "italic": _("Italic"),
                "heading": _("Heading"),
                "list": _("Bulleted list"),
                "numbered": _("Numbered list"),
                "link": _("Link"),
                "preview": _("Preview"),
                "label": _("Formatting"),
            }
        ),
    }
