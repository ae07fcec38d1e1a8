"""The outputs of many ``clause`` commands over the bundled contracts and scenarios, kept to compare.

A change meant to alter no output (a faster engine, say) is checked by recording the outputs
before it and after it and comparing them byte for byte: every scenario run in each format,
with derivations, to the date of each of its events (``--as-of``), with every reading of the
interpretations it reads, as an HTML report and tested; ``clause diff --run`` of each scenario
against each contract of the same body; ``clause lint``, ``validate``, ``eval`` of the README's
example and the discovery commands. Each command runs in this process (``interpreter.cli.main``),
so the Clause being checked is the one this Python imports: put a checkout first on
``PYTHONPATH`` to record its outputs.

    PYTHONPATH=../main python benchmarks/outputs.py record /tmp/before.json
    python benchmarks/outputs.py record /tmp/after.json
    python benchmarks/outputs.py compare /tmp/before.json /tmp/after.json

Run from the repository's root (each checkout's own files are read where it runs: run both
recordings from the same folder). ``--quick`` leaves out ``--readings all`` of the deal.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path.cwd()
EVAL = ["eval", "contracts/series_b_certificate.yaml", "conversion_shares", "--set", "notice_date=1999-08-02",
        "--set", "preferred_shares=1000", "--market", "examples/closing-bids-MADE-UP.csv"]


def scenarios() -> list[str]:
    """The bundled scenarios, as paths from the repository's root."""
    found = [p for p in sorted((ROOT / "examples").rglob("*.yaml")) if "\nevents:" in p.read_text()]
    return [str(p.relative_to(ROOT)) for p in found] + ["tests/data/toy/toy_scenario.yaml"]


def event_dates(scenario: str) -> list[str]:
    """The dates of a scenario's events, each once, in order (``--as-of`` each)."""
    import re

    return list(dict.fromkeys(re.findall(r"date: (\d{4}-\d\d-\d\d)", (ROOT / scenario).read_text())))


def commands(quick: bool, what_if: Path) -> list[list[str]]:
    """Every command whose output is recorded; ``what_if``, Series B at 8%, is a variant to diff
    runs against."""
    out: list[list[str]] = [["validate", "contracts/"], ["validate", "examples/"], ["lint", "contracts/"],
                            ["lint", "contracts/", "--format", "json"], EVAL, [*EVAL, "--explain"],
                            [*EVAL, "--explain", "--format", "json"],
                            ["interpretations", "contracts/", "--format", "markdown"]]
    contracts = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "contracts").glob("*.yaml"))
    for contract in contracts:
        out += [["terms", contract], ["events", contract, "--format", "json"]]
    for scenario in scenarios():
        run = ["run", scenario]
        out += [run, [*run, "--format", "json"], [*run, "--format", "markdown"], [*run, "--explain"],
                [*run, "--explain", "--format", "json"], ["report", scenario], ["test", scenario]]
        if not (quick and "deal" in scenario):
            out += [[*run, "--readings", "all"], [*run, "--readings", "all", "--format", "json"]]
        for day in event_dates(scenario):
            out += [[*run, "--as-of", day], [*run, "--as-of", day, "--format", "json"]]
        named = (ROOT / scenario).read_text().split("contracts: [", 1)[-1].split("]", 1)[0]
        if "series_b_certificate" in named:  # against Series B at 8% (what_if)
            out.append(["diff", "--run", scenario, "--variant", "contracts/series_b_certificate.yaml",
                        "--variant", str(what_if), "--format", "text"])
            out.append([*out[-1][:-1], "json"])
    out += [["test", "examples/scenarios"], ["test", "examples/scenarios", "--format", "github"]]
    out += [["diff", "contracts/series_a_certificate.yaml", "contracts/series_b_certificate.yaml"]]
    return out


def record(path: Path, quick: bool) -> None:
    """Run every command; write ``{command: [exit code, stdout, stderr]}`` to ``path`` as JSON."""
    from interpreter.cli import main

    results: dict[str, list[object]] = {}
    with tempfile.TemporaryDirectory() as cache:
        import os

        os.environ["CLAUSE_CACHE_DIR"] = cache
        what_if = Path(cache) / "series-b-at-8-percent.yaml"
        what_if.write_text(f"extends: {ROOT / 'contracts' / 'series_b_certificate.yaml'}\ntitle: Series B "
                           "at 8%\ndocument: {title: what-if, source: none}\nprovisions:\n  COD III.F:\n"
                           "    text: eight\n    parameters:\n      premium_rate: {type: ratio, value: 8%}\n",
                           encoding="utf-8")
        for command in commands(quick, what_if):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(command)
            # The temporary folder's name, in the variant's path, is not the Clause's doing.
            results[" ".join(command).replace(cache, "TMP")] = [
                code, out.getvalue().replace(cache, "TMP"), err.getvalue().replace(cache, "TMP")]
            print(f"{code} {' '.join(command)}", file=sys.stderr)
    path.write_text(json.dumps(results, indent=1), encoding="utf-8")


def compare(before: Path, after: Path) -> int:
    """Print the commands whose outputs differ; 1 if any does."""
    a = json.loads(before.read_text(encoding="utf-8"))
    b = json.loads(after.read_text(encoding="utf-8"))
    differ = [c for c in a if a[c] != b.get(c)] + [c for c in b if c not in a]
    outputs = sum(1 + bool(v[1]) + bool(v[2]) for v in a.values())  # exit codes, non-empty streams
    for command in differ:
        print(f"differs: clause {command}")
    print(f"{len(a)} commands ({outputs} outputs: exit codes, standard output and error) compared, "
          f"{len(differ)} differ")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("file", type=Path)
    rec.add_argument("--quick", action="store_true")
    cmp = sub.add_parser("compare")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.action == "record":
        record(args.file, args.quick)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
