"""The ``clause`` command: validate, lint and compare contract files, evaluate their terms, run scenarios.

Exit codes: 0 success, 1 a problem in the user's files or inputs (reported as
``path:line:col: error: message`` lines), 2 a usage error. No traceback is
ever shown.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from . import __version__, cache
from .collector import CollectorOff
from .diagnostics import ClauseError, Diagnostic
from .files import allow_paths, write_atomically, yaml_files
from .files import is_scenario as _is_scenario

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from .report.readings import Readings
    from .run.engine import RunResult

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """Wrong use of the command line itself."""


def _validate_arguments(validate: argparse.ArgumentParser) -> None:
    validate.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    validate.add_argument("--format", choices=["text", "json", "github"], default="text")


def _eval_arguments(evaluate: argparse.ArgumentParser) -> None:
    evaluate.add_argument("contract", metavar="CONTRACT")
    evaluate.add_argument("terms", nargs="+", metavar="TERM")
    evaluate.add_argument("--set", dest="given", action="append", default=[],
                          metavar="NAME=VALUE", help="give an input, or override any term")
    evaluate.add_argument("--market", metavar="CSV", help="market data (date,closing_bid,...)")
    evaluate.add_argument("--interpret", action="append", default=[], metavar="NAME=CHOICE",
                          help="choose a reading of an interpretation")
    evaluate.add_argument("--format", choices=["text", "json"], default="text")
    evaluate.add_argument("--explain", action="store_true",
                          help="print each value's derivation with sources and quoted text")


def _run_arguments(run: argparse.ArgumentParser) -> None:
    run.add_argument("scenario", metavar="SCENARIO")
    run.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    run.add_argument("--explain", action="store_true", help="derivation of every value computed")
    run.add_argument("--as-of", metavar="DATE", help="end the run on this date instead")
    run.add_argument("--readings", metavar="all|NAME,...", help="repeat the run under every other "
                     "reading of each interpretation it reads (or of those named) and show what changes")



def _report_arguments(report: argparse.ArgumentParser) -> None:
    report.add_argument("scenario", metavar="SCENARIO", help="a scenario, or a result of clause simulate "
                                                            "(SIM.json) for its distributions")
    report.add_argument("-o", "--output", metavar="FILE", help="the HTML file (default: standard output)")
    report.add_argument("--as-of", metavar="DATE", help="end the run on this date instead")
    report.add_argument("--readings", metavar="all|none|NAME,...", default="all",
                        help="which interpretations to repeat the run under (default: all it reads)")
    report.add_argument("--contract-html", metavar="HREF", default="contract.html",
                        help="where provision ids link to: the clause render page (default contract.html)")


def _render_arguments(render: argparse.ArgumentParser) -> None:
    render.add_argument("contracts", nargs="+", metavar="CONTRACT",
                        help="contract files, or a scenario for the contracts it names")
    render.add_argument("-o", "--output", metavar="FILE", help="the file to write (default: standard output)")
    render.add_argument("--format", choices=["html", "markdown"], default="html")


def _test_arguments(test: argparse.ArgumentParser) -> None:
    test.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or folders")
    test.add_argument("--format", choices=["text", "github"], default="text",
                      help="github: a workflow annotation for each problem, at its line")
    test.add_argument("--junit", metavar="FILE", help="also write the outcomes as JUnit XML")


def _diff_arguments(compare: argparse.ArgumentParser) -> None:
    compare.add_argument("contracts", nargs="*", metavar="CONTRACT", help="two contract files")
    compare.add_argument("--run", metavar="SCENARIO", help="run this scenario against each --variant")
    compare.add_argument("--variant", action="append", default=[], metavar="CONTRACT")
    compare.add_argument("--format", choices=["text", "json"], default="text")


def _coverage_arguments(coverage: argparse.ArgumentParser) -> None:
    coverage.add_argument("inventory", metavar="INVENTORY", help="Markdown file whose table rows start "
                                                                 "with a provision id: | COD I | ...")
    coverage.add_argument("paths", nargs="+", metavar="PATH", help="contract files or folders")
    coverage.add_argument("--prefix", help="count only ids starting with this (COD, W, SPA, RRA)")


def _lint_arguments(lint: argparse.ArgumentParser) -> None:
    lint.add_argument("paths", nargs="+", metavar="PATH", help="contract files or folders")
    lint.add_argument("--format", choices=["text", "json", "github"], default="text")
    lint.add_argument("--strict", action="store_true", help="exit 1 when there is any warning")
    lint.add_argument("--inventory", metavar="FILE", help="Markdown inventory whose provision ids "
                                                          "cross-references may also name")


def _sweep_arguments(sweep: argparse.ArgumentParser) -> None:
    sweep.add_argument("contract", metavar="CONTRACT")
    sweep.add_argument("terms", nargs="+", metavar="TERM")
    sweep.add_argument("--over", required=True, metavar="NAME=START..END",
                       help="the date swept over the trading days from START to END")
    sweep.add_argument("--set", dest="given", action="append", default=[], metavar="NAME=VALUE")
    sweep.add_argument("--interpret", action="append", default=[], metavar="NAME=CHOICE")
    sweep.add_argument("--market-paths", action="append", default=[], metavar="[SERIES=]PATHS.npy",
                       help="a series' values, an array (paths, dates); one a series")
    sweep.add_argument("--market-dates", metavar="DATES.txt", help="the dates of the columns, one a line")
    _model_options(sweep, required=False)
    sweep.add_argument("--market", metavar="CSV", help="the history the paths continue")
    sweep.add_argument("--output", required=True, metavar="OUT", help=".npy, .npz, .csv or .json")
    sweep.add_argument("--quantiles", type=_percents, default=[5.0, 50.0, 95.0], metavar="P,P,...",
                       help="the quantiles printed, in percent (default 5,50,95)")


def _simulate_arguments(simulate: argparse.ArgumentParser) -> None:
    simulate.add_argument("scenario", metavar="SCENARIO")
    _model_options(simulate, required=True)
    simulate.add_argument("--workers", type=_count, default=1, metavar="K", help="run on K local processes")
    simulate.add_argument("--scheduler", metavar="ADDRESS", help="run on the dask.distributed cluster at "
                                                                 "ADDRESS (pip install 'clause[dask]')")
    simulate.add_argument("--output", metavar="OUT.json", help="write every path's outcomes")
    simulate.add_argument("--format", choices=["text", "json"], default="text")
    simulate.add_argument("--quantiles", type=_percents, default=[5.0, 50.0, 95.0], metavar="P,P,...",
                          help="the quantiles printed, in percent (default 5,50,95)")


def _interpretations_arguments(readings: argparse.ArgumentParser) -> None:
    readings.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    readings.add_argument("--format", choices=["text", "markdown"], default="text")


def _terms_arguments(terms: argparse.ArgumentParser) -> None:
    terms.add_argument("contract", metavar="CONTRACT")
    terms.add_argument("names", nargs="*", metavar="TERM", help="only these terms")
    terms.add_argument("--format", choices=["text", "json"], default="text")


def _events_arguments(events: argparse.ArgumentParser) -> None:
    events.add_argument("contract", metavar="CONTRACT")
    events.add_argument("--format", choices=["text", "json"], default="text")


#: The subcommands in the order ``clause --help`` lists them: the help line, and what adds the
#: arguments. A new subcommand is a function adding its arguments, a line here and a branch in
#: ``main``.
_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "validate": ("check contract files (schema, grammar, names, units and cycles) and scenario files "
                 "(each name and value against its contracts)", _validate_arguments),
    "eval": ("evaluate terms of a contract", _eval_arguments),
    "run": ("run a scenario: events in date order, obligations, flags, state", _run_arguments),
    "report": ("a run as one self-contained HTML page: charts, events with derivations, obligations, "
               "flags, state, readings at stake", _report_arguments),
    "render": ("the literate contract: each provision's sentences beside the entries that encode them",
               _render_arguments),
    "test": ("run scenarios with an expect: block and check them", _test_arguments),
    "diff": ("what differs between two contracts, or between one scenario run against two contracts",
             _diff_arguments),
    "coverage": ("which provision ids of an inventory the contracts cite", _coverage_arguments),
    "lint": ("what a careful reader would flag across documents: deadlines and answers that disagree, "
             "cross-references that do not resolve, unknown names, unused parameters", _lint_arguments),
    "sweep": ("terms over many price paths and a range of dates at once (the vectorised back end)",
              _sweep_arguments),
    "simulate": ("run a scenario's events and rules over many price paths drawn by a model; the "
                 "distributions of what happens", _simulate_arguments),
    "interpretations": ("list the named interpretations of contracts and their choices",
                        _interpretations_arguments),
    "terms": ("list a contract's terms: type, provision, and the inputs and market data each needs",
              _terms_arguments),
    "events": ("list a contract's events: fields, provision, and the clauses that run on each",
               _events_arguments),
}


def _parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The command line's parser, with only the subcommand ``argv`` invokes (every one when it
    names none, for ``clause --help`` and its errors): making every subcommand's parser would
    cost a warm ``clause eval`` a tenth of its time."""
    parser = argparse.ArgumentParser(
        prog="clause", description="Contracts as data: validate clause files, evaluate terms.",
        formatter_class=_Formatter)
    parser.add_argument("--version", action=_Version, nargs=0, default=argparse.SUPPRESS,
                        help="show program's version number and exit")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the cache of checked programs (as CLAUSE_NO_CACHE=1)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # The command named, unless an option before it might print the top-level help (-h, --he).
    first = next((i for i, a in enumerate(argv) if not a.startswith("-")), len(argv))
    invoked = argv[first] if first < len(argv) and set(argv[:first]) <= {"--no-cache"} else None
    for name, (help_text, arguments) in _COMMANDS.items():
        if invoked in _COMMANDS and name != invoked:
            continue
        command = sub.add_parser(name, help=help_text, formatter_class=_Formatter)
        arguments(command)
        command.add_argument("--allow-path", action="append", default=[], metavar="FOLDER",
                             help="let the paths files name (extends, documents, contracts, market) "
                                  "lead into FOLDER too, besides their own folder and this one")
    return parser


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, as wide as the terminal less two columns, as argparse makes it; the
    width is measured here (as ``shutil.get_terminal_size`` does) because argparse makes a
    formatter for each argument added, and importing ``shutil`` imports the compressors."""

    def __init__(self, prog: str) -> None:
        try:
            columns = int(os.environ["COLUMNS"])
        except (KeyError, ValueError):
            columns = 0
        if columns <= 0:
            stdout = sys.__stdout__
            try:
                columns = (os.get_terminal_size(stdout.fileno()).columns if stdout else 0) or 80
            except (AttributeError, ValueError, OSError):  # not a terminal, closed, detached
                columns = 80
        super().__init__(prog, width=columns - 2)


class _Version(argparse.Action):
    """``--version``: the version is looked up only when asked for (``importlib.metadata`` takes
    longer to import than a warm ``clause eval`` takes to run)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        print(f"clause {_version()}")
        parser.exit()


