"""The cache of checked programs (and of the grammar, holidays and market data): what a warm run
prints is what a cold one prints, a changed file is never answered from it, a damaged entry is
ignored, and it can be turned off."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from support import CONTRACTS, ROOT, SERIES_B, SMALL_MARKET, Run, values

from interpreter import cache, calendar, pipeline
from interpreter.calendar import BusinessCalendar
from interpreter.evaluate.market import load_market
from interpreter.link import loader, reuse
from interpreter.syntax import parser
from interpreter.syntax.literals import literal_formula
from interpreter.syntax.parser import FormulaSyntaxError, parse_formula

BODY = """\
provisions:
  T 1:
    text: The fee is $10 a day.
    parameters:
      rate: {type: money, value: $10}
    definitions:
      fee: {type: money, formula: rate × 3}
"""
VARIANT = ("extends: c.yaml\ntitle: v\ndocument: {title: V, source: v.txt}\nprovisions:\n  T 2:\n"
           "    text: Twice the fee.\n    definitions:\n      twice: {type: money, formula: fee × 2}\n")


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLAUSE_CACHE_DIR", str(folder))
    return folder


def entries(folder: Path, kind: str = "programs") -> list[Path]:
    return sorted(folder.glob(f"*/{kind}/*.pickle"))


def no_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on a program that is not in the cache fails the test."""

    def load_program(*_: object) -> None:
        raise AssertionError("the program was loaded again, not read from the cache")

    monkeypatch.setattr(loader, "load_program", load_program)


#: The README's example.
EVAL = ("eval", SERIES_B, "conversion_shares", "--set", "notice_date=1999-08-02", "--set",
        "preferred_shares=1000", "--market", ROOT / "examples" / "closing-bids-MADE-UP.csv")


