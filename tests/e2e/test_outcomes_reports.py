"""Program reports on the running platform: courses documented through intake and sessions show up
in outcomes' report for their clinician, with cells of fewer than 5 clients withheld, and ops read
the same report with no clinician named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests

from tests.e2e.test_outcomes_measurement import attend_and_document, book, screen
from tests.e2e.test_sessions_course import active_episode, admitted_client, new_clinician, sessions_api
from tests.support.infra import wait_for

PHQ9_16, GAD7_12 = [2, 2, 2, 2, 2, 2, 2, 2, 0], [2, 2, 2, 2, 2, 1, 1]
RECOVERED = [
    {"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 0, 0, 0], "extras": {"difficulty": 1}},  # 6
    {"instrument": "gad7", "answers": [1, 1, 1, 1, 1, 0, 0]},  # 5
]
UNCHANGED = [
    {"instrument": "phq9", "answers": PHQ9_16, "extras": {"difficulty": 2}},
    {"instrument": "gad7", "answers": GAD7_12},
]


def report(stack, role: str, **query) -> requests.Response:
    return requests.get(
        f"{stack.url('outcomes')}/api/v1/reports/programs", params=query, headers=stack.headers(role), timeout=10
    )


def screened_clients(stack, count: int) -> list[tuple[str, str]]:
    """Admitted clients screened at intake (PHQ-9 16, GAD-7 12), each with their active episode."""
    clients = [admitted_client(stack) for _ in range(count)]
    for client_id in clients:
        screen(stack, client_id, "phq9", PHQ9_16, difficulty=2)
        screen(stack, client_id, "gad7", GAD7_12)
    return [(client_id, active_episode(stack, client_id)["id"]) for client_id in clients]


def assign(stack, episode_id: str, clinician: str) -> None:
    response = sessions_api(stack, "PATCH", f"/episodes/{episode_id}", json={"clinician_id": clinician})
    assert response.ok, response.text


def test_a_program_report_reflects_the_measures_with_small_cells_withheld(stack):
    treated = screened_clients(stack, 5)
    alone = screened_clients(stack, 2)
    # Created after every admission above was assigned, so only the clients given to them are theirs.
    main, first_alone, second_alone = [
        new_clinician(stack, "Dr Reports", "dr-rep", caseload_limit=limit, supervisor=None) for limit in (5, 1, 1)
    ]
    start = (datetime.now(UTC) - timedelta(days=20)).replace(minute=0, second=0, microsecond=0)
    for index, (_client_id, episode_id) in enumerate(treated):
        assign(stack, episode_id, main)
        first, second = book(stack, episode_id, start.replace(hour=8 + index), 2)
        attend_and_document(stack, first, main)
        attend_and_document(stack, second, main, UNCHANGED if index == 4 else RECOVERED)
    for (_client_id, episode_id), clinician in zip(alone, (first_alone, second_alone), strict=True):
        assign(stack, episode_id, clinician)

    def groups_of_mine():
        response = report(stack, "supervisor", by="clinician")
        assert response.status_code == 200, response.text
        groups = {cell["group"]: cell for cell in response.json()["groups"]}
        mine = [groups.get(clinician) for clinician in (main, first_alone, second_alone)]
        if None in mine or mine[0]["suppressed"] or mine[0]["finished_courses"] != 5:
            return None
        # Every measure is in only once the last GAD-7 is: until then a course may count as finished
        # (two sessions, two PHQ-9s) but not yet as recovered.
        if mine[0]["mean_change"] != {"phq9": -8.0, "gad7": -5.6} or mine[0]["recovery_rate"] != 80.0:
            seen.append(mine[0])
            return None
        return mine

    seen: list[dict] = []
    try:
        figures, first, second = wait_for(groups_of_mine, 90, "the report to count every measure of the five courses")
    except TimeoutError as timeout:
        raise AssertionError(f"the clinician's cell never added up; last seen: {seen[-1:]}") from timeout
    assert (figures["clients"], figures["courses"], figures["finished_courses"]) == (5, 5, 5)
    assert {
        key: figures[key] for key in ("recovery_rate", "reliable_improvement_rate", "reliable_deterioration_rate")
    } == {
        "recovery_rate": 80.0,
        "reliable_improvement_rate": 80.0,
        "reliable_deterioration_rate": 0.0,
    }
    assert (figures["response_rate"], figures["remission_rate"]) == (80.0, 0.0)
    assert figures["mean_change"] == {"phq9": -8.0, "gad7": -5.6}
    for small in (first, second):
        assert small["suppressed"] is True
        assert (small["clients"], small["recovery_rate"], small["mean_change"]) == (None, None, None)

    # Admitted with grief: the group is there (withheld or not depends on the other tests' clients).
    by_area = report(stack, "supervisor", by="problem_area").json()
    assert "grief" in [cell["group"] for cell in by_area["groups"]] and by_area["total"]["clients"] >= 7

    for_ops = report(stack, "ops", by="clinician")
    assert for_ops.status_code == 200
    assert not any(clinician in for_ops.text for clinician in (main, first_alone, second_alone))
    assert all(cell["group"] is None or cell["group"].startswith("clinician-") for cell in for_ops.json()["groups"])
    assert report(stack, "ops", by="postcode").status_code == 422

    chart = requests.get(
        f"{stack.url('outcomes')}/api/v1/reports/programs.svg", headers=stack.headers("ops"), timeout=10
    )
    assert chart.status_code == 200 and chart.headers["Content-Type"].startswith("image/svg+xml")
    assert chart.text.startswith("<svg") and "Co-occurring" in chart.text
