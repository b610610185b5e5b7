"""The supervisor's plan, without starting anything: the Procfile read, workers scaled, restart delays."""

from __future__ import annotations

import pytest

from shared.config import PROJECT_ROOT, SERVICES, worker_instance
from shared.supervisor import RestartPolicy, expand, parse_procfile, parse_scale, supervised_env
from shared.worker import worker_metrics_port

PROCFILE = """\
# A comment: ignored
# once: ready
kafka: deploy/local/kafka.sh
intake_worker: python -m services.intake.worker
intake_web: gunicorn app
ready: ipt wait-ready
"""


def test_the_procfile_gives_names_commands_and_which_run_once():
    specs = parse_procfile(PROCFILE)
    assert [(s.name, s.command, s.once) for s in specs] == [
        ("kafka", "deploy/local/kafka.sh", False),
        ("intake_worker", "python -m services.intake.worker", False),
        ("intake_web", "gunicorn app", False),
        ("ready", "ipt wait-ready", True),
    ]


def test_a_once_mark_for_a_process_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="readyy"):
        parse_procfile("a: x\n# once: readyy\n")


def test_the_projects_procfile_marks_the_banner_once_and_nothing_else():
    specs = parse_procfile((PROJECT_ROOT / "deploy" / "local" / "Procfile").read_text())
    assert [s.name for s in specs if s.once] == ["ready"]
    assert {"kafka", "mongo", "intake_worker", "notifications_web"} <= {s.name for s in specs}


def test_scaling_workers_numbers_each_copy_and_tells_it_which_it_is():
    specs = expand(parse_procfile(PROCFILE), parse_scale(["worker=2"]))
    names = [s.name for s in specs]
    assert names == ["kafka", "intake_worker_1", "intake_worker_2", "intake_web", "ready"]
    assert [s.env.get("WORKER_INSTANCE") for s in specs if "worker" in s.name] == ["1", "2"]
    assert {s.command for s in specs if "worker" in s.name} == {"python -m services.intake.worker"}


def test_a_scale_of_one_keeps_the_plain_name_and_only_picks_processes():
    specs = expand(parse_procfile(PROCFILE), parse_scale(["worker=1"]), only=["intake_worker", "kafka"])
    assert [(s.name, dict(s.env)) for s in specs] == [("kafka", {}), ("intake_worker", {})]
    with pytest.raises(ValueError, match="nope"):
        expand(parse_procfile(PROCFILE), {}, only=["nope"])


@pytest.mark.parametrize("option", ["worker", "worker=0", "=2", "worker=two"])
def test_a_malformed_scale_is_refused(option):
    with pytest.raises(ValueError):
        parse_scale([option])


def test_restart_delays_double_up_to_ten_seconds_and_start_again_after_a_minute_up():
    policy = RestartPolicy()
    delays = [policy.died(ran_seconds=1.0) for _ in range(8)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    assert policy.died(ran_seconds=61.0) == 0.5
    assert policy.died(ran_seconds=2.0) == 1.0


def test_a_process_that_keeps_dying_quickly_is_flapping():
    policy = RestartPolicy(flap_limit=3)
    policy.died(0.1)
    policy.died(0.1)
    assert not policy.flapping
    policy.died(0.1)
    assert policy.flapping
    policy.died(120.0)
    assert not policy.flapping


def test_each_worker_of_a_service_serves_metrics_on_its_own_port():
    assert worker_instance({}) == 1 and worker_instance({"WORKER_INSTANCE": "2"}) == 2
    assert worker_instance({"WORKER_INSTANCE": "x"}) == 1
    assert [worker_metrics_port(8001, n) for n in (1, 2)] == [8101, 8111]


def test_every_process_learns_how_many_workers_each_service_runs():
    assert supervised_env({"PATH": "/bin"}, parse_scale(["worker=2"])) == {"PATH": "/bin", "WORKERS": "2"}
    assert supervised_env({"WORKERS": "3"}, {})["WORKERS"] == "1"  # what runs, not what was asked elsewhere


def test_a_listen_line_gives_servers_a_held_socket_address():
    specs = parse_procfile("# listen: web=127.0.0.1:$WEB_PORT\nweb: gunicorn --bind ${IPT_BIND:-x}\nworker: run\n")
    assert {s.name: s.listen for s in specs} == {"web": "127.0.0.1:$WEB_PORT", "worker": None}


@pytest.mark.parametrize("line", ["# listen: webb=127.0.0.1:1", "# listen: web", "# listen: =127.0.0.1:1"])
def test_a_listen_entry_for_no_process_or_without_an_address_is_refused(line):
    with pytest.raises(ValueError):
        parse_procfile(f"{line}\nweb: gunicorn\n")


def test_the_projects_procfile_holds_every_web_port_and_binds_what_it_is_given():
    specs = {s.name: s for s in parse_procfile((PROJECT_ROOT / "deploy" / "local" / "Procfile").read_text())}
    held = {name for name, spec in specs.items() if spec.listen}
    assert held == {f"{service}_web" for service in SERVICES}
    for name in held:
        variable = f"${name.removesuffix('_web').upper()}_PORT"
        assert specs[name].listen == f"127.0.0.1:{variable}"
        # Run without the supervisor (honcho, by hand), the server binds the port itself.
        assert f"--bind ${{IPT_BIND:-127.0.0.1:{variable}}}" in specs[name].command
