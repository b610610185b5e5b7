"""docker-compose.yml, the Dockerfile and the Prometheus/Grafana files agree with shared.config and shared.topics.

Pure and fast: parses YAML/JSON and imports shared.config and shared.topics only. Nothing here needs
Docker; the expected values are built from the code's own configuration, so renaming a service or
changing a port there without updating the deployment files fails this test.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from shared.config import DEFAULT_PORTS, SERVICES, Settings
from shared.topics import TOPICS

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
PROMETHEUS_FILE = ROOT / "deploy" / "prometheus" / "prometheus.yml"
GRAFANA_DATASOURCES = ROOT / "deploy" / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
GRAFANA_PROVIDERS = ROOT / "deploy" / "grafana" / "provisioning" / "dashboards" / "dashboards.yml"
GRAFANA_DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "platform.json"

WORKER_METRICS_OFFSET = 100
MULTIPROC_DIR = "/tmp/metrics"
REQUIRED_APP_ENV = ("MONGO_URI", "KAFKA_BOOTSTRAP_SERVERS", "IPT_JWT_SECRET")

# The metrics the code exposes and their labels (histograms also carry `le` on their _bucket series).
METRICS: dict[str, set[str]] = {
    "http_requests_total": {"service", "method", "endpoint", "status"},
    "http_request_duration_seconds": {"service", "method", "endpoint"},
    "events_published_total": {"service", "type"},
    "events_consumed_total": {"service", "group", "type"},
    "events_failed_total": {"service", "group", "type"},
    "events_dead_lettered_total": {"service", "group", "topic"},
    "event_handler_duration_seconds": {"service", "group", "type"},
    "outbox_backlog": {"service"},
    "http_errors_total": {"service", "method", "endpoint"},
    "kafka_consumer_lag": {"service", "group", "topic", "partition"},
    "dead_letter_depth": {"service", "topic"},
    "event_end_to_end_seconds": {"service", "group", "type"},
    "outbox_oldest_pending_age_seconds": {"service"},
    "clinical_registrations_total": {"service", "program"},
    "clinical_screenings_total": {"service", "instrument", "severity"},
    "clinical_admissions_total": {"service", "program", "track"},
    "clinical_sessions_total": {"service", "outcome"},
    "clinical_measures_recorded_total": {"service", "instrument", "source"},
    "clinical_alerts_open": {"service", "urgency"},
    "clinical_alerts_unacknowledged_past_escalation": {"service", "urgency"},
    "clinical_alert_oldest_open_age_seconds": {"service", "urgency"},
    "clinical_alert_acknowledge_seconds": {"service", "urgency"},
    "notifications_sent_total": {"service", "type", "channel"},
    "notifications_failed_total": {"service", "type", "channel", "reason"},
    "notification_retries_total": {"service", "channel"},
    "notifications_overdue": {"service"},
    "alert_delivery_seconds": {"service"},
}
# Also exposed by shared/metrics.py (or by Prometheus itself) and charted, but not required on the dashboard.
OPTIONAL_METRICS: dict[str, set[str]] = {
    "events_publish_failures_total": {"service", "type"},
    "up": set(),
    "ALERTS": {"alertname", "alertstate", "severity"},
}
HISTOGRAMS = {
    "http_request_duration_seconds",
    "event_handler_duration_seconds",
    "event_end_to_end_seconds",
    "clinical_alert_acknowledge_seconds",
    "alert_delivery_seconds",
}
# PromQL words that are not metric names (functions are recognised by their parenthesis).
PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset"}
# Labels Prometheus adds to every scraped series (job/instance) and our prometheus.yml adds (component).
TARGET_LABELS = {"job", "instance", "component"}

SECRET_KEY = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIAL")
REQUIRED_INTERPOLATION = re.compile(r"^\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*):\?[^}]*\}$")
INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------
def _load_yaml(path: Path):
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    with path.open() as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def compose() -> dict:
    data = _load_yaml(COMPOSE_FILE)
    assert isinstance(data, dict) and isinstance(data.get("services"), dict), "compose file has no services"
    return data


@pytest.fixture(scope="module")
def services(compose) -> dict[str, dict]:
    return compose["services"]


def web_name(service: str) -> str:
    return f"{service}-web"


def worker_name(service: str) -> str:
    return f"{service}-worker"


def worker_port(service: str) -> int:
    return DEFAULT_PORTS[service] + WORKER_METRICS_OFFSET


def expected_app_containers() -> set[str]:
    return {web_name(s) for s in SERVICES} | {worker_name(s) for s in SERVICES}


def command(spec: dict) -> list[str]:
    raw = spec.get("command")
    assert raw, "no command"
    return shlex.split(raw) if isinstance(raw, str) else [str(part) for part in raw]


def option(argv: list[str], *flags: str) -> str | None:
    """The value of a command-line option given as `--flag value` or `--flag=value`."""
    for index, arg in enumerate(argv):
        for flag in flags:
            if arg == flag and index + 1 < len(argv):
                return argv[index + 1]
            if arg.startswith(flag + "="):
                return arg[len(flag) + 1 :]
    return None


def environment(spec: dict) -> dict[str, object]:
    raw = spec.get("environment") or {}
    if isinstance(raw, list):
        pairs = (item.split("=", 1) if "=" in item else (item, None) for item in raw)
        return {key: value for key, value in pairs}
    return dict(raw)


def interpolate(value: str, given: dict[str, str]) -> str:
    """Compose-style ${VAR}, ${VAR:-default}, ${VAR:?error}: values from `given`, else the default."""

    def substitute(match: re.Match) -> str:
        name, op, arg = match.groups()
        if name in given:
            return given[name]
        if op in (":-", "-"):
            return arg
        if op in (":?", "?"):
            raise AssertionError(f"${{{name}}} is required and the test supplied no value")
        return ""

    return INTERPOLATION.sub(substitute, value)


def published_ports(spec: dict) -> list[tuple[int | None, int]]:
    """(host port, container port) for each `ports` entry, short or long syntax."""
    result = []
    for entry in spec.get("ports") or []:
        if isinstance(entry, dict):
            published = entry.get("published")
            result.append((int(published) if published is not None else None, int(entry["target"])))
            continue
        assert isinstance(entry, str), f"port {entry!r} must be a quoted string (YAML reads 8001:8001 as base 60)"
        parts = entry.split("/")[0].split(":")
        container = int(parts[-1])
        host = int(parts[-2]) if len(parts) >= 2 and parts[-2] else None
        result.append((host, container))
    return result


def exposed_ports(spec: dict) -> set[int]:
    return {int(str(port).split("/")[0]) for port in spec.get("expose") or []}


def healthcheck_text(spec: dict) -> str:
    test = (spec.get("healthcheck") or {}).get("test")
    assert test, "no healthcheck test"
    return test if isinstance(test, str) else " ".join(str(part) for part in test)


def depends_on(spec: dict) -> dict[str, str]:
    raw = spec.get("depends_on") or {}
    if isinstance(raw, list):
        return {name: "service_started" for name in raw}
    return {name: (cond or {}).get("condition", "service_started") for name, cond in raw.items()}


def built_containers(services: dict) -> dict[str, dict]:
    return {name: spec for name, spec in services.items() if "build" in spec}


def volume_source(entry) -> tuple[str, str]:
    if isinstance(entry, dict):
        return str(entry.get("source")), str(entry["target"])
    source, target = entry.split(":")[:2]
    return source, target


def dockerfile_stages() -> list[list[str]]:
    """Instructions (continuation lines joined, comments dropped) grouped by FROM."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        assert stages, "instruction before the first FROM"
        stages[-1].append(line)
    return stages


