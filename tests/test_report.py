"""clause report (the run as one HTML page), clause render (the literate contract) and
clause run --readings (what each ambiguity puts at stake)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support import CONTRACTS, ROOT, SERIES_B

SCENARIOS = ROOT / "examples" / "scenarios"
SCENARIO_05 = SCENARIOS / "05-late-delivery-default.yaml"
DEAL = "deal/01-second-closing-to-maturity.yaml"


class _Page(HTMLParser):
    """The ids, the internal links and the external resources of an HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.resources: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.hrefs.append(str(found["href"]))
        if found.get("src") or (tag == "link" and found.get("href")):
            self.resources.append(str(found.get("src") or found.get("href")))


def _section(page: str, anchor: str) -> str:
    """The HTML of one provision block, from its anchor to the next provision."""
    start = page.index(f'id="{anchor}"')
    end = page.find('<div class="provision"', start + 1)
    return page[start:end if end > 0 else len(page)]


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Callable[[str], tuple[str, str]]:
    """A scenario's report and the render of the contracts it names, each made once."""
    from interpreter.cli import main

    made: dict[str, tuple[str, str]] = {}

    def make(scenario: str) -> tuple[str, str]:
        if scenario not in made:
            folder = tmp_path_factory.mktemp("pages")
            report, contract = folder / "run.html", folder / "contract.html"
            readings = ["--readings", "none"] if scenario == DEAL else []  # the deal's runs take seconds each
            assert main(["report", str(SCENARIOS / scenario), "-o", str(report), *readings]) == 0
            assert main(["render", str(SCENARIOS / scenario), "-o", str(contract)]) == 0
            made[scenario] = (report.read_text(encoding="utf-8"), contract.read_text(encoding="utf-8"))
        return made[scenario]

    return make


@pytest.fixture
def report_05(pages) -> str:
    return pages(SCENARIO_05.name)[0]


@pytest.fixture
def series_b_page(pages) -> str:
    return pages(SCENARIO_05.name)[1]  # the scenario names the Series B certificate alone


# -- what the readings put at stake ---------------------------------------------------------

def test_readings_all_shows_what_counting_the_closing_date_changes(cli) -> None:
    run = cli("run", SCENARIO_05, "--readings", "all", "--format", "json")
    assert run.code == 0
    stakes = {s["interpretation"]: s for s in run.json()["readings"]["at_stake"]}
    premium_days = stakes["premium_days"]
    assert premium_days["in_force"] == "closing_date_excluded"
    results = {r["result"]: r["values"] for r in premium_days["results"]}
    # N = 227 days (1998-12-18 to 1999-08-02) or 228 with the Closing Date: 1000 × N/365 × 6%
    assert results["1999-08-02 conversion_notice (event 0): premium"] == {
        "closing_date_excluded": "37.31506849315068493151",  # 2724/73
        "closing_date_included": "37.47945205479452054795"}  # 13680/365
    # 1,000 × (1000 + 13680/365) / 5.03421875 = 206,085.5…, rounded up: 206,086 shares, so the
    # 206,053 delivered no longer cover the conversion and the default is never cured
    assert results["1999-08-02 conversion_notice (event 0): conversion_shares"] == {
        "closing_date_excluded": "206053", "closing_date_included": "206086"}
    assert results["flag conversion_default for CC Investments"] == {
        "closing_date_excluded": ["raised 1999-08-06", "cleared 1999-08-24"],
        "closing_date_included": ["raised 1999-08-06"]}


def test_readings_in_text_name_each_reading_and_its_result(cli) -> None:
    run = cli("run", SCENARIO_05, "--readings", "default_premium")
    assert run.code == 0
    text = run.out.split("What the readings change")[1]
    assert "default_premium [COD VII.A]: Once the fifth business day has passed" in text
    assert "readings: once (in force), daily" in text
    # once: $2,000 + 14 × $10,000 + the Premium on 1,000 shares once, 1,000 × 2724/73 = $179,315.07;
    # daily: the Premium for each of the 14 days after 08-09 instead, $2,000 + $140,000 + 14 × $37,315.07
    assert "once: Valence Technology, Inc. owes CC Investments $179,315.0684931507…" in text
    assert "daily: Valence Technology, Inc. owes CC Investments $664,410.9589041096…" in text


