"""The templates of the HTML and Markdown pages, read from the package (they travel in the wheel)."""

from __future__ import annotations

from functools import cache

import jinja2


@cache
def environment(markdown: bool = False) -> jinja2.Environment:
    """The template environment: HTML autoescaped; Markdown as written."""
    return jinja2.Environment(loader=jinja2.PackageLoader("interpreter.report", "templates"),
                              autoescape=not markdown, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