def dockerignore_patterns() -> list[str]:
    lines = (line.strip() for line in DOCKERIGNORE.read_text().splitlines())
    return [line.rstrip("/") for line in lines if line and not line.startswith("#")]


def ignored(path: str, patterns: list[str]) -> bool:
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!")
        if any(fnmatch.fnmatch(c, pattern) or fnmatch.fnmatch(c, pattern.replace("**/", "")) for c in candidates):
            excluded = not negate
    return excluded


# --------------------------------------------------------------------------------------------------
# app containers: one web and one worker per service
# --------------------------------------------------------------------------------------------------
def test_every_service_has_exactly_a_web_and_a_worker_container(services):
    app = set(built_containers(services)) - {"kafka-init"}
    assert app == expected_app_containers()


def test_all_app_containers_share_one_image_built_from_the_dockerfile(services):
    built = built_containers(services)
    assert "kafka-init" in built, "kafka-init must run the platform image"
    images = {spec.get("image") for spec in built.values()}
    assert len(images) == 1 and None not in images, f"app containers use different images: {images}"
    for name, spec in built.items():
        build = spec["build"]
        context = build if isinstance(build, str) else build.get("context", ".")
        dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        assert (ROOT / context / dockerfile).resolve() == DOCKERFILE, name


@pytest.mark.parametrize("service", SERVICES)
def test_web_container_runs_gunicorn_on_the_service_port(services, service):
    spec = services[web_name(service)]
    argv = command(spec)
    port = DEFAULT_PORTS[service]

    assert Path(argv[0]).name == "gunicorn"
    assert option(argv, "-c", "--config") == "deploy/gunicorn.conf.py"
    assert option(argv, "-b", "--bind") == f"0.0.0.0:{port}"

    target = argv[-1]
    match = re.fullmatch(r"services\.([a-z_][a-z0-9_]*)\.bootstrap:create_app\(\)", target)
    assert match, f"unexpected gunicorn app target {target!r}"
    assert match.group(1) == service
    assert (ROOT / "services" / match.group(1)).is_dir(), f"services/{match.group(1)}/ does not exist"

    assert published_ports(spec) == [(port, port)]
    assert f"127.0.0.1:{port}/readyz" in healthcheck_text(spec)