def test_a_warm_run_prints_what_a_cold_one_printed(cli: Callable[..., Run], cache_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    commands = [
        EVAL,
        (*EVAL, "--explain"),  # every quoted text, source and position the derivation shows
        (*EVAL, "--format", "json", "--explain"),
        # past the market data: an error at a line and column of the body the variant extends
        ("eval", SERIES_B, "conversion_shares", "--set", "notice_date=1999-12-01", "--set",
         "preferred_shares=1000", "--market", SMALL_MARKET),
        ("validate", SERIES_B),
        ("interpretations", SERIES_B),
        ("run", ROOT / "examples" / "scenarios" / "01-conversion-after-variable-pricing.yaml", "--explain"),
    ]
    cold = [cli(*command) for command in commands]
    assert cold[0].out == "conversion_shares = 206,053 shares\n"  # the README's figure
    assert cold[3].code == 1
    assert re.match(r".*preferred_certificate_body\.yaml:\d+:\d+: error: 1999-12-01 - 1 trading days: ",
                    cold[3].err)
    assert entries(cache_dir)
    no_loading(monkeypatch)
    assert [cli(*command) for command in commands] == cold


def test_a_warm_eval_or_run_imports_neither_parser_nor_yaml_nor_schemas_nor_holidays(cache_dir: Path,
                                                                                    tmp_path: Path) -> None:
    # Whole processes, as a user runs them: the first fills the cache, the second reads it.
    code = ("import sys; from interpreter.cli import main; main(sys.argv[1:]); print(sorted("
            "{m.split('.')[0] for m in sys.modules} & {'lark', 'yaml', 'jsonschema', 'holidays'}))")
    # Nor the standard library's slowest to import that it once did: each a tenth of a warm eval or so.
    slow = ("dataclasses", "inspect", "typing", "pathlib", "shutil", "tempfile", "importlib.metadata",
            "json", "pickle")
    code += f"; print(sorted(set(sys.modules) & {set(slow)!r}), file=sys.stderr)"

    def run(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, capture_output=True,
                              text=True, check=True, env={**os.environ, "CLAUSE_CACHE_DIR": str(cache_dir)})

    cold, warm = run(*EVAL), run(*EVAL)
    assert cold.stdout == "conversion_shares = 206,053 shares\n['holidays', 'jsonschema', 'lark', 'yaml']\n"
    assert warm.stdout == "conversion_shares = 206,053 shares\n[]\n"
    assert warm.stderr == "[]\n"
    assert "'dataclasses'" in cold.stderr  # a cold run checks the program: it makes dataclasses
    # A contract not in the cache is read and checked, but its calendars' names and holidays are,
    # and so is its text's verdict of the schema (the same text at another path).
    for name in ("series_b_certificate.yaml", "preferred_certificate_body.yaml"):
        (tmp_path / name).write_bytes((CONTRACTS / name).read_bytes())
    copy = run("eval", tmp_path / "series_b_certificate.yaml", *EVAL[2:])
    assert copy.stdout == "conversion_shares = 206,053 shares\n['lark', 'yaml']\n"
    # A warm run of a bundled scenario, as JSON: none of them either. This was ['json'] until
    # json_text wrote its strings with the json package's C function alone (_json), which imports
    # neither the package nor the re its decoder needs (issue 11: imports only when needed); what it
    # prints is still JSON.
    scenario = ROOT / "examples" / "scenarios" / "01-conversion-after-variable-pricing.yaml"
    cold, warm = run("run", scenario, "--format", "json"), run("run", scenario, "--format", "json")
    assert warm.stdout == cold.stdout.replace("['holidays', 'jsonschema', 'lark', 'yaml']\n", "[]\n")
    assert warm.stderr == "[]\n"
    assert json.loads(warm.stdout.rsplit("\n", 2)[0])["scenario"]


def test_a_warm_run_reads_its_scenario_from_the_cache(cache_dir: Path, tmp_path: Path) -> None:
    # Whole processes: the first validates the scenario and keeps its data, the second reads it
    # back, importing neither PyYAML nor the schema's library (nor Lark, nor holidays).
    code = ("import sys; from interpreter.cli import main; code = main(sys.argv[1:]); print(sorted("
            "{m.split('.')[0] for m in sys.modules} & {'lark', 'yaml', 'jsonschema', 'holidays'}), code)")
    example = (ROOT / "examples" / "scenarios" / "01-conversion-after-variable-pricing.yaml").read_text()
    scenario = tmp_path / "s.yaml"
    scenario.write_text(example.replace("../../contracts/", f"{CONTRACTS}/").replace(
        "../closing-bids", f"{ROOT / 'examples'}/closing-bids"), encoding="utf-8")

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", code, "run", str(scenario), "--allow-path", str(ROOT)],
                              cwd=ROOT, capture_output=True, text=True, check=True,
                              env={**os.environ, "CLAUSE_CACHE_DIR": str(cache_dir)})

    cold, warm = run(), run()
    assert cold.stdout.endswith("['holidays', 'jsonschema', 'lark', 'yaml'] 0\n")
    assert warm.stdout == cold.stdout.replace("['holidays', 'jsonschema', 'lark', 'yaml'] 0", "[] 0")
    assert "conversion_shares = 206,053 shares" in warm.stdout  # the README's figure
    assert len(entries(cache_dir, "documents")) == 3  # the scenario, the contract, the body it extends
    # Valid for the schema, wrong for the contract (no such holder): the error at its line and
    # column, from the text read again for its positions, as a cold run places it.
    scenario.write_text(scenario.read_text().replace("certificates_delivered, holder: CC Investments",
                                                     "certificates_delivered, holder: Nobody"))
    cold, warm = run(), run()
    assert cold.stdout == "['jsonschema', 'yaml'] 1\n" and warm.stdout == "['yaml'] 1\n"
    assert warm.stderr == cold.stderr == (f"{scenario}:12:63: error: unknown holder 'Nobody' (holders: "
                                          "CC Investments)\n")


