"""Request metrics are labelled by route template, never by the concrete id in the URL."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from shared.metrics import render_latest


def requests_count(**labels: str) -> float:
    body, _content_type = render_latest()
    total = 0.0
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == "http_requests_total" and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


def test_requests_are_counted_by_templated_rule(client, auth, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    labels = {"service": "intake", "method": "GET", "endpoint": "/api/v1/clients/<client_id>", "status": "404"}
    before = requests_count(**labels)
    for client_id in ("id-one-8431", "id-two-8432", "id-three-8433"):
        assert client.get(f"/api/v1/clients/{client_id}", headers=auth("intake")).status_code == 404
    assert requests_count(**labels) - before == 3
    body = render_latest()[0].decode()
    assert "id-one-8431" not in body and "id-two-8432" not in body


def test_unmatched_paths_and_probes_are_labelled_safely(client, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    before = requests_count(service="intake", endpoint="unmatched", status="404")
    health_before = requests_count(endpoint="/healthz")
    assert client.get("/no-such-path-5521").status_code == 404
    assert client.get("/healthz").status_code == 200
    assert requests_count(service="intake", endpoint="unmatched", status="404") - before == 1
    assert requests_count(endpoint="/healthz") == health_before == 0
    assert "no-such-path-5521" not in render_latest()[0].decode()


def test_metrics_endpoint_serves_the_exposition(client, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    client.post("/api/v1/clients", json={})  # 401, still counted
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    assert 'endpoint="/api/v1/clients"' in response.get_data(as_text=True)
