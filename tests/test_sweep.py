"""``clause sweep``: paths from files or models, the formats written, quantiles, and errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from support import ROOT, SERIES_B

from interpreter.evaluate.market import load_market
from interpreter.simulate.models import log_returns

MARKET = ROOT / "examples" / "closing-bids-MADE-UP.csv"
BIDS = load_market(str(MARKET))
AUG_2 = BIDS.dates.index(dt.date(1999, 8, 2))


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path]:
    """Three paths on the made-up market's dates: its bids, the bids halved, the bids doubled."""
    bids = np.array([float(BIDS.columns["closing_bid"][d]) for d in BIDS.dates])
    array, dates = tmp_path / "bids.npy", tmp_path / "dates.txt"
    np.save(array, np.stack([bids, bids / 2, bids * 2]))
    dates.write_text("# the made-up market's trading days\n" + "".join(f"{d}\n" for d in BIDS.dates))
    return array, dates


def _sweep(cli, *args: object):  # type: ignore[no-untyped-def]
    return cli("sweep", SERIES_B, *args)


def test_sweep_from_files_writes_an_array_a_path_a_row(cli, paths, tmp_path: Path) -> None:
    array, dates = paths
    out = tmp_path / "shares.npy"
    run = _sweep(cli, "conversion_shares", "--over", "notice_date=1999-08-02..1999-08-06",
                 "--set", "preferred_shares=1000", "--market-paths", array, "--market-dates", dates,
                 "--output", out)
    assert run.code == 0, run.err
    shares = np.load(out)
    assert shares.shape == (3, 5)  # three paths × the five trading days of August 2-6, 1999
    # Path 0 is the made-up market: 206,053 shares on August 2 (README's worked example). Halved
    # bids halve the Variable Conversion Price, 0.5 × $5.03421875 = $2.517109375, and double the
    # shares: 1,037,315.068… / 2.517109375 = 412,105.69…, rounded up. Doubled bids give a Variable
    # Conversion Price of $10.07, above the Fixed Conversion Price: 1,037,315.068… / 6.03 = 172,025.7…
    assert shares[:, 0].tolist() == [206053, 412106, 172026]
    assert "conversion_shares (shares), quantiles over 3 paths" in run.out
    assert "  1999-08-02   172,026 shares  206,053 shares  412,106 shares" in run.out.splitlines()
    assert f"wrote {out} (3 paths × 5 dates)" in run.out
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_several_terms_as_npz_csv_and_json(cli, paths, tmp_path: Path) -> None:
    array, dates = paths
    common = ["--over", "notice_date=1999-08-02..1999-08-03", "--set", "preferred_shares=1000",
              "--market-paths", f"closing_bid={array}", "--market-dates", dates]
    terms = ["conversion_shares", "conversion_price", "conversion_date"]
    assert _sweep(cli, *terms, *common, "--output", tmp_path / "o.npz").code == 0
    arrays = np.load(tmp_path / "o.npz")
    assert sorted(arrays.files) == sorted([*terms, "notice_date"])
    assert arrays["notice_date"].tolist() == ["1999-08-02", "1999-08-03"]
    assert arrays["conversion_price"][0, 0] == 5.03421875  # 1.01 × $4.984375, exact in binary
    assert arrays["conversion_date"].dtype == np.dtype("datetime64[D]")

    assert _sweep(cli, *terms, *common, "--output", tmp_path / "o.csv").code == 0
    rows = (tmp_path / "o.csv").read_text().splitlines()
    assert rows[0] == "path,notice_date,conversion_shares,conversion_price,conversion_date"
    assert rows[1] == "0,1999-08-02,206053,5.03421875,1999-08-02"
    assert len(rows) == 1 + 3 * 2

    assert _sweep(cli, *terms, *common, "--output", tmp_path / "o.json").code == 0
    data = json.loads((tmp_path / "o.json").read_text())
    assert data["over"] == "notice_date" and data["dates"] == ["1999-08-02", "1999-08-03"]
    assert data["paths"] == 3
    assert data["terms"]["conversion_shares"][0][0] == 206053
    assert data["terms"]["conversion_date"][2] == ["1999-08-02", "1999-08-03"]


def test_gbm_paths_continue_the_history_and_repeat_with_the_seed(cli, tmp_path: Path) -> None:
    common = ["conversion_shares", "--over", "notice_date=1999-08-02..1999-08-31", "--set",
              "preferred_shares=1000", "--model", "gbm", "--market", MARKET, "--simulate-from",
              "1999-08-03", "--volatility", "50%"]
    assert _sweep(cli, *common, "--paths", "4", "--seed", "7", "--output", tmp_path / "a.npy").code == 0
    assert _sweep(cli, *common, "--paths", "6", "--seed", "7", "--output", tmp_path / "b.npy").code == 0
    assert _sweep(cli, *common, "--paths", "4", "--seed", "8", "--output", tmp_path / "c.npy").code == 0
    a, b, c = (np.load(tmp_path / f"{n}.npy") for n in "abc")
    assert a.shape == (4, 22)  # the 22 XNAS trading days of August 1999
    assert (a == b[:4]).all()  # a path is the same whichever other paths are drawn with it
    assert not (a[:, 1:] == c[:, 1:]).all()
    # August 2 is the history's own day, before the first simulated day: every path has it
    assert a[:, 0].tolist() == [206053] * 4


def test_bootstrap_draws_the_histories_daily_returns(tmp_path: Path) -> None:
    from interpreter.pipeline import load_checked
    from interpreter.simulate.models import simulated

    program = load_checked(str(SERIES_B))
    market = simulated(BIDS, ["closing_bid"], program, "bootstrap", 5, 3, None, dt.date(2001, 10, 31))
    values = market.series["closing_bid"]
    history = len(BIDS.dates)
    assert market.dates[:history] == BIDS.dates
    assert market.dates[history] == dt.date(2001, 9, 4)  # after Labor Day, XNAS's next open day
    known = set(np.round(log_returns(values[:1, :history])[0], 12).tolist())
    drawn = np.round(log_returns(values[:, history - 1:]), 12)
    assert set(drawn.ravel().tolist()) <= known