def test_a_changed_file_or_body_is_read_again(contract: Callable[..., Path], tmp_path: Path, cache_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    body = contract(BODY)
    variant = tmp_path / "v.yaml"
    variant.write_text(VARIANT, encoding="utf-8")
    assert values(variant, "twice") == {"twice": 60}  # $10 × 3 × 2
    assert pipeline._cached(str(variant)) is not None
    body.write_text(body.read_text().replace("value: $10", "value: $11"), encoding="utf-8")
    assert pipeline._cached(str(variant)) is None  # the body it extends changed
    assert values(variant, "twice") == {"twice": 66}  # $11 × 3 × 2
    variant.write_text(VARIANT.replace("fee × 2", "fee × 4"), encoding="utf-8")
    assert pipeline._cached(str(variant)) is None
    assert values(variant, "twice") == {"twice": 132}  # $11 × 3 × 4
    no_loading(monkeypatch)
    assert values(variant, "twice") == {"twice": 132}  # now from the cache


def test_a_program_is_read_from_the_cache_once_in_a_process(contract: Callable[..., Path], cache_dir: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    body = contract(BODY)
    pipeline.load_checked(str(body))  # made, and kept in the cache
    read = pipeline.load_checked(str(body))  # read from it
    kinds: list[str] = []
    load = cache.load
    monkeypatch.setattr(cache, "load", lambda kind, name: kinds.append(kind) or load(kind, name))
    # Every scenario naming it shares the one read (clause test of many), its files checked again.
    assert pipeline.load_checked(str(body)) is read and kinds == []
    body.write_text(body.read_text().replace("value: $10", "value: $11"), encoding="utf-8")
    changed = pipeline.load_checked(str(body))  # looked up in the cache (and made again)
    assert changed is not read and kinds[0] == "programs"
    assert values(body, "fee") == {"fee": 33}  # $11 × 3


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05\x95garbage"])
def test_a_damaged_entry_is_ignored_and_written_again(contract: Callable[..., Path], cache_dir: Path,
                                                      damage: bytes) -> None:
    path = contract(BODY)
    assert values(path, "fee") == {"fee": 30}
    [entry] = entries(cache_dir)
    entry.write_bytes(damage)
    assert pipeline._cached(str(path)) is None
    assert values(path, "fee") == {"fee": 30}
    assert pipeline._cached(str(path)) is not None  # written again, whole


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away takes root")
def test_an_entry_another_user_wrote_is_never_read(contract: Callable[..., Path], cache_dir: Path) -> None:
    path = contract(BODY)
    values(path, "fee")
    [entry] = entries(cache_dir)
    os.chown(entry, 12345, 12345)
    assert pipeline._cached(str(path)) is None


def test_the_cache_turned_off(cli: Callable[..., Run], cache_dir: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    first = cli(*EVAL)
    monkeypatch.setenv("CLAUSE_CACHE_DIR", str(cache_dir.parent / "other"))
    assert cli("--no-cache", *EVAL) == first
    assert not (cache_dir.parent / "other").exists()
    monkeypatch.setenv("CLAUSE_NO_CACHE", "1")
    assert cli(*EVAL) == first
    assert not (cache_dir.parent / "other").exists()
    monkeypatch.delenv("CLAUSE_NO_CACHE")
    assert cli(*EVAL) == first  # --no-cache was for its own command only
    assert entries(cache_dir.parent / "other")


def test_validate_links_each_file_once(cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> None:
    linked: Counter[str] = Counter()
    link = loader._load_program

    def counted(path: str | Path, chain: tuple[Path, ...]) -> object:
        linked[str(path)] += 1
        return link(path, chain)

    monkeypatch.setattr(loader, "_load_program", counted)
    monkeypatch.setattr(reuse, "_linked", {})
    assert cli("--no-cache", "validate", CONTRACTS).code == 0
    # the body is extended by both series and reached twice more through the deal: linked once
    assert linked[str(CONTRACTS / "preferred_certificate_body.yaml")] == 1
    assert len(linked) == 9 and set(linked.values()) == {1}


def test_the_grammar_from_a_damaged_entry_is_built_again(cache_dir: Path) -> None:
    parser._lark.cache_clear()
    parser._lark()
    [entry] = entries(cache_dir, "grammar")
    entry.write_bytes(b"\x80\x05\x95broken")
    parser._lark.cache_clear()
    try:
        assert repr(parse_formula("2 × $3")) == repr(parse_formula("2 × $3"))
        assert parse_formula("2 × $3").span == (0, 6)
    finally:
        parser._lark.cache_clear()


def test_holidays_from_the_cache_are_the_packages(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import holidays

    days = [dt.date(1998, 1, 1) + dt.timedelta(days=i) for i in range(4 * 365)]
    monkeypatch.setattr(calendar, "_tables", None)
    fresh = [BusinessCalendar(["XNYS", "FED"]).holiday(day) for day in days]
    assert entries(cache_dir, "calendars")
    monkeypatch.setattr(calendar, "_tables", None)  # read again: now from the cache
    again = [BusinessCalendar(["XNYS", "FED"]).holiday(day) for day in days]
    xnys, fed = holidays.financial_holidays("XNYS"), holidays.financial_holidays("FED")
    assert fresh == again == [xnys.get(day) or fed.get(day) for day in days]
    assert fresh[days.index(dt.date(1999, 7, 5))] == "Independence Day (observed)"
    assert fresh[days.index(dt.date(1999, 10, 11))] == "Columbus Day"  # FED's, not the exchange's


def test_market_data_is_read_again_when_its_bytes_change(tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("date,closing_bid\n1999-07-19,5\n")
    assert load_market(path).columns["closing_bid"] == {dt.date(1999, 7, 19): 5}
    assert load_market(path).columns["closing_bid"] == {dt.date(1999, 7, 19): 5}  # from the cache
    path.write_text("date,closing_bid\n1999-07-19,6\n")
    assert load_market(path).columns["closing_bid"] == {dt.date(1999, 7, 19): 6}
    assert len(entries(cache_dir, "markets")) == 2


#: Every text of up to four characters from these, and some longer ones.
_LITERAL_TEXTS = [
    "".join(chars) for n in range(1, 5) for chars in itertools.product("019,.-$%", repeat=n)
] + ["1999-08-02", "-1999-08-02", "1999-02-30", "2000-02-29", "true", "false", "-true", "True", "1,000",
     "1,000.50", "$1,000.00", "-$6.03", "4.9%", "12,34", "1234,567", "1,2345", "1e5", " 5", "5 ", "007",
     "$6.03 per share", "10 days", "7,500 shares", '"Company"', "x", "1" * 41]


def test_a_literal_read_without_the_grammar_is_the_parsers() -> None:
    read = 0
    for text in _LITERAL_TEXTS:
        fast = literal_formula(text)
        if fast is None:
            continue  # the parser's to read, or reject
        read += 1
        try:
            slow = parse_formula(text)
        except FormulaSyntaxError as exc:
            pytest.fail(f"{text!r}: read as {fast!r}, but the parser says {exc.message}")
        assert repr(fast) == repr(slow), text
    for text in ("1000", "1,000", "1999-08-02", "$6.03", "4.9%", "-5", ".06", "true", "false"):
        assert literal_formula(text) is not None, text
    assert read > 400


def test_a_source_file_changed_makes_another_installation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fingerprint follows the size and time of Clause's own files (what Python checks of a
    module's source before it runs its compiled code): either changed, the cache is another."""
    source = Path(cache.__file__).parent / "slotted.py"
    before = os.stat(source)
    monkeypatch.setattr(cache, "_fingerprint", None)
    first = cache.fingerprint()
    try:
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns + 1))  # one nanosecond later
        monkeypatch.setattr(cache, "_fingerprint", None)
        later = cache.fingerprint()
    finally:
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    monkeypatch.setattr(cache, "_fingerprint", None)
    assert len({first, later}) == 2 and cache.fingerprint() == first