@pytest.mark.parametrize("service", SERVICES)
def test_worker_container_runs_the_worker_module_and_exposes_metrics_on_port_plus_100(services, service):
    spec = services[worker_name(service)]
    argv = command(spec)
    assert argv == ["python", "-m", f"services.{service}.worker"]
    assert (ROOT / "services" / service).is_dir(), f"services/{service}/ does not exist"
    assert exposed_ports(spec) == {worker_port(service)}
    assert f"127.0.0.1:{worker_port(service)}/metrics" in healthcheck_text(spec)
    assert not spec.get("ports"), "worker metrics are for Prometheus on the compose network only"


def test_service_and_worker_metrics_ports_are_distinct():
    ports = [DEFAULT_PORTS[s] for s in SERVICES] + [worker_port(s) for s in SERVICES]
    assert len(set(ports)) == len(ports) == 2 * len(SERVICES)


# --------------------------------------------------------------------------------------------------
# environment
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("container", sorted(expected_app_containers()))
def test_app_container_environment(services, container):
    env = environment(services[container])
    missing = [key for key in REQUIRED_APP_ENV if key not in env]
    assert not missing, f"{container} lacks {missing}"
    assert all(isinstance(value, str) for value in env.values()), f"{container}: quote every env value"
    assert REQUIRED_INTERPOLATION.match(env["IPT_JWT_SECRET"]), "IPT_JWT_SECRET must be ${IPT_JWT_SECRET:?...}"
    assert REQUIRED_INTERPOLATION.match(env["IPT_JWT_SECRET"]).group("name") == "IPT_JWT_SECRET"
    for service, port in DEFAULT_PORTS.items():
        key = f"{service.upper()}_PORT"
        if key in env:
            assert env[key] == str(port), f"{container}: {key}={env[key]} but DEFAULT_PORTS says {port}"


@pytest.mark.parametrize("service", SERVICES)
def test_compose_environment_gives_the_settings_the_code_expects(services, service):
    """Feed each container's environment (interpolated with defaults) through shared.config.Settings."""
    given = {"IPT_JWT_SECRET": "test-only-not-a-secret"}
    # The notifications worker's relay and SMS provider must be named too (compose refuses without them).
    given |= {
        name: "test-only"
        for name in (
            "SMTP_HOST",
            "SMTP_PASSWORD",
            "SMS_API_URL",
            "SMS_ACCOUNT_SID",
            "SMS_AUTH_TOKEN",
            "SMS_FROM",
            "MAIL_FROM_CLIENTS",
            "MAIL_FROM_PART2",
            "MAIL_FROM_STAFF",
        )
    }
    given["ALERT_LINK_TEMPLATE"] = "https://ipt.example.org/ui/alerts/{alert_id}"
    for container in (web_name(service), worker_name(service)):
        env = {key: interpolate(str(value), given) for key, value in environment(services[container]).items()}
        settings = Settings.from_env(service, env)
        assert settings.port == DEFAULT_PORTS[service]
        assert settings.jwt_secret == given["IPT_JWT_SECRET"]
        assert settings.database.endswith(f"_{service}")
        assert settings.kafka_bootstrap_servers == env["KAFKA_BOOTSTRAP_SERVERS"]
        assert settings.mongo_uri == env["MONGO_URI"]
        assert settings.outbox_poll_seconds > 0
        assert settings.max_request_bytes > 0


