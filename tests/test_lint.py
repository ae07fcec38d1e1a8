"""``clause lint``: what a careful reader would flag across documents, each finding worked by hand.

Places in messages are found in the files by their text, so that an edit elsewhere in a contract
does not move the expectation.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from support import CONTRACTS, HEADER, normalised_document

from interpreter.cli import main
from interpreter.link.loader import load_program

SPA = CONTRACTS / "securities_purchase_agreement.yaml"
RRA = CONTRACTS / "registration_rights_agreement.yaml"
BODY = CONTRACTS / "preferred_certificate_body.yaml"
SERIES_B = CONTRACTS / "series_b_certificate.yaml"
WARRANT = CONTRACTS / "warrant_body.yaml"


def at(path: Path, line: str, nth: int = 0, *, value: bool = False) -> str:
    """``path:line:col`` of the ``nth`` line whose text is ``line``: at its key, or at its value.

    A line that opens an item of a list (``- says: ...``) counts, at the key after the dash.
    """
    hits = [(n, raw.replace("- ", "  ", 1) if raw.lstrip().startswith("- ") else raw)
            for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if raw.strip().removeprefix("- ") == line]
    number, raw = hits[nth]
    column = len(raw) - len(raw.lstrip()) + 1 + (line.index(": ") + 2 if value else 0)
    return f"{path}:{number}:{column}"


def mentioned(path: Path, provision: str, *, listed: bool = False) -> str:
    """``path:line:col`` where ``provision`` is first cited: its provision's key, or a ``cites:``.

    ``listed``: the provision's key alone (a provision with no entries lists the id).
    """
    token = re.compile(rf"(?<![\w(]){re.escape(provision)}(?![\w(])")
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.strip() == f"{provision}:" or raw.strip().startswith(f"{provision}: "):
            return f"{path}:{number}:{len(raw) - len(raw.lstrip()) + 1}"
        match = token.search(raw)
        if match and not listed and raw.lstrip().startswith("cites:"):
            return f"{path}:{number}:{match.start() + 1}"
    raise AssertionError(f"{provision} not found in {path}")


def warnings(run_out: str) -> list[str]:
    return [line for line in run_out.splitlines() if ": warning: " in line]


# -- the real contracts ---------------------------------------------------------

@pytest.fixture(scope="module")
def real() -> list[str]:
    """The lines ``clause lint contracts/`` prints (once for the module: it loads every contract)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["lint", str(CONTRACTS)]) == 0
    return out.getvalue().splitlines()


def test_form_8k_has_two_deadlines(real: list[str]) -> None:
    # Second Closing Friday 1998-12-18: SPA 4.2 five days → Wednesday 1998-12-23; SPA 8.10 two
    # business days → Monday 21, Tuesday 22: 1998-12-22.
    assert (f"{at(SPA, 'form_8k_deadline:')}: warning: form_8k_deadline [SPA 4.2] and "
            f"form_8k_filing_deadline [SPA 8.10] ({at(SPA, 'form_8k_filing_deadline:')}) are "
            "deadlines of form_8k but differ: 1998-12-23 vs 1998-12-22") in real


def test_registration_statement_has_three_filing_deadlines(real: list[str]) -> None:
    # COD VIII.A(vi): within 5 days of the Closing Date, 1998-12-18 for Series B → 1998-12-23.
    # RRA 2.1: within 20 days of the Series B closing → 1999-01-07. The body gives no Closing
    # Date; the Series B file does, so the value is read there.
    assert (f"{at(BODY, 'registration_filing_deadline:')}: warning: registration_filing_deadline "
            f"[COD VIII.A] and filing_date [RRA 2.1] ({at(RRA, 'filing_date:')}) are deadlines of "
            f"registration_statement_filing but differ: 1998-12-23 (in {SERIES_B}) vs 1999-01-07") in real
    # SPA 5.5: "immediately upon consummation of the Second Closing", 1998-12-18: differs from both.
    assert (f"{at(RRA, 'filing_date:')}: warning: filing_date [RRA 2.1] and second_registration_filing_due "
            f"[SPA 5.5] ({at(SPA, 'second_registration_filing_due:')}) are deadlines of "
            "registration_statement_filing but differ: 1999-01-07 vs 1998-12-18") in real
    # Series A's deadline (1998-08-01) is of its own, first registration statement: no finding.
    # Three deadlines, three pairs.
    assert sum("registration_statement_filing" in line for line in real) == 3