def test_a_term_without_an_array_form_is_refused_naming_the_construct(cli, paths, tmp_path) -> None:
    array, dates = paths
    run = _sweep(cli, "adjusted_fixed_price", "--over", "delivered_on=1999-08-02..1999-08-06",
                 "--market-paths", array, "--market-dates", dates, "--output", tmp_path / "o.npy")
    assert run.code == 1
    assert run.err.strip().endswith("error: adjusted_fixed_price: the vectorised back end cannot "
                                    "evaluate `least ... for each`")
    assert "preferred_certificate_body.yaml:" in run.err
    assert not (tmp_path / "o.npy").exists()


def test_a_failing_sweep_leaves_the_old_output(cli, paths, tmp_path: Path) -> None:
    array, dates = paths
    out = tmp_path / "o.npy"
    out.write_bytes(b"old")
    run = _sweep(cli, "conversion_shares", "--over", "notice_date=1999-08-02..1999-08-06",
                 "--market-paths", array, "--market-dates", dates, "--output", out)
    assert run.code == 1
    assert "missing input preferred_shares (shares)" in run.err
    assert "give it with --set preferred_shares=VALUE (path 0, notice_date = 1999-08-02)" in run.err
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bids.npy", "dates.txt", "o.npy"]


@pytest.mark.parametrize(("args", "message"), [
    (["--over", "notice_date=1999-08-02"], "--over notice_date=1999-08-02: write NAME=START..END"),
    (["--over", "notice_dat=1999-08-02..1999-08-06"],
     "--over notice_dat: unknown term 'notice_dat' in"),
    (["--over", "preferred_shares=1999-08-02..1999-08-06"],
     "--over preferred_shares: preferred_shares is shares; a sweep varies a date"),
    (["--over", "notice_date=1999-08-06..1999-08-02"], "1999-08-02 is before 1999-08-06"),
    (["--over", "notice_date=1999-08-02..2002-01-02"],
     "the market paths run from 1998-12-01 to 2001-08-31"),
    (["--over", "notice_date=1998-12-01..1998-12-31"],
     "--over notice_date: 1998-12-01 is before Series B Certificate of Designation's closing_date"),
    (["--over", "notice_date=1999-08-02..1999-08-06", "--output", "o.txt"],
     "--output o.txt: write .npy, .npz, .csv, .json"),
])
def test_errors_in_the_request(cli, paths, tmp_path, monkeypatch, args, message) -> None:
    array, dates = paths
    monkeypatch.chdir(tmp_path)
    run = _sweep(cli, "conversion_shares", "--set", "preferred_shares=1000", "--market-paths", array,
                 "--market-dates", dates, *args, *([] if "--output" in args else ["--output", "o.npy"]))
    assert run.code == 1, run.err
    assert message in run.err
    assert "Traceback" not in run.err


def test_errors_in_the_paths(cli, paths, tmp_path: Path) -> None:
    array, dates = paths
    short = tmp_path / "short.txt"
    short.write_text("1999-08-02\n1999-08-03\n")
    common = ["conversion_shares", "--over", "notice_date=1999-08-02..1999-08-03", "--set",
              "preferred_shares=1000", "--output", tmp_path / "o.npy"]
    run = _sweep(cli, *common, "--market-paths", array, "--market-dates", short)
    assert run.code == 1 and f"{array}: 695 columns, but {short} has 2 dates" in run.err

    bad = tmp_path / "bad.txt"
    bad.write_text("1999-08-02\n  1999-08-32\n")
    run = _sweep(cli, *common, "--market-paths", array, "--market-dates", bad)
    assert run.err.strip() == f"{bad}:2:3: error: not a date (YYYY-MM-DD): '1999-08-32'"

    bad.write_text("1999-08-03\n1999-08-02\n")
    run = _sweep(cli, *common, "--market-paths", array, "--market-dates", bad)
    assert "2:1: error: 1999-08-02 comes after 1999-08-03 (line 1): the dates must ascend" in run.err

    flat = tmp_path / "flat.npy"
    np.save(flat, np.ones(695))
    run = _sweep(cli, *common, "--market-paths", flat, "--market-dates", dates)
    assert f"{flat}: an array of shape (695,); it must be (paths, dates)" in run.err

    zero = tmp_path / "zero.npy"
    values = np.load(array)
    values[1, AUG_2] = 0.0
    np.save(zero, values)
    run = _sweep(cli, *common, "--market-paths", zero, "--market-dates", dates)
    assert "closing_bid on path 1, 1999-08-02: $0.00 per share is impossible: it must be more" in run.err

    run = _sweep(cli, *common, "--market-paths", f"closing_trade={array}", "--market-dates", dates)
    assert run.code == 1 and "has no market series 'closing_trade' (series: closing_bid)" in run.err


def test_usage_errors_exit_2(cli, paths, tmp_path: Path) -> None:
    array, _ = paths
    common = ["conversion_shares", "--over", "notice_date=1999-08-02..1999-08-03", "--output",
              tmp_path / "o.npy"]
    assert _sweep(cli, *common).code == 2  # no paths at all
    assert _sweep(cli, *common, "--market-paths", array).code == 2  # no dates for them
    assert _sweep(cli, *common, "--paths", "10", "--model", "gbm").code == 2  # no history
    assert _sweep(cli, *common, "--paths", "0", "--model", "gbm", "--market", MARKET).code == 2
