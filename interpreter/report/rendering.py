"""The templates of the HTML pages, read from the package (they travel in the wheel)."""

from __future__ import annotations

from functools import cache

import jinja2


@cache
def environment() -> jinja2.Environment:
    """The template environment, autoescaping everything the files say."""
    return jinja2.Environment(loader=jinja2.PackageLoader("interpreter.report", "templates"),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
