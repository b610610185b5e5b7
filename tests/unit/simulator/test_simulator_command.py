import json

import simulator.transport
from shared.cli import main
from tests.unit.simulator.fake_clinic import FakeClinic


def test_ipt_simulate_prints_the_summary_writes_the_report_and_uses_the_ports_given(monkeypatch, tmp_path, capsys):
    fake = FakeClinic()
    monkeypatch.setattr(simulator.transport, "UrllibTransport", lambda: fake)
    monkeypatch.setenv("IPT_JWT_SECRET", "command-test-secret-command-test")
    monkeypatch.setenv("SESSIONS_PORT", "9102")
    report = tmp_path / "run.json"
    argv = ["simulate", "--clients", "2", "--seed", "3", "--sessions", "8", "--concurrency", "1"]
    code = main([*argv, "--base-url-intake", "http://intake.test:81/", "--report", str(report)])
    assert code == 0
    assert "0 errors" in capsys.readouterr().out
    written = json.loads(report.read_text())
    assert (written["error_count"], written["settings"]["seed"], written["calls"]["register"]["count"]) == (0, 3, 2)
    urls = {url.split("/api/v1")[0] for _method, url, _body, _auth in fake.calls}
    assert {"http://intake.test:81", "http://127.0.0.1:9102"} <= urls


def test_ipt_simulate_exits_1_when_a_call_fails(monkeypatch, capsys):
    class Down(FakeClinic):
        def _answer(self, method, path, body, params):
            return simulator.transport.Response(simulator.transport.NO_ANSWER, error="ConnectionRefusedError")

    monkeypatch.setattr(simulator.transport, "UrllibTransport", Down)
    monkeypatch.setenv("IPT_JWT_SECRET", "command-test-secret-command-test")
    assert main(["simulate", "--clients", "1", "--seed", "1"]) == 1
    assert "HTTP no answer" in capsys.readouterr().out