@pytest.mark.parametrize("service", SERVICES)
def test_only_web_containers_use_prometheus_multiprocess_mode(services, service):
    web = services[web_name(service)]
    assert environment(web).get("PROMETHEUS_MULTIPROC_DIR") == MULTIPROC_DIR
    tmpfs = web.get("tmpfs") or []
    tmpfs = [tmpfs] if isinstance(tmpfs, str) else tmpfs
    assert MULTIPROC_DIR in {entry.split(":")[0] for entry in tmpfs}, "multiprocess dir must be a tmpfs"

    assert "PROMETHEUS_MULTIPROC_DIR" not in environment(services[worker_name(service)])


def test_app_containers_reach_mongo_and_kafka_by_their_compose_names(services):
    mongo_cmd = command(services["mongo"])
    replica_set = option(mongo_cmd, "--replSet")
    assert replica_set, "mongo must run as a replica set"
    kafka_env = environment(services["kafka"])
    advertised = {listener.split("://", 1)[1] for listener in kafka_env["KAFKA_ADVERTISED_LISTENERS"].split(",")}

    for container in expected_app_containers():
        env = environment(services[container])
        uri = urlparse(env["MONGO_URI"])
        assert uri.scheme == "mongodb"
        assert uri.hostname in services and uri.hostname == "mongo"
        assert (uri.port or 27017) == 27017
        assert parse_qs(uri.query).get("replicaSet") == [replica_set]
        bootstrap = set(env["KAFKA_BOOTSTRAP_SERVERS"].split(","))
        assert bootstrap <= advertised, f"{container}: {bootstrap} is not an advertised listener {advertised}"


# --------------------------------------------------------------------------------------------------
# start order and one-shots
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("container", sorted(expected_app_containers()))
def test_app_containers_wait_for_topics_and_an_initialised_mongo(services, container):
    deps = depends_on(services[container])
    assert deps.get("kafka-init") == "service_completed_successfully"
    assert deps.get("mongo-init") == "service_completed_successfully"
    assert deps.get("mongo") == "service_healthy"
    assert deps.get("kafka") == "service_healthy"


def test_kafka_init_creates_the_topics_once_the_broker_is_healthy(services):
    spec = services["kafka-init"]
    assert command(spec) == ["ipt", "topics", "create"]
    assert depends_on(spec).get("kafka") == "service_healthy"
    assert str(spec.get("restart", "no")) == "no"
    env = environment(spec)
    assert env.get("KAFKA_BOOTSTRAP_SERVERS") == environment(services[web_name(SERVICES[0])])["KAFKA_BOOTSTRAP_SERVERS"]
    # `ipt` reads Settings.from_env, which writes a key file under PROJECT_ROOT when IPT_JWT_SECRET is
    # unset; the image's /app is read-only to the service user, so the variable must be there.
    assert REQUIRED_INTERPOLATION.match(str(env.get("IPT_JWT_SECRET", "")))


def test_mongo_runs_a_single_node_replica_set_initialised_by_a_one_shot(compose, services):
    mongo = services["mongo"]
    assert mongo["image"].split(":")[0] == "mongo"
    argv = command(mongo)
    assert "--bind_ip_all" in argv
    assert (mongo.get("healthcheck") or {}).get("test")
    named = {volume_source(v)[0] for v in mongo.get("volumes", [])}
    assert "mongo-data" in named and "mongo-data" in (compose.get("volumes") or {})

    init = services["mongo-init"]
    assert depends_on(init).get("mongo") == "service_healthy"
    assert str(init.get("restart", "no")) == "no"
    env = environment(init)
    assert env["MONGO_RS_NAME"] == option(argv, "--replSet")
    uri = urlparse(environment(services[web_name(SERVICES[0])])["MONGO_URI"])
    assert env["MONGO_RS_HOST"] == f"{uri.hostname}:{uri.port or 27017}", "member host must be what clients use"
    scripts = [volume_source(v) for v in init.get("volumes", []) if volume_source(v)[0].startswith("./")]
    assert scripts, "mongo-init mounts no script"
    for source, target in scripts:
        assert (ROOT / source).is_file(), f"{source} is missing"
        assert target in " ".join(init.get("entrypoint") or command(init))