def test_fractional_warrant_share_is_answered_two_ways(real: list[str]) -> None:
    # W 1(d) pays the fraction at the Exercise Price, W 4(i) at the Market Price; both depend on
    # the exercise, so the formulas are compared.
    assert (f"{at(WARRANT, 'fractional_share_at_exercise_price:')}: warning: "
            "fractional_share_at_exercise_price [W 1(d)] and fractional_share_at_market_price [W 4(i)] "
            f"({at(WARRANT, 'fractional_share_at_market_price:')}) answer fractional_warrant_share_value "
            "but differ: 'exercise_price' vs 'market_price'") in real


def test_cross_references_of_the_warrant(real: list[str]) -> None:
    # The warrant's Section 7 has no parts and Section 12 ends at (d); the parts meant are in 8.
    says = lambda text, nth=0: at(WARRANT, f"says: {text}", nth, value=True)  # noqa: E731
    listed = lambda provision: mentioned(WARRANT, provision, listed=True)  # noqa: E731
    assert {line for line in real if line.startswith(f"{WARRANT}:") and "' in W " in line} == {
        f"{says('Section 7(f)')}: warning: 'Section 7(f)' in W 1 names W 7(f), which does not exist; "
        f"the provision meant is W 8(f) ({mentioned(WARRANT, 'W 8(f)')})",
        f"{says('Section 12(e)')}: warning: 'Section 12(e)' in W 1(a) names W 12(e), which does not "
        f"exist; the provision meant is W 8(c) ({listed('W 8(c)')})",
        f"{says('Section 7(e) below')}: warning: 'Section 7(e) below' in W 8(a) names W 7(e), which "
        f"does not exist; the provision meant is W 8(e) ({listed('W 8(e)')})",
        f"{says('Section 7(e) below', 1)}: warning: 'Section 7(e) below' in W 8(b) names W 7(e), "
        f"which does not exist; the provision meant is W 8(e) ({listed('W 8(e)')})",
        f"{says('this Section 7')}: warning: 'this Section 7' in W 8(d) names W 7 ({listed('W 7')}), "
        f"not W 8 ({mentioned(WARRANT, 'W 8')}), the provision meant",
        f"{says('this Section 7', 1)}: warning: 'this Section 7' in W 8(d) names W 7 ({listed('W 7')}), "
        f"not W 8 ({mentioned(WARRANT, 'W 8')}), the provision meant",
        f"{says('this Section 9')}: warning: 'this Section 9' in W 10 names W 9 ({listed('W 9')}), "
        f"not W 10 ({listed('W 10')}), the provision meant",
    }


def test_the_agreement_cites_a_clause_it_does_not_have(real: list[str]) -> None:
    # SPA 5.4: "as described in Section 7.1(x)": this agreement's 7.1 runs from (a) to (l).
    # SPA 3.4's "Section 4.13" resolves, so it is not reported.
    where = at(SPA, "says: Section 7.1(x) of the Securities Purchase Agreement", value=True)
    assert (f"{where}: warning: 'Section 7.1(x) of the Securities Purchase Agreement' in SPA 5.4 names "
            f"SPA 7.1(x), which does not exist; the provision meant is SPA 7.1 ({mentioned(SPA, 'SPA 7.1')})"
            ) in real
    assert not [line for line in real if "'Section 4.13'" in line]