def _model_options(command: argparse.ArgumentParser, required: bool) -> None:
    """The options of the price models (``simulate/models.py``), one definition for sweep and simulate."""
    command.add_argument("--paths", type=_count, required=required, metavar="N",
                         help="draw N paths from --model")
    command.add_argument("--model", choices=["gbm", "bootstrap"], required=required)
    command.add_argument("--seed", type=int, default=0)
    command.add_argument("--simulate-from", metavar="DATE", help="the first day drawn (default: the "
                                                                 "first trading day after the history)")
    command.add_argument("--drift", type=_rate, default=0.0, help="gbm: yearly drift (default 0)")
    command.add_argument("--volatility", type=_rate, help="gbm: yearly volatility (default: the history's)")
    command.add_argument("--start-price", type=_rate, help="gbm: the first price (default: the last of "
                                                           "the history)")


def _version() -> str:
    """The installed package's version (its metadata), or the source's when run uninstalled."""
    import importlib.metadata

    try:
        return importlib.metadata.version("clause")
    except importlib.metadata.PackageNotFoundError:
        return __version__


def console() -> None:
    """The ``clause`` console script: ``main``, then the process ends at once.

    Python's own ending frees every object one by one, a fifth of a warm ``clause eval``, and
    nothing is left for it to do: what the command printed is flushed here, the files it wrote
    are whole and closed (``files.write_atomically``), and its pools and clients are shut down.
    """
    code = main()
    from .pipeline import keep_code  # loaded already by any command that evaluates

    keep_code()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone away, a stream closed: nothing more to say
            pass
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``clause`` command, in this process (``console`` is the script's)."""
    from .terminal import guarded

    return guarded(lambda: _command(argv))


def _command(argv: Sequence[str] | None) -> int:
    try:
        arguments = sys.argv[1:] if argv is None else list(argv)
        args = _parser(arguments).parse_args(arguments)
    except SystemExit as exc:  # argparse: --help exits 0, usage errors exit 2
        return int(exc.code or 0)
    cache.set_enabled(not args.no_cache)
    try:
        allow_paths(args.allow_path)
        if args.command == "validate":
            return _validate(args.paths, args.format)
        if args.command in ("eval", "run"):  # objects kept, no garbage in cycles (see collector)
            with CollectorOff():
                return _eval(args) if args.command == "eval" else _run(args)
        if args.command == "test":
            return _test(args.paths, args.format, args.junit)
        if args.command == "diff":
            return _diff(args)
        if args.command == "coverage":
            return _coverage(args.inventory, args.paths, args.prefix)
        if args.command == "lint":
            return _lint(args)
        if args.command == "report":
            return _report(args)
        if args.command == "render":
            return _render(args)
        if args.command in ("terms", "events"):
            return _discover(args)
        if args.command == "sweep":
            return _sweep(args)
        if args.command == "simulate":
            return _simulate(args)
        return _interpretations(args.paths, args.format)
    except UsageError as exc:
        print(f"clause: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ClauseError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return EXIT_ERRORS
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (``clause ... | head``): not an error
        sys.stdout = open(os.devnull, "w")  # keep interpreter shutdown quiet
        return EXIT_OK
    except Exception as exc:  # never show a traceback
        print(f"clause: internal error: {type(exc).__name__}: {exc} (please report this)",
              file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        cache.set_enabled(True)  # --no-cache is for this command (tests run many in one process)


# -- validate ---------------------------------------------------------------

def _contract_files(paths: list[str]) -> list[Path]:
    """The YAML files of the paths given, contracts and scenarios; a missing path is a usage error."""
    try:
        return yaml_files(paths)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None


def _print_diagnostics(problems: list[Diagnostic], fmt: str) -> None:
    if fmt == "json":
        print(_json([d.as_json() for d in problems]))
    else:
        for d in problems:
            print(d.as_github() if fmt == "github" else d)


def _json(value: Any) -> str:
    """``value`` as indented JSON text (``json`` imported only by a command that prints it)."""
    from .report.json_text import json_text

    return json_text(value)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _validate(paths: list[str], fmt: str) -> int:
    """Contract files checked as contracts; scenario files loaded against their contracts."""
    from .link.program import OWED
    from .pipeline import check_each

    files = _contract_files(paths)
    scenarios = [path for path in files if _is_scenario(path)]
    programs, problems = check_each([path for path in files if path not in scenarios])
    problems.extend(_scenario_problems(scenarios))
    problems = list(dict.fromkeys(problems))  # a body's mistake, found through each file that uses it
    _print_diagnostics(problems, fmt)
    errors = sum(1 for d in problems if d.severity == "error")
    if fmt == "text":
        if errors:
            print(f"{_plural(errors, 'error')} in {_plural(len(files), 'file')}", file=sys.stderr)
        else:
            among = f" ({_plural(len(scenarios), 'scenario')})" if scenarios else ""
            declared = sum(t.kind != OWED for p in programs for t in p.terms.values())
            print(f"ok: {_plural(len(files), 'file')}{among}, {declared} terms, "
                  f"{sum(len(p.interpretations()) for p in programs)} interpretations")
    return EXIT_ERRORS if errors else EXIT_OK


# -- eval -------------------------------------------------------------------

def _pairs(items: list[str], flag: str) -> list[tuple[str, str]]:
    out = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{flag} expects NAME=VALUE, got {item!r}")
        out.append((name.strip(), value.strip()))
    return out


def _eval(args: argparse.Namespace) -> int:
    from .display import human, plain
    from .evaluate.inputs import environment, evaluate
    from .pipeline import load_checked

    program = load_checked(args.contract)
    env = environment(program, _pairs(args.given, "--set"), _pairs(args.interpret, "--interpret"),
                      args.market)
    for warning in env.market.warnings if env.market else []:
        print(warning, file=sys.stderr)
    records = evaluate(program, env, args.terms, derivations=args.explain)
    if args.explain:
        from .report.explain import explain, explain_json
    if args.format == "json":
        if args.explain:
            out: Any = {r.term.name: explain_json(r, program) for r in records}
        else:
            out = {r.term.name: plain(r.value, r.term.type) for r in records}
        print(_json(out))
    else:
        lines: list[str] = []
        for rec in records:
            lines.extend(explain(rec, program) if args.explain
                         else [f"{rec.term.name} = {human(rec.value, rec.term.type)}"])
        print("\n".join(lines))
    return EXIT_OK


# -- run and test -----------------------------------------------------------

def _scenario_run(args: argparse.Namespace, derivations: bool) -> RunResult:
    """Load and run the scenario of ``clause run`` or ``clause report``, to ``--as-of`` if given
    (with ``derivations``, each value computed keeps what it used)."""
    from .run.engine import run_scenario
    from .run.scenario import load_scenario
    from .syntax.literals import parse_date

    as_of = None
    if args.as_of:
        try:
            as_of = parse_date(args.as_of)
        except ValueError as exc:
            raise UsageError(f"--as-of: {exc}") from None
    scenario = load_scenario(args.scenario, as_of)
    for warning in scenario.market.warnings if scenario.market else []:
        print(warning, file=sys.stderr)
    return run_scenario(scenario, derivations)


def _readings(result: RunResult, which: str | None) -> Readings | None:
    """``--readings``: none, all the run reads, or the interpretations named (comma-separated)."""
    if which is None or which == "none":
        return None
    from .report.readings import at_stake  # here: a run without --readings runs once

    names = None if which == "all" else [n.strip() for n in which.split(",") if n.strip()]
    if names == []:
        raise UsageError("--readings expects all, none or interpretation names")
    return at_stake(result, names)


def _run(args: argparse.Namespace) -> int:
    from .report.run_report import run_json, run_markdown, run_text

    result = _scenario_run(args, derivations=args.explain)
    readings = _readings(result, args.readings)
    if readings is not None:  # _readings imported them
        from .report.readings import readings_json, readings_markdown, readings_text
    if args.format == "json":
        out = run_json(result)
        if readings is not None:
            out["readings"] = readings_json(readings)
        print(_json(out))
    elif args.format == "markdown":
        print(run_markdown(result), end="")
        if readings is not None:
            print(readings_markdown(readings), end="")
    else:
        print(run_text(result, args.explain), end="")
        if readings is not None:
            print(readings_text(readings), end="")
    return EXIT_OK


def _write(path: str | None, text: str) -> None:
    """A page to ``-o FILE`` (whole or not at all), or to standard output without it."""
    if path is None or path == "-":
        sys.stdout.write(text)
    else:
        write_atomically(path, text)


def _report(args: argparse.Namespace) -> int:
    from .report.page import report_html

    if args.scenario.endswith(".json"):  # a simulation's result: its distributions
        from .report.simulation_page import load_simulation, simulation_html

        if args.as_of:
            raise UsageError("--as-of: a simulation's result is reported as it was simulated")
        _write(args.output, simulation_html(load_simulation(args.scenario)))
        return EXIT_OK
    result = _scenario_run(args, derivations=True)  # the page folds each value's derivation
    _write(args.output, report_html(result, _readings(result, args.readings), args.contract_html))
    return EXIT_OK


def _render(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .pipeline import load_checked
    from .report.literate import contract_html, contract_markdown
    from .run.scenario import load_scenario

    for path in args.contracts:
        if not Path(path).is_file():
            raise UsageError(f"{path}: no such file")
    programs = []
    for path in args.contracts:  # a scenario: the contracts its report links to
        programs += load_scenario(path).programs if _is_scenario(Path(path)) else [load_checked(path)]
    _write(args.output, contract_markdown(programs) if args.format == "markdown"
           else contract_html(programs))
    return EXIT_OK


def _scenario_problems(scenarios: list[Path]) -> list[Diagnostic]:
    from .run.scenario import load_scenario

    problems: list[Diagnostic] = []
    for path in scenarios:
        try:
            load_scenario(path)
        except ClauseError as exc:
            problems.extend(exc.located(str(path)))
    return problems


def _test(paths: list[str], fmt: str, junit: str | None) -> int:
    from .run.testing import CRASHED, PASSED, check_scenario, junit_xml, summary

    outcomes = []
    for path in _contract_files(paths):
        if not _is_scenario(path):  # contract files are skipped
            continue
        outcome = check_scenario(path)
        outcomes.append(outcome)
        if fmt == "github":
            _print_diagnostics(outcome.problems, fmt)
        else:
            print("\n".join(outcome.report()), flush=True)
    print(summary(outcomes))
    if junit:
        write_atomically(junit, junit_xml(outcomes))
    if not outcomes:
        print(f"error: no scenario files in {', '.join(paths)}: nothing to test", file=sys.stderr)
    if any(o.status == CRASHED for o in outcomes):
        return EXIT_INTERNAL
    return EXIT_OK if outcomes and all(o.status == PASSED for o in outcomes) else EXIT_ERRORS


# -- diff -------------------------------------------------------------------

def _diff(args: argparse.Namespace) -> int:
    from .pipeline import load_checked
    from .report.diff import diff_programs, diff_runs
    from .run.engine import run_scenario
    from .run.scenario import load_scenario

    paths = args.variant if args.run else args.contracts
    if len(paths) != 2 or (args.run and args.contracts):
        raise UsageError("give two contracts: clause diff A B, or clause diff --run SCENARIO "
                         "--variant A --variant B")
    a, b = (load_checked(str(p)) for p in paths)
    terms = diff_programs(a, b)
    runs = None
    if args.run:
        runs = diff_runs(run_scenario(load_scenario(args.run, variant=a), derivations=True),
                         run_scenario(load_scenario(args.run, variant=b), derivations=True), terms)
    if args.format == "json":
        out: dict[str, Any] = {k: [d.as_json() for d in v] for k, v in terms.items()}
        if runs is not None:
            out["results"] = [vars(r) for r in runs]
        print(_json(out))
        return EXIT_OK
    print(f"a: {a.path}\nb: {b.path}")
    for section, found in terms.items():
        for d in found:
            print(f"{section}: {d.name} [{', '.join(d.source)}]\n  a: {_shown(d.a)}\n  b: {_shown(d.b)}")
    if not any(terms.values()):
        print("no differences")
    for r in runs or []:
        causes = ", ".join(r.causes) or "no differing term it uses"
        print(f"result {r.event}: {r.name} a: {_shown(r.a)}  b: {_shown(r.b)}  because of: {causes}")
    if runs == []:
        print("the scenario gives the same results with both")
    return EXIT_OK


def _shown(value: Any) -> str:
    if value is None:
        return "(absent)"
    if isinstance(value, str):
        return value
    import json

    return json.dumps(value)


# -- coverage ---------------------------------------------------------------

def _coverage(inventory: str, paths: list[str], prefix: str | None) -> int:
    from .pipeline import load_checked
    from .report.inventory import inventory_rows

    wanted = [i for i, _ in inventory_rows(inventory) if prefix is None or i.split()[0] == prefix]
    cited: set[str] = set()
    contracts = [path for path in _contract_files(paths) if not _is_scenario(path, unreadable=False)]
    if not contracts:
        raise ClauseError(f"no contract files in {', '.join(paths)}: nothing to cover")
    if not wanted:
        raise ClauseError(f"no provision ids starting with {prefix!r} in {inventory}: nothing to cover")
    for path in contracts:
        cited |= load_checked(str(path)).cited()
    missing = [i for i in wanted if i not in cited]
    for provision in missing:
        print(f"not covered: {provision}")
    print(f"{len(wanted) - len(missing)} of {len(wanted)} provisions covered")
    return EXIT_ERRORS if missing else EXIT_OK


# -- lint -------------------------------------------------------------------

def _lint(args: argparse.Namespace) -> int:
    from .pipeline import load_each
    from .report.inventory import inventory_rows
    from .report.lint import lint

    files = [path for path in _contract_files(args.paths) if not _is_scenario(path, unreadable=False)]
    if not files:
        raise ClauseError(f"no contract files in {', '.join(args.paths)}: nothing to lint")
    programs, problems = load_each(files)
    listed = ({provision: (args.inventory, line, 1) for provision, line in inventory_rows(args.inventory)}
              if args.inventory else {})
    problems.extend(lint(programs, listed))
    _print_diagnostics(problems, args.format)
    errors = sum(1 for d in problems if d.severity == "error")
    warnings = len(problems) - errors
    if args.format == "text":
        counts = f"{_plural(warnings, 'warning')} in {_plural(len(files), 'file')}"
        if errors:
            print(f"{_plural(errors, 'error')} and {counts}", file=sys.stderr)
        else:
            print(counts)
    return EXIT_ERRORS if errors or (args.strict and warnings) else EXIT_OK


# -- sweep ------------------------------------------------------------------

def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a number of paths (1 or more): {text!r}")
    return int(text)


def _rate(text: str) -> float:
    body = text.strip().lstrip("$")
    try:
        return float(body[:-1]) / 100 if body.endswith("%") else float(body)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number (like 0.05, 5% or $5.00): {text!r}") from None


def _percents(text: str) -> list[float]:
    try:
        found = [float(p) for p in text.split(",")]
    except ValueError:
        found = []
    if not found or not all(0 <= p <= 100 for p in found):
        raise argparse.ArgumentTypeError(f"not percentages from 0 to 100, like 5,50,95: {text!r}")
    return found


def _sweep(args: argparse.Namespace) -> int:
    if bool(args.market_paths) == bool(args.paths):
        raise UsageError("sweep: give --market-paths PATHS.npy --market-dates DATES.txt, or --paths N "
                         "--model gbm|bootstrap --market CSV")
    if args.market_paths and not args.market_dates:
        raise UsageError("sweep: --market-paths needs --market-dates DATES.txt, the date of each column")
    if args.paths and not (args.model and args.market):
        raise UsageError("sweep: --paths needs --model gbm|bootstrap and --market CSV, the history it "
                         "continues")
    from .evaluate.sweep import SweepRequest, sweep_command  # numpy is imported only for a sweep
    from .report.sweep_output import check_output, summary, write_sweep

    check_output(args.output, args.terms)
    result, warnings = sweep_command(SweepRequest(
        args.contract, args.terms, args.over, _pairs(args.given, "--set"),
        _pairs(args.interpret, "--interpret"),
        args.market_paths, args.market_dates, args.paths, args.model, args.seed, args.market,
        args.simulate_from, args.drift, args.volatility, args.start_price))
    for warning in warnings:
        print(warning, file=sys.stderr)
    write_sweep(args.output, result)
    shape = f"{result.market.paths:,} paths × {len(result.days):,} dates"
    print("\n".join([*summary(result, args.quantiles), "", f"wrote {args.output} ({shape})"]))
    return EXIT_OK


# -- simulate ---------------------------------------------------------------

def _simulate(args: argparse.Namespace) -> int:
    from .syntax.literals import parse_date

    if args.workers > 1 and args.scheduler:
        raise UsageError("simulate: give --workers K or --scheduler ADDRESS, not both")
    if args.output and not args.output.endswith(".json"):
        raise UsageError(f"--output {args.output}: a simulation is written as .json")
    try:
        begin = parse_date(args.simulate_from) if args.simulate_from else None
    except ValueError as exc:
        raise UsageError(f"--simulate-from: {exc}") from None
    from .report.simulation_output import dumps, simulation_json, summary
    from .run.scenario import load_scenario
    from .simulate.simulation import ModelOptions, prepare, simulate

    scenario = load_scenario(args.scenario)
    for warning in scenario.market.warnings if scenario.market else []:
        print(warning, file=sys.stderr)
    simulation = prepare(scenario, ModelOptions(args.model, args.seed, begin, args.drift, args.volatility,
                                                args.start_price))
    found = simulate(simulation, args.paths, args.workers, args.scheduler, progress=sys.stderr.isatty())
    document = simulation_json(simulation, found)
    if args.output:
        write_atomically(args.output, dumps(document))
    if args.format == "json":
        print(dumps(document), end="")
    else:
        print("\n".join(summary(document, args.quantiles)))
        if args.output:
            print(f"\nwrote {args.output} ({args.paths:,} paths)")
    return EXIT_OK


# -- interpretations --------------------------------------------------------

def _interpretations(paths: list[str], fmt: str) -> int:
    from .pipeline import load_checked
    from .report.catalogue import interpretations_markdown

    programs = [load_checked(str(path)) for path in _contract_files(paths) if not _is_scenario(path)]
    if fmt == "markdown":
        print(interpretations_markdown(programs), end="")
        return EXIT_OK
    for program in programs:
        for term in program.interpretations(own=True):
            print(f"{program.path}: {term.name}  [{', '.join(term.sources)}]")
            print(f"  {term.question}")
            for choice in term.choices.values():
                mark = "*" if choice.name == term.default_choice else " "
                print(f"  {mark} {choice.name}: {' '.join(choice.formula.text.split())}")
                print(f"      {choice.reason}")
    return EXIT_OK


# -- terms and events -------------------------------------------------------

def _discover(args: argparse.Namespace) -> int:
    from .pipeline import load_checked
    from .report.discovery import events_json, events_text, terms_json, terms_text

    program = load_checked(args.contract)
    names = args.names if args.command == "terms" else None
    if args.format == "json":
        found = terms_json(program, names) if names is not None else events_json(program)
        print(_json(found))
    else:
        print("\n".join(terms_text(program, names) if names is not None else events_text(program)))
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    console()