# --------------------------------------------------------------------------------------------------
# Kafka
# --------------------------------------------------------------------------------------------------
def test_kafka_is_a_single_kraft_node_without_auto_topic_creation(compose, services):
    kafka = services["kafka"]
    assert re.fullmatch(r"apache/kafka:4\.\d+\.\d+", kafka["image"]), kafka["image"]
    env = environment(kafka)
    assert all(isinstance(value, str) for value in env.values()), "quote every kafka env value"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    node_id = env["KAFKA_NODE_ID"]
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].startswith(f"{node_id}@")
    assert "PLAINTEXT://" in env["KAFKA_LISTENERS"] and ":9092" in env["KAFKA_LISTENERS"]
    assert env["CLUSTER_ID"]
    for key in (
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
        "KAFKA_DEFAULT_REPLICATION_FACTOR",
    ):
        assert env[key] == "1", f"{key} must be 1 on a single broker"
    assert (kafka.get("healthcheck") or {}).get("test")
    volumes = {volume_source(v) for v in kafka.get("volumes", [])}
    assert ("kafka-data", env["KAFKA_LOG_DIRS"]) in volumes
    assert "kafka-data" in (compose.get("volumes") or {})


def test_every_topic_fits_a_single_broker(services):
    replication = int(environment(services["kafka"])["KAFKA_DEFAULT_REPLICATION_FACTOR"])
    names = [spec.name for spec in TOPICS]
    assert names and len(set(names)) == len(names)
    for spec in TOPICS:
        assert spec.partitions >= 1
        assert int(spec.config.get("min.insync.replicas", "1")) <= replication, (
            f"{spec.name}: min.insync.replicas above the broker's replication factor makes acks=all fail"
        )


# --------------------------------------------------------------------------------------------------
# Prometheus and Grafana
# --------------------------------------------------------------------------------------------------
def _scrape_targets() -> dict[str, set[str]]:
    config = _load_yaml(PROMETHEUS_FILE)
    targets: dict[str, set[str]] = {}
    for job in config["scrape_configs"]:
        assert job.get("metrics_path", "/metrics") == "/metrics", job["job_name"]
        for static in job.get("static_configs", []):
            assert "service" not in (static.get("labels") or {}), "a target `service` label clashes with the code's"
            targets.setdefault(job["job_name"], set()).update(static["targets"])
    return targets


def test_prometheus_scrapes_every_web_and_worker_container(services):
    targets = _scrape_targets()
    app_targets = {t for job, ts in targets.items() for t in ts if t.split(":")[0] != "localhost"}
    expected = {f"{web_name(s)}:{DEFAULT_PORTS[s]}" for s in SERVICES} | {
        f"{worker_name(s)}:{worker_port(s)}" for s in SERVICES
    }
    assert app_targets == expected
    for target in app_targets:
        assert target.split(":")[0] in services, f"{target} is not a compose service"


def test_prometheus_container_loads_this_config(services):
    mounts = {volume_source(v) for v in services["prometheus"].get("volumes", [])}
    target = dict(mounts).get("./deploy/prometheus/prometheus.yml")
    assert target, "prometheus.yml is not mounted"
    assert f"--config.file={target}" in command(services["prometheus"])


def test_grafana_is_provisioned_with_the_datasource_and_dashboard(services):
    grafana = services["grafana"]
    mounts = dict(volume_source(v) for v in grafana.get("volumes", []))
    assert mounts.get("./deploy/grafana/provisioning") == "/etc/grafana/provisioning"

    datasources = _load_yaml(GRAFANA_DATASOURCES)["datasources"]
    prometheus = [ds for ds in datasources if ds["type"] == "prometheus"]
    assert len(prometheus) == 1
    url = urlparse(prometheus[0]["url"])
    assert url.hostname in services and url.port == 9090

    providers = _load_yaml(GRAFANA_PROVIDERS)["providers"]
    paths = {p["options"]["path"] for p in providers}
    assert mounts.get("./deploy/grafana/dashboards") in paths, "dashboard directory is not where the provider looks"

    dashboard = json.loads(GRAFANA_DASHBOARD.read_text())
    uids = {p["datasource"]["uid"] for p in dashboard["panels"] if p.get("datasource")}
    assert uids == {prometheus[0]["uid"]}


def _panel_exprs() -> list[str]:
    dashboard = json.loads(GRAFANA_DASHBOARD.read_text())
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def test_dashboard_covers_every_platform_metric():
    text = "\n".join(_panel_exprs())
    for metric in METRICS:
        series = f"{metric}_bucket" if metric in HISTOGRAMS else metric
        assert re.search(rf"\b{series}\b", text), f"no panel queries {series}"