def test_readings_in_markdown_give_a_column_per_reading(cli) -> None:
    run = cli("run", SCENARIO_05, "--readings", "premium_days", "--format", "markdown")
    assert run.code == 0
    assert "| result | `closing_date_excluded` | `closing_date_included` |" in run.out
    row = "| 1999-08-02 conversion_notice (event 0): conversion_shares | 206,053 shares | 206,086 shares |"
    assert row in run.out


def test_readings_of_an_unknown_interpretation_is_an_error(cli) -> None:
    run = cli("run", SCENARIO_05, "--readings", "premium_dayz")
    assert run.code == 1
    assert "no interpretation 'premium_dayz' in the scenario's contracts" in run.err


# -- the run as a page ----------------------------------------------------------------------

def test_the_report_shows_the_scenarios_expected_values(report_05: str) -> None:
    # from the scenario's expect block: the Conversion Default Payments and the reset price
    assert "$179,315.0684931507…" in report_05
    assert "<b>$4.9027083333… per share</b>" in report_05
    assert report_05.count('<svg class="chart"') == 6
    assert "Redemption Amount" in report_05 and "$736,056.1589700036…" in report_05


def test_each_value_links_its_provision_and_folds_its_derivation(report_05: str) -> None:
    assert '<a class="pid" href="contract.html#COD-VII.C">COD VII.C</a>' in report_05
    # the derivation of the Variable Conversion Price, folded, down to its text
    assert '<details class="derivation"><summary><code>conversion_price</code>' in report_05
    assert "101% of the average of the six (6) lowest of the Closing Bid Prices" in report_05
    assert '<h3 id="reading-premium_days"><code>premium_days</code>' in report_05


def test_the_report_is_self_contained(report_05: str) -> None:
    page = _Page(report_05)
    assert page.resources == []  # no script, style, image or font from elsewhere
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", report_05)
    assert len(page.ids) == len(set(page.ids))
    local = [h[1:] for h in page.hrefs if h.startswith("#")]
    assert all(h in page.ids for h in local)


@pytest.mark.parametrize(("scenario", "linked"), [
    ("05-late-delivery-default.yaml", "COD-VII.A"),  # one contract
    ("agreements/02-registration-trigger.yaml", "series_b_certificate/COD-VIII.A"),  # two, by file
    (DEAL, "series_a/COD-IV.A"),  # a deal, by document
])
def test_every_provision_a_report_links_is_in_the_rendered_scenario(pages, scenario: str,
                                                                     linked: str) -> None:
    report, contract = pages(scenario)
    links = {h.split("#", 1)[1] for h in _Page(report).hrefs if h.startswith("contract.html#")}
    assert linked in links
    assert links <= set(_Page(contract).ids)


def test_a_report_of_a_deal_titles_each_documents_charts(pages) -> None:
    report, _ = pages(DEAL)
    assert "Series B Certificate of Designation: Closing Bid Price and Conversion Price" in report
    assert "The one Cap Amount, issued across both series and the warrants" in report
    assert report.count('<svg class="chart"') == 19  # 21 declared; two have nothing to draw
    assert "Not computed (<code>--readings none</code>)" in report


def test_where_the_report_links_to_is_an_option(cli) -> None:
    run = cli("report", SCENARIO_05, "--readings", "none", "--contract-html", "series-b.html")
    assert run.code == 0
    assert 'href="series-b.html#COD-VII.A"' in run.out and "contract.html" not in run.out
    assert "Not computed (<code>--readings none</code>)" in run.out


