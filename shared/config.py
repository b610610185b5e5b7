"""Process settings read once from the environment; every service uses the same names."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.topics import AUDIT_TOPIC

PROJECT_ROOT = Path(__file__).resolve().parent.parent

SERVICES: tuple[str, ...] = ("intake", "sessions", "outcomes", "notifications")
DEFAULT_PORTS: dict[str, int] = {"intake": 8001, "sessions": 8002, "outcomes": 8003, "notifications": 8004}


@dataclass(frozen=True)
class Settings:
    service: str
    mongo_uri: str
    database: str
    kafka_bootstrap_servers: str
    jwt_secret: str
    port: int
    log_level: str
    # Requests a minute to the JSON API per caller and per address (0: no limit), in each web worker.
    api_rate_per_user: int
    api_rate_per_address: int
    # Proxies in front of the service whose X-Forwarded-For is trusted for the caller's address.
    trusted_proxy_hops: int
    outbox_poll_seconds: float
    max_request_bytes: int
    consumer_group: str
    # How often a worker measures its consumer lag and dead letters on the broker (shared/kafka_watch.py).
    kafka_metrics_seconds: float = 15.0
    # The topic the audit trail's records are also published to ("": stored only).
    audit_topic: str = AUDIT_TOPIC

    @classmethod
    def from_env(cls, service: str, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        prefix = env.get("MONGO_DB_PREFIX", "ipt")
        return cls(
            service=service,
            mongo_uri=env.get("MONGO_URI", "mongodb://127.0.0.1:27017/"),
            database=f"{prefix}_{service}",
            kafka_bootstrap_servers=kafka_bootstrap_servers(env),
            jwt_secret=jwt_secret(env),
            port=int(env.get(f"{service.upper()}_PORT", DEFAULT_PORTS.get(service, 8000))),
            log_level=env.get("LOG_LEVEL", "INFO"),
            api_rate_per_user=whole_number(env, "API_RATE_PER_USER", 600),
            api_rate_per_address=whole_number(env, "API_RATE_PER_ADDRESS", 1200),
            trusted_proxy_hops=whole_number(env, "TRUSTED_PROXY_HOPS", 0),
            outbox_poll_seconds=float(env.get("OUTBOX_POLL_SECONDS", "0.2")),
            max_request_bytes=int(env.get("MAX_REQUEST_BYTES", str(256 * 1024))),
            # A prefix lets two stacks (say, a test run and a dev stack) share one Kafka cluster.
            consumer_group=f"{env.get('KAFKA_GROUP_PREFIX', '')}{service}",
            kafka_metrics_seconds=float(env.get("KAFKA_METRICS_SECONDS", "15")),
            audit_topic=env.get("AUDIT_TOPIC", AUDIT_TOPIC).strip(),
        )


def whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    """A setting that must be 0 or more, checked at start-up so a typo stops the service."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ValueError(f"{name} must be a whole number, 0 or more (got {raw!r})")
    return int(raw)


def kafka_bootstrap_servers(env: dict[str, str]) -> str:
    return env.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")


def jwt_secret(env: dict[str, str]) -> str:
    """The token signing key: IPT_JWT_SECRET, else a per-checkout key made once under .local/.

    The local key means `make run` needs no configuration and no secret is ever committed.
    """
    if env.get("IPT_JWT_SECRET"):
        return env["IPT_JWT_SECRET"]
    path = Path(env.get("IPT_JWT_SECRET_FILE", PROJECT_ROOT / ".local" / "jwt-secret"))
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            # Several processes start at once: the first link wins and everyone reads the winner.
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(candidate)
    return path.read_text().strip()


DEFAULT_CENTRE_TIME_ZONE = "America/New_York"


def centre_time_zone(env: Mapping[str, str]) -> ZoneInfo:
    """CENTRE_TIME_ZONE: the IANA zone staff pages show times in (stored times stay UTC).

    Checked at start-up, so a mistyped zone stops the service instead of showing wrong times.
    """
    name = env.get("CENTRE_TIME_ZONE", DEFAULT_CENTRE_TIME_ZONE).strip()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"CENTRE_TIME_ZONE {name!r} is not an IANA time zone (e.g. Europe/London)") from error
