"""The engine knows no contract: no domain word in ``interpreter/`` identifiers or strings.

Domain words belong in ``contracts/``. Comments are exempt (they may explain why), but every
identifier, string and docstring is checked, word by word (``conversion_date`` counts).
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest
from support import ROOT

DOMAIN_WORDS = {
    "premium", "premiums", "conversion", "conversions", "warrant", "warrants", "redemption",
    "redemptions", "redeem", "preferred", "exercise", "liquidation", "dividend", "dividends",
    "stock", "stocks", "series_a", "series_b",
}


# f-strings are one STRING token before Python 3.12 and FSTRING_MIDDLE pieces after.
_CHECKED = {tokenize.NAME, tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}


def domain_words(source: str) -> list[tuple[int, str]]:
    """(line, word) for every domain word in identifiers and strings of Python ``source``."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in _CHECKED:
            continue
        text = token.string.lower()
        words = set(re.findall(r"[a-z]+", text)) | set(re.findall(r"series_[ab]", text))
        found.extend((token.start[0], w) for w in sorted(words & DOMAIN_WORDS))
    return found


def test_the_scanner_finds_domain_words() -> None:
    # A check that cannot fail is no check: show it catches each form.
    assert domain_words("conversion_price = 1\n") == [(1, "conversion")]
    assert domain_words('x = "the Warrant"\n') == [(1, "warrant")]
    assert domain_words('def f():\n    """Premium due."""\n') == [(2, "premium")]
    assert domain_words("# a comment about the premium is fine\nx = 1\n") == []


@pytest.mark.parametrize("path", sorted((ROOT / "interpreter").rglob("*.py")),
                         ids=lambda p: p.name)
def test_no_domain_word_in_the_engine(path: Path) -> None:
    assert domain_words(path.read_text(encoding="utf-8")) == []