def test_the_report_is_written_whole_or_not_at_all(cli, tmp_path: Path) -> None:
    out = tmp_path / "run.html"
    out.write_text("the old report", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    text = SCENARIO_05.read_text(encoding="utf-8").replace("conversion_notice", "conversion_notise")
    bad.write_text(text.replace("../../contracts", str(ROOT / "contracts")).replace(
        "../closing-bids", str(SCENARIOS.parent / "closing-bids")), encoding="utf-8")
    run = cli("report", bad, "-o", out)
    assert run.code == 1 and "unknown event 'conversion_notise'" in run.err
    assert out.read_text(encoding="utf-8") == "the old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "run.html"]  # no temporary file
    run = cli("report", SCENARIO_05, "-o", tmp_path / "missing" / "run.html", "--readings", "none")
    assert run.code == 1 and "cannot write" in run.err and "run.html" in run.err
    run = cli("report", SCENARIO_05, "--readings", "none")  # no -o: standard output
    assert run.code == 0 and run.out.startswith("<!DOCTYPE html>")


# -- the literate contract --------------------------------------------------------------------

def test_cod_vii_a_renders_its_quotes_beside_its_formulas(series_b_page: str) -> None:
    section = _section(series_b_page, "COD-VII.A")
    assert "<h3>COD VII.A · Conversion Default Payments</h3>" in section
    assert "an amount equal to five hundred dollars ($500) for each day such Conversion Default" in section
    # daily_default_payment's formula, token by token: keywords, names linked to their entries, literals
    entry = section[section.index('id="term-daily_default_payment"'):]
    assert '<span class="hl-kw">if</span> <a class="hl-name" href="#term-default_day"' not in entry  # given
    assert '<span class="hl-kw">if</span> <span class="hl-given">default_day</span>' in entry
    assert ('<a class="hl-name" href="#term-early_default_payment" '
            'title="early_default_payment: money">') in entry
    assert '<span class="hl-lit">5</span> <span class="hl-lit">business days</span>' in entry
    # the interpretations of the provision, with their readings and reasons
    assert "Does the proviso against paying twice reach the 1% a day" in section
    assert "<code>early_payments_only</code><span class=\"badge\">default</span>" in section


def test_every_anchor_of_the_contract_page_resolves(series_b_page: str) -> None:
    page = _Page(series_b_page)
    assert len(page.ids) == len(set(page.ids))
    missing = [h for h in page.hrefs if h.startswith("#") and h[1:] not in page.ids]
    assert missing == []


def test_a_variant_renders_as_its_whole_document(series_b_page: str) -> None:
    # the body's provision with the variant's value, and the body's entry it replaces
    section = _section(series_b_page, "COD-III.F")
    assert "December 18, 1998" in section and '<span class="hl-lit">1998-12-18</span>' in section
    assert re.search(r"replaced by \S*contracts/series_b_certificate.yaml:33", section)  # its closing_date
    # the body's preferred is Series B's series_b_preferred
    assert 'id="term-series_b_preferred"' in series_b_page and "(written preferred)" in series_b_page
    assert "Charts a report draws" in series_b_page


def test_lint_findings_and_cross_references_stand_at_their_place(cli, tmp_path: Path) -> None:
    out = tmp_path / "w.html"
    assert cli("render", CONTRACTS / "warrant_cc_investments.yaml", "-o", out).code == 0
    page = out.read_text(encoding="utf-8")
    section = _section(page, "W-1")
    assert "&#39;Section 7(f)&#39; in W 1 names W 7(f), which does not exist" in section
    assert '“Section 7(f)” means <a class="pid" href="#W-8(f)">W 8(f)</a>' in section
    assert 'id="W-8(f)"' in page


def test_assumptions_are_marked(cli, tmp_path: Path) -> None:
    out = tmp_path / "a.html"
    assert cli("render", CONTRACTS / "series_a_certificate.yaml", "-o", out).code == 0
    section = _section(out.read_text(encoding="utf-8"), "COD-III.D")
    assert '<span class="badge assumption">assumption</span>' in section
    assert "Variable pricing is taken to apply from January 27, 1999" in section


def test_a_deal_renders_as_its_documents(pages) -> None:
    page = _Page(pages(DEAL)[1])  # the scenario names the deal file alone
    for anchor in ("series_a/COD-VII.A", "series_b/COD-VII.A", "cc_warrant/W-1", "spa/SPA-4.8", "RRA-2.3"):
        assert anchor in page.ids
    assert len(page.ids) == len(set(page.ids))
    # every name links to the entry in force: the deal's own, or the document that declares it
    assert "#series_b/term-series_b.conversion_price" in page.hrefs
    assert "#term-series_b.cap_room" in page.hrefs  # the deal replaces it
    assert "#series_b/term-registration_filed" in page.hrefs  # shared by series_b and rra only
    assert [h for h in page.hrefs if h.startswith("#") and h[1:] not in page.ids] == []


def test_render_markdown(cli) -> None:
    run = cli("render", SERIES_B, "--format", "markdown")
    assert run.code == 0
    assert "### COD VII.A · Conversion Default Payments" in run.out
    assert "> PROVIDED, HOWEVER, that if the Company is obligated to pay" in run.out
    assert "- **`premium_days`** — interpretations, days" in run.out
    assert "  - `closing_date_excluded` (default): `conversion_date - closing_date`" in run.out


def test_render_usage_errors(cli, tmp_path: Path) -> None:
    assert cli("render", tmp_path / "nothing.yaml").code == 2
    assert cli("render", SERIES_B, "--format", "pdf").code == 2