def test_clauses_i_to_v_over_four_clauses(real: list[str]) -> None:
    where = at(BODY, "says: clauses (i) - (v) of this Section XIV.D", value=True)
    assert (f"{where}: warning: 'clauses (i) - (v) of this Section XIV.D' in COD XIV.D covers 5 items, "
            f"(i) to (v), but COD XIV.D ({mentioned(BODY, 'COD XIV.D')}) has 4: (i), (ii), (iii), (iv); "
            "no COD XIV.D(v)") in real


def test_references_that_resolve_are_not_reported(real: list[str]) -> None:
    good = [at(WARRANT, f"says: {s}", value=True) for s in ("Section 1(c)", "this Section 4", "Section 9")]
    good += [at(BODY, f"says: {s}", value=True) for s in ("Section XIV.C", "Section VII.A")]
    flagged = {line.split(": warning")[0] for line in real}
    assert not flagged & set(good)


def test_the_real_contracts_have_these_findings_and_no_other(real: list[str]) -> None:
    # 4 deadline conflicts (the Form 8-K; three pairs for the registration statement), 1 question
    # answered two ways, 9 bad references (8 of the documents' own, SPA 5.4's "Section 7.1(x)"); no
    # unknown name and no unused parameter (those that only record a fact say so with unused:).
    assert len(warnings("\n".join(real))) == 14
    assert real[-1] == "14 warnings in 9 files"
    assert not [line for line in real if "unknown name" in line or "used by no formula" in line]


@pytest.mark.parametrize("path", sorted(CONTRACTS.glob("*.yaml")), ids=lambda p: p.name)
def test_references_are_quoted_from_the_document(path: Path) -> None:
    document = normalised_document()
    for reference in load_program(str(path)).references:
        assert reference.says in reference.text
        assert " ".join(reference.text.split()) in document, reference.text


# -- small files, one check at a time -------------------------------------------

def write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def lint_lines(cli, *paths: Path | str) -> list[str]:
    run = cli("lint", *paths)
    assert run.code == 0, run.out + run.err
    return warnings(run.out)


DEADLINE = """\
provisions:
  T 1:
    text: the deadline
    definitions:
      due:
        type: date
        deadline_of: filing
        formula: {formula}
"""


def test_deadlines_that_differ_name_both_places_and_dates(cli, tmp_path: Path) -> None:
    # 1999-01-04 is a Monday: + 5 days = Saturday 1999-01-09; + 5 business days = Monday 1999-01-11.
    a = write(tmp_path, "a.yaml", DEADLINE.format(formula="1999-01-04 + 5 days"))
    b = write(tmp_path, "b.yaml", DEADLINE.format(formula="1999-01-04 + 5 business days"))
    assert lint_lines(cli, tmp_path) == [
        f"{a}:8:7: warning: due [T 1] and due [T 1] ({b}:8:7) are deadlines of filing but differ: "
        "1999-01-09 vs 1999-01-11"]