def _metric_names(expr: str) -> set[str]:
    """Names in a PromQL expression that are metrics: not strings, label matchers, ranges, label lists
    after by/on/group_left, functions (followed by a parenthesis) or operators."""
    bare = re.sub(r'"[^"]*"', '""', expr)
    bare = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", bare)
    bare = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", bare)
    names = set(re.findall(r"\b([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*\()", bare))
    return {name for name in names if name not in PROMQL_WORDS}


def test_dashboard_queries_only_known_metrics_and_labels():
    metrics = {**METRICS, **OPTIONAL_METRICS}
    known = set(metrics) | {f"{m}_bucket" for m in HISTOGRAMS}
    for expr in _panel_exprs():
        used = _metric_names(expr)
        assert used, f"no metric selector in {expr!r}"
        assert used <= known, f"unknown metric(s) {used - known} in {expr!r}"
        labels = set().union(*(metrics[m.removesuffix("_bucket")] for m in used)) | TARGET_LABELS
        if any(m.endswith("_bucket") for m in used):
            labels.add("le")
        for group in re.findall(r"\bby \(([^)]*)\)", expr):
            grouped = {label.strip() for label in group.split(",") if label.strip()}
            assert grouped <= labels, f"{grouped - labels} not labels of {used} in {expr!r}"
        for selector in re.findall(r"\{([^}]*)\}", expr):
            matched = set(re.findall(r"([a-z_]+)\s*[=!]~?", selector))
            assert matched <= labels, f"{matched - labels} not labels of {used} in {expr!r}"


# --------------------------------------------------------------------------------------------------
# secrets and image
# --------------------------------------------------------------------------------------------------
def test_no_literal_secrets_in_compose(services):
    checked = 0
    for name, spec in services.items():
        for key, value in environment(spec).items():
            if SECRET_KEY.search(key):
                checked += 1
                match = REQUIRED_INTERPOLATION.match(str(value))
                assert match, f"{name}: {key} must be a required interpolation (${{VAR:?message}}), not {value!r}"
    assert checked >= len(expected_app_containers()) + 1  # IPT_JWT_SECRET everywhere + Grafana's password
    assert "GF_SECURITY_ADMIN_PASSWORD" in environment(services["grafana"])


def test_dockerfile_is_python_slim_non_root_and_bakes_no_secrets():
    stages = dockerfile_stages()
    assert stages
    for stage in stages:
        assert stage[0].split()[1] == "python:3.11-slim", stage[0]
    final = stages[-1]
    users = [line.split()[1] for line in final if line.upper().startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "final stage must run as a non-root user"
    for stage in stages:
        for line in stage:
            word = line.split()[0].upper()
            if word in ("ENV", "ARG"):
                assert not SECRET_KEY.search(line.upper()), f"secret-looking build setting: {line}"


def test_build_context_leaves_out_local_secrets_but_keeps_the_gunicorn_config(services):
    patterns = dockerignore_patterns()
    for path in (".local/jwt-secret", ".env", ".venv/bin/python", ".git/config"):
        assert ignored(path, patterns), f"{path} would be sent to the image build"
    config = option(command(services[web_name(SERVICES[0])]), "-c", "--config")
    for path in (config, "pyproject.toml", "shared/config.py", f"services/{SERVICES[0]}/__init__.py"):
        assert not ignored(path, patterns), f"{path} is excluded from the build but the image needs it"


def test_alert_rules_are_loaded_and_name_metrics_the_code_exposes(services):
    import re

    from shared import metrics

    rules_file = ROOT / "deploy" / "prometheus" / "alerts.yml"
    config = yaml.safe_load(PROMETHEUS_FILE.read_text())
    mounts = dict(volume_source(v) for v in services["prometheus"].get("volumes", []))
    assert mounts.get("./deploy/prometheus/alerts.yml") in config["rule_files"]
    exposed = {m._name for m in vars(metrics).values() if hasattr(m, "_name")}
    exposed |= {f"{name}_total" for name in exposed}
    for group in yaml.safe_load(rules_file.read_text())["groups"]:
        for rule in group["rules"]:
            names = set(re.findall(r"\b([a-z_]+(?:_total|_backlog))\b", rule["expr"]))
            assert names <= exposed, f"{rule['alert']} uses unknown metrics {names - exposed}"
