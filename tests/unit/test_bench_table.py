"""docs/development.md's figures table is the one bench/results.json gives (`python -m bench.table --write`)."""

import json

from bench import table


def test_the_documented_table_matches_the_latest_results():
    results = json.loads(table.RESULTS.read_text())
    assert table.documented_table(table.DEVELOPMENT.read_text()) == table.markdown(results)


def test_every_figure_records_its_value_budget_and_whether_it_holds():
    results = json.loads(table.RESULTS.read_text())
    for name, figure in results["figures"].items():
        assert {"value", "budget", "holds"} <= set(figure) or {"error", "holds"} <= set(figure), name
    assert results["all_budgets_hold"] == all(f["holds"] for f in results["figures"].values())
    expected = {
        "click.cold_init_ratio",
        "click.warm_ms_p50",
        "click.dynamodb_calls",
        "click.overhead_ratio",
        "cost.usd_per_million_clicks",
        "cost.usd_per_1k_conversions",
        "postback.warm_ms_p50",
        "postback.dynamodb_calls",
        "package.click_mb",
        "local.clicks_per_s",
        "report.scale_ratio",
        "export.peak_mb_delta",
        "remarketing.items_read_per_due",
        "load.reconciliation",
        "bots.crawler_detected_ratio",
        "bots.browser_false_positives",
    }
    assert expected <= set(results["figures"])