def test_deadlines_written_differently_with_the_same_date_agree(cli, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", DEADLINE.format(formula="1999-01-04 + 5 days"))
    write(tmp_path, "b.yaml", DEADLINE.format(formula="1999-01-09"))
    assert lint_lines(cli, tmp_path) == []


def test_deadlines_that_need_inputs_are_compared_as_formulas(cli, tmp_path: Path) -> None:
    given = "    inputs:\n      start: {type: date, description: d}\n"  # in provision T 1, after due
    a = write(tmp_path, "a.yaml", DEADLINE.format(formula="start + 5 days") + given)
    b = write(tmp_path, "b.yaml", DEADLINE.format(formula="start + 5 business days") + given)
    write(tmp_path, "c.yaml", DEADLINE.format(formula="start  +  5 days") + given)  # same as a
    assert lint_lines(cli, tmp_path) == [
        f"{a}:8:7: warning: due [T 1] and due [T 1] ({b}:8:7) are deadlines of filing but differ: "
        "'start + 5 days' vs 'start + 5 business days'",
        f"{b}:8:7: warning: due [T 1] and due [T 1] ({tmp_path / 'c.yaml'}:8:7) are deadlines of filing "
        "but differ: 'start + 5 business days' vs 'start + 5 days'"]


ANSWERS = """\
provisions:
  T 1:
    text: five
    parameters:
      rate_a: {type: ratio, value: 5%, answers: rate}
  T 2:
    text: six
    parameters:
      rate_b: {type: ratio, value: 6%, answers: rate}
  T 3:
    text: five again
    parameters:
      rate_c: {type: ratio, value: 5%, answers: rate}
  T 4:
    text: seven
    parameters:
      other: {type: ratio, value: 7%, answers: another_question}
  T 5:
    text: all
    definitions:
      uses: {type: ratio, formula: rate_a + rate_b + rate_c + other}
"""


def test_one_question_answered_two_ways(cli, tmp_path: Path) -> None:
    # rate_a and rate_c agree (5%); rate_b (6%) disagrees with both; other answers another question.
    path = write(tmp_path, "c.yaml", ANSWERS)
    assert lint_lines(cli, path) == [
        f"{path}:8:7: warning: rate_a [T 1] and rate_b [T 2] ({path}:12:7) answer rate but differ: "
        "0.05 vs 0.06",
        f"{path}:12:7: warning: rate_b [T 2] and rate_c [T 3] ({path}:16:7) answer rate but differ: "
        "0.06 vs 0.05"]


REFERENCES = """\
provisions:
  T 1:
    references:
      - {says: clauses (a) - (b), means: T 1, text: clauses (a) - (b)}
  T 1(a):
    text: p
    parameters:
      p: {type: ratio, value: 1}
  T 1(b): {}
  T 2:
    text: q
    definitions:
      q: {type: ratio, formula: p}
    references:
      - {says: Section 1(b), means: T 1(b), text: under Section 1(b)}
      - {says: Section 1(c) hereof, means: T 1(b), text: under Section 1(c) hereof}
      - {says: this Section 3, means: T 2, text: in this Section 3}
      - {says: clauses (a) through (c) of Section 1, means: T 1, text: of all three}
      - {says: the foregoing, means: T 1, text: the foregoing}
      - {says: Section 4, means: T 4, text: Section 4}
  T 3: {}
"""


def test_cross_references(cli, tmp_path: Path) -> None:
    # Each reference is one line, its words at column 16. Known ids are the provisions' keys, at
    # column 3: T 1 (line 5), T 1(a) (8), T 1(b) (12), T 2 (13) and T 3 (24); T 1(b) and T 3 hold no
    # entry. Section 1(b) resolves, and so does "clauses (a) - (b)" in T 1 (items of the provision it
    # is in): no warning for them.
    path = write(tmp_path, "c.yaml", REFERENCES)
    assert lint_lines(cli, path) == [
        f"{path}:19:16: warning: 'Section 1(c) hereof' in T 2 names T 1(c), which does not exist; the "
        f"provision meant is T 1(b) ({path}:12:3)",
        f"{path}:20:16: warning: 'this Section 3' in T 2 names T 3 ({path}:24:3), not T 2 ({path}:13:3), "
        "the provision meant",
        f"{path}:21:16: warning: 'clauses (a) through (c) of Section 1' in T 2 covers 3 items, (a) to (c), "
        f"but T 1 ({path}:5:3) has 2: (a), (b); no T 1(c)",
        f"{path}:22:16: warning: 'the foregoing' in T 2: cannot tell which provision the words name",
        f"{path}:23:16: warning: 'Section 4' in T 2 is meant as T 4, which is not a known provision",
    ]


def test_an_inventory_adds_provisions(cli, tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", REFERENCES)
    inventory = tmp_path / "inventory.md"
    inventory.write_text("# Inventory\n\n| id | what |\n| --- | --- |\n| T 4 | the fourth |\n")
    assert [line for line in cli("lint", path).out.splitlines() if "'Section 4'" in line]
    run = cli("lint", path, "--inventory", inventory)
    assert not [line for line in run.out.splitlines() if "'Section 4'" in line]


def test_an_inventory_row_is_the_place_of_an_id_no_file_has(cli, tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", REFERENCES.replace("means: T 4", "means: T 5"))
    inventory = tmp_path / "inventory.md"
    inventory.write_text("| id | what |\n| --- | --- |\n| T 5 | the fifth |\n")
    run = cli("lint", path, "--inventory", inventory)
    assert (f"'Section 4' in T 2 names T 4, which does not exist; the provision meant is T 5 "
            f"({inventory}:3:1)") in run.out


def test_every_unknown_name_is_reported_not_only_the_first(cli, tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "provisions:\n  T 1:\n    parameters:\n"
                                  "      p: {type: ratio, value: 1, text: p}\n    definitions:\n"
                                  "      x: {type: ratio, formula: p + missing + elsewhere + pp, text: x}\n")
    b = write(tmp_path, "b.yaml", "provisions:\n  T 1:\n    text: e\n    parameters:\n"
                                  "      elsewhere: {type: ratio, value: 1, unused: only declared}\n")
    # The formula starts at column 33 of line 9: p + missing + elsewhere + pp.
    run = cli("lint", a, b)
    assert run.code == 0 and run.err == ""
    assert warnings(run.out) == [
        f"{a}:9:37: warning: unknown name 'missing': no loaded file declares it",
        f"{a}:9:47: warning: unknown name 'elsewhere': not declared here, but {b} declares it",
        f"{a}:9:59: warning: unknown name 'pp': no loaded file declares it; did you mean 'p'?"]


def test_other_errors_in_files_are_errors(cli, tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", "provisions:\n  T 1:\n    text: x\n    definitions:\n"
                                     "      x: {type: money, formula: '$1 + 2 shares'}\n")
    run = cli("lint", path)
    assert run.code == 1
    assert run.out.splitlines() == [f"{path}:8:34: error: cannot add shares to money"]
    assert run.err.strip() == "1 error and 0 warnings in 1 file"
    (tmp_path / "bad.yaml").write_text("title: [unclosed\n")
    assert cli("lint", tmp_path).code == 1


BODY_TOY = """\
abstract: true
provisions:
  T 1:
    parameters:
      start: {type: date, text: the start}
      used_by_variant: {type: ratio, value: 1, text: u}
      never_used: {type: ratio, value: 1, text: n}
      fact_only: {type: ratio, value: 1, text: f, unused: records a fact}
      wrongly_marked: {type: ratio, value: 1, text: w, unused: says unused}
  T 2:
    definitions:
      due: {type: date, formula: start + 5 days, deadline_of: filing, text: d}
      w: {type: ratio, formula: wrongly_marked, text: w}
    references:
      - {says: Section 9, means: T 2, text: Section 9}
"""

VARIANT_TOY = """\
extends: body.yaml
provisions:
  T 1:
    text: the start
    parameters:
      start: {{type: date, value: {start}}}
  T 3:
    text: x
    definitions:
      x: {{type: ratio, formula: used_by_variant}}
"""


def test_a_body_and_its_variants_report_each_finding_once(cli, tmp_path: Path) -> None:
    body = write(tmp_path, "body.yaml", BODY_TOY)
    write(tmp_path, "v1.yaml", VARIANT_TOY.format(start="1999-01-04"))
    write(tmp_path, "v2.yaml", VARIANT_TOY.format(start="1999-01-04"))
    other = write(tmp_path, "other.yaml", DEADLINE.format(formula="1999-01-04 + 10 days"))
    # The body (lines 4-18 of its file) has no start: its deadline is read in v1, the first variant
    # that gives one: 1999-01-04 + 5 days = 1999-01-09, against other's 1999-01-04 + 10 days.
    # never_used is reported once though three programs have it; used_by_variant is used by them.
    assert lint_lines(cli, tmp_path) == [
        f"{body}:10:7: warning: parameter never_used is used by no formula, clause or event; if it "
        "only records a fact, say why with unused:",
        f"{body}:12:7: warning: parameter wrongly_marked is marked unused, but {body}:16:33 uses it",
        f"{body}:15:7: warning: due [T 2] and due [T 1] ({other}:8:7) are deadlines of filing but "
        f"differ: 1999-01-09 (in {tmp_path / 'v1.yaml'}) vs 1999-01-14",
        f"{body}:18:16: warning: 'Section 9' in T 2 names T 9, which does not exist; the provision "
        f"meant is T 2 ({body}:13:3)"]


def test_a_body_alone_compares_formulas(cli, tmp_path: Path) -> None:
    body = write(tmp_path, "body.yaml", BODY_TOY)
    other = write(tmp_path, "other.yaml", DEADLINE.format(formula="1999-01-04 + 10 days"))
    assert (f"{body}:15:7: warning: due [T 2] and due [T 1] ({other}:8:7) are deadlines of filing but "
            "differ: 'start + 5 days' vs '1999-01-04 + 10 days'") in lint_lines(cli, body, other)


# -- the command ----------------------------------------------------------------

def test_exit_codes_and_summary(cli, tmp_path: Path) -> None:
    clean = write(tmp_path, "clean.yaml", "provisions:\n  T 1:\n    text: p\n    parameters:\n"
                                          "      p: {type: ratio, value: 1, unused: a fact}\n")
    run = cli("lint", clean)
    assert (run.code, run.out, run.err) == (0, "0 warnings in 1 file\n", "")
    assert cli("lint", clean, "--strict").code == 0
    noisy = write(tmp_path, "noisy.yaml", "provisions:\n  T 1:\n    text: p\n    parameters:\n"
                                          "      p: {type: ratio, value: 1}\n")
    assert cli("lint", noisy).code == 0
    run = cli("lint", noisy, "--strict")
    assert run.code == 1 and run.out.endswith("1 warning in 1 file\n")
    assert cli("lint", CONTRACTS, "--strict").code == 1
    assert cli("lint", "no/such/path").code == 2


def test_json_and_github_formats(cli, tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", "provisions:\n  T 1:\n    text: p\n    parameters:\n"
                                     "      p: {type: ratio, value: 1}\n")
    message = ("parameter p is used by no formula, clause or event; if it only records a fact, say why "
               "with unused:")
    run = cli("lint", path, "--format", "json")
    assert run.code == 0
    assert run.json() == [{"path": str(path), "line": 8, "column": 7, "severity": "warning",
                           "message": message}]
    run = cli("lint", path, "--format", "github", "--strict")
    assert run.code == 1
    assert run.out == f"::warning file={path},line=8,col=7::{message}\n"


def test_scenario_files_in_a_folder_are_skipped(cli, tmp_path: Path) -> None:
    (tmp_path / "scenario.yaml").write_text("contracts: [c.yaml]\n")
    run = cli("lint", tmp_path)  # nothing to lint is an error
    assert (run.code, run.out) == (1, "")
    assert run.err == f"error: no contract files in {tmp_path}: nothing to lint\n"
    (tmp_path / "c.yaml").write_text(HEADER + "provisions:\n  T 1:\n    text: quoted\n    definitions:\n"
                                     "      fee: {type: money, formula: $1}\n")
    assert cli("lint", tmp_path).out == "0 warnings in 1 file\n"


def test_the_deal_alone_has_the_same_findings(real: list[str]) -> None:
    # The deal joins all six documents, so linting it alone reads every reference, deadline and
    # question of them; the findings are the folder's (only the "(in ...)" file naming a value differs).
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["lint", str(CONTRACTS / "valence_financing.yaml")]) == 0
    alone = out.getvalue().splitlines()
    assert alone[-1] == "14 warnings in 1 file"

    def where(lines: list[str]) -> set[str]:
        return {line.split(": warning: ")[0] for line in warnings("\n".join(lines))}

    assert where(alone) == where(real)
