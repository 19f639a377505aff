"""Views of the whole area: the front page, the area overview with its structure picture,
and the area's own settings (sub-regions, themes, council terms)."""
