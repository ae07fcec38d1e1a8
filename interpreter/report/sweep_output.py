"""A sweep written out (``.npy``, ``.npz``, ``.csv``, ``.json``) and summarised as quantiles.

Formats:

- ``.npy``: one term, an array of shape (paths, dates swept): float64 for quantities,
  ``datetime64[D]`` for dates, bool for booleans.
- ``.npz``: one such array a term, under the term's name, and the dates swept under the name
  of the date swept (as ISO strings).
- ``.csv``: a row a path and date: ``path,DATE_NAME,TERM,...``.
- ``.json``: ``{"over": NAME, "dates": [...], "paths": N, "terms": {TERM: [[a path's values], ...]}}``.

Each file is written to a temporary file beside it and renamed over it, so a reader never sees
half of one and a failure leaves no partial file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import numpy as np

from ..diagnostics import ClauseError
from ..display import human
from ..evaluate.sweep import Sweep
from ..files import write_atomically
from ..link.program import Term
from ..rational import Fraction
from ..types import BOOLEAN, DATE

FORMATS = (".npy", ".npz", ".csv", ".json")
#: How many of the dates swept the summary shows (evenly spaced, the first and last included).
SHOWN_DATES = 10


def check_output(path: str, terms: list[str]) -> None:
    """Refuse, before any work, an output the sweep could not write."""
    target = Path(path)
    if target.suffix.lower() not in FORMATS:
        raise ClauseError(f"--output {path}: write {', '.join(FORMATS)}")
    if target.suffix.lower() == ".npy" and len(terms) > 1:
        raise ClauseError(f"--output {path}: a .npy file holds one term; for {len(terms)} terms write "
                          ".npz (an array a term), .csv or .json")
    if not target.parent.is_dir():
        raise ClauseError(f"--output {path}: no such folder {str(target.parent)!r}")
    if target.is_dir():
        raise ClauseError(f"--output {path}: is a folder")


def write_sweep(path: str, result: Sweep) -> None:
    """Write ``result`` to ``path`` in the format its suffix names, atomically."""
    check_output(path, [t.name for t in result.terms])
    suffix = Path(path).suffix.lower()
    writer: Callable[[IO[bytes], Sweep], None] = {
        ".npy": _npy, ".npz": _npz, ".csv": _csv, ".json": _json}[suffix]
    write_atomically(path, lambda handle: writer(handle, result))


def _npy(handle: IO[bytes], result: Sweep) -> None:
    np.save(handle, result.values[result.terms[0].name])


def _npz(handle: IO[bytes], result: Sweep) -> None:
    arrays = {t.name: result.values[t.name] for t in result.terms}
    arrays[result.over] = np.array([d.isoformat() for d in result.days])
    np.savez(handle, **arrays)  # type: ignore[arg-type]


def _cells(values: np.ndarray, term: Term) -> list[Any]:
    """A term's values as plain Python values: ISO dates, booleans, whole numbers as integers."""
    if term.type == DATE:
        return [[str(d) for d in row] for row in values.astype(str)]
    if term.type == BOOLEAN:
        return values.tolist()  # type: ignore[no-any-return]
    if np.all(np.abs(values) < 2 ** 53) and np.all(values == np.floor(values)):
        return values.astype(np.int64).tolist()  # type: ignore[no-any-return]
    return values.tolist()  # type: ignore[no-any-return]


def _csv(handle: IO[bytes], result: Sweep) -> None:
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    rows = csv.writer(text)
    rows.writerow(["path", result.over, *(t.name for t in result.terms)])
    columns = [_cells(result.values[t.name], t) for t in result.terms]
    dates = [d.isoformat() for d in result.days]
    for path in range(result.market.paths):
        for col, day in enumerate(dates):
            rows.writerow([path, day, *(_text(c[path][col]) for c in columns)])
    text.flush()
    text.detach()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def _json(handle: IO[bytes], result: Sweep) -> None:
    out = {"over": result.over, "dates": [d.isoformat() for d in result.days],
           "paths": result.market.paths,
           "terms": {t.name: _cells(result.values[t.name], t) for t in result.terms}}
    handle.write(json.dumps(out).encode("utf-8"))


def summary(result: Sweep, percents: list[float]) -> list[str]:
    """What was swept, and each term's quantiles over the paths on some of the dates."""
    width = len(result.days)
    lines = [f"{result.over} swept over {width} trading day{'s' if width != 1 else ''}, "
             f"{result.days[0].isoformat()} to {result.days[-1].isoformat()}, on {result.market.origin}"]
    shown = sorted(set(np.linspace(0, width - 1, min(width, SHOWN_DATES)).round().astype(int).tolist()))
    for term in result.terms:
        values = result.values[term.name]
        lines.append("")
        if term.type == BOOLEAN:
            lines.append(f"{term.name}: share of paths where true")
            rows = [[result.days[c].isoformat(), f"{values[:, c].mean():.1%}"] for c in shown]
            lines.extend(table([result.over, "true"], rows))
        else:
            lines.append(f"{term.name} ({term.type}), quantiles over {result.market.paths:,} paths")
            rows = [[result.days[c].isoformat(),
                     *(_shown(q, term) for q in _quantiles(values[:, c], percents))] for c in shown]
            lines.extend(table([result.over, *(f"{p:g}%" for p in percents)], rows))
        if result.recomputed.get(term.name):
            lines.append(f"  ({result.recomputed[term.name]:,} path-dates recomputed exactly: binary "
                         "floating point could have moved their rounding)")
    return lines


def _quantiles(values: np.ndarray, percents: list[float]) -> list[Any]:
    """Quantiles that are values of the sample (so whole share counts stay whole)."""
    if values.dtype.kind == "M":
        days = values.astype(np.int64)
        found = np.quantile(days, [p / 100 for p in percents], method="inverted_cdf")
        return [np.datetime64(int(d), "D") for d in found]
    return list(np.quantile(values, [p / 100 for p in percents], method="inverted_cdf"))


def _shown(value: Any, term: Term) -> str:
    """A quantile for people: to four decimal places (the files hold every digit)."""
    if isinstance(value, np.datetime64):
        return str(value)
    return human(Fraction(repr(round(float(value), 4))), term.type)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Rows under a header, indented, the first column to the left and the others to the right."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return ["  " + "  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(
        zip(r, widths, strict=True))) for r in [header, *rows]]
