"""The ops dashboard (Prometheus console /consoles/ipt.html) in headless Chromium: its three sections
with every panel, the graphs drawn by the console JavaScript that Debian's Prometheus serves, nothing
fetched from elsewhere and no script error. A screenshot is kept (docs/monitoring-dashboard.png is one)."""

from __future__ import annotations

import requests
from playwright.sync_api import expect

from tests.browser.test_api_docs import is_local
from tests.e2e.test_first_slice import new_client, register
from tests.e2e.test_outcomes_measurement import screen
from tests.support.dashboards import console_panels
from tests.support.infra import wait_for

SECTIONS = ("Platform overview", "Event pipeline", "Clinical operations")


def scraped_since(stack, since: float) -> bool:
    """Prometheus has scraped every target after `since` (a Unix time)."""
    active = requests.get(f"{stack.prometheus_url}/api/v1/targets", timeout=10).json()["data"]["activeTargets"]
    return all(t["health"] == "up" and t["lastScrape"] > "" for t in active) and all(
        _epoch(t["lastScrape"]) > since for t in active
    )


def _epoch(timestamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(timestamp[:26].rstrip("Z") + "+00:00").timestamp()


def test_the_console_dashboard_shows_every_panel_and_draws_its_graphs(
    stack, page, screenshot, failed_requests, requests_made
):
    import time

    client = register(stack, new_client())  # something to show, if this tier runs on its own
    screen(stack, client["id"], "gad7", [1, 1, 1, 1, 1, 1, 0])
    started = time.time()
    wait_for(lambda: scraped_since(stack, started + 2), 30, "Prometheus to scrape the work")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{stack.prometheus_url}/consoles/ipt.html")

    expect(page.locator("h1")).to_have_text("IPT platform")
    expect(page.locator("section h2")).to_have_text(list(SECTIONS))
    panels = console_panels()
    expect(page.locator("[data-panel]")).to_have_count(len(panels))
    for panel in panels:
        expect(
            page.locator("section", has=page.locator("h2", has_text=panel.section))
            .get_by_role("heading", name=panel.title, exact=True)
            .first
        ).to_be_visible()
    # Every number came back: Prometheus answered each panel's query while rendering the page.
    expect(page.locator(".ipt-stat .ipt-none")).to_have_count(0)
    expect(page.locator(".ipt-panel", has_text="Processes answering").locator("td.num").first).to_have_text("1")
    # The graphs are drawn in the browser from /api/v1/query_range.
    for graph in page.locator(".ipt-graph").all():
        expect(graph.locator("svg").first).to_be_visible(timeout=15_000)
    page.wait_for_load_state("networkidle")
    screenshot("dashboard")

    assert not errors, errors
    assert not failed_requests, [r.url for r in failed_requests]
    assert all(is_local(r.url) for r in requests_made), [r.url for r in requests_made if not is_local(r.url)]
