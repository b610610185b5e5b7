"""Process settings read once from the environment; every service uses the same names."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
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
    # Bearer tokens of an outside OpenID Connect issuer (shared/oidc.py); None: local tokens only.
    oidc: OidcSettings | None = None
    # False: the API refuses the tokens signed with jwt_secret (calendar feed links aside).
    local_tokens: bool = True
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
            outbox_poll_seconds=float(env.get("OUTBOX_POLL_SECONDS", "1.0")),
            max_request_bytes=int(env.get("MAX_REQUEST_BYTES", str(256 * 1024))),
            # A prefix lets two stacks (say, a test run and a dev stack) share one Kafka cluster.
            consumer_group=f"{env.get('KAFKA_GROUP_PREFIX', '')}{service}",
            kafka_metrics_seconds=float(env.get("KAFKA_METRICS_SECONDS", "15")),
            oidc=oidc_settings(env),
            local_tokens=local_tokens(env),
            audit_topic=env.get("AUDIT_TOPIC", AUDIT_TOPIC).strip(),
        )


# Asymmetric algorithms only: a symmetric one (HS*) would let anyone holding the issuer's public
# key sign tokens, and `none` signs nothing.
OIDC_ALLOWED_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
DEFAULT_OIDC_ALGORITHMS = ("RS256", "ES256")
DEFAULT_OIDC_ROLE_CLAIM = "role"


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    audience: str
    # None: read from the issuer's /.well-known/openid-configuration (`jwks_uri`) on first use.
    jwks_url: str | None
    # A claim name or a dotted path into nested claims (`realm_access.roles`).
    role_claim: str
    algorithms: tuple[str, ...]


def oidc_settings(env: Mapping[str, str]) -> OidcSettings | None:
    """OIDC_ISSUER and its companions, checked at start-up; None when no issuer is set."""
    issuer = env.get("OIDC_ISSUER", "").strip()
    if not issuer:
        stray = sorted(name for name in ("OIDC_AUDIENCE", "OIDC_JWKS_URL") if env.get(name, "").strip())
        if stray:
            raise ValueError(f"{', '.join(stray)} set without OIDC_ISSUER")
        return None
    audience = env.get("OIDC_AUDIENCE", "").strip()
    if not audience:
        raise ValueError("OIDC_AUDIENCE is required when OIDC_ISSUER is set (the client id tokens are issued for)")
    jwks_url = env.get("OIDC_JWKS_URL", "").strip() or None
    require_secure_url("OIDC_ISSUER", issuer)
    if jwks_url:
        require_secure_url("OIDC_JWKS_URL", jwks_url)
    role_claim = env.get("OIDC_ROLE_CLAIM", "").strip() or DEFAULT_OIDC_ROLE_CLAIM
    if any(not part for part in role_claim.split(".")):
        raise ValueError(f"OIDC_ROLE_CLAIM {role_claim!r} is not a claim name or a dotted path")
    return OidcSettings(
        issuer=issuer,
        audience=audience,
        jwks_url=jwks_url,
        role_claim=role_claim,
        algorithms=oidc_algorithms(env.get("OIDC_ALGORITHMS", "")),
    )


def oidc_algorithms(raw: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(name.strip() for name in raw.split(",") if name.strip()))
    if not names:
        return DEFAULT_OIDC_ALGORITHMS
    refused = [name for name in names if name not in OIDC_ALLOWED_ALGORITHMS]
    if refused:
        raise ValueError(
            f"OIDC_ALGORITHMS may not name {', '.join(refused)}: "
            f"only {', '.join(sorted(OIDC_ALLOWED_ALGORITHMS))} (never none or HS*)"
        )
    return names


def require_secure_url(name: str, url: str) -> None:
    """An https URL, or http to this machine only: keys fetched in the clear could be swapped."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return
    raise ValueError(f"{name} must be an https URL (http only to a loopback address), got {url!r}")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def local_tokens(env: Mapping[str, str]) -> bool:
    """IPT_LOCAL_TOKENS: false refuses tokens signed with the shared secret (only with an OIDC issuer)."""
    raw = env.get("IPT_LOCAL_TOKENS", "").strip().lower()
    if raw in ("", "true", "1", "yes"):
        return True
    if raw not in ("false", "0", "no"):
        raise ValueError(f"IPT_LOCAL_TOKENS must be true or false (got {raw!r})")
    if not env.get("OIDC_ISSUER", "").strip():
        raise ValueError("IPT_LOCAL_TOKENS=false needs OIDC_ISSUER: no token could open the API")
    return False


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


def worker_instance(env: Mapping[str, str] | None = None) -> int:
    """Which of a service's workers this is (WORKER_INSTANCE, set by `ipt supervise --scale`): 1 alone."""
    value = (os.environ if env is None else env).get("WORKER_INSTANCE", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def worker_count(env: Mapping[str, str] | None = None) -> int:
    """How many workers each service runs (WORKERS, as in `make run WORKERS=2`): 1 unless set.

    `ipt supervise --scale worker=N` sets it for every process it starts, so Prometheus scrapes
    each worker's metrics port and `ipt check-ports` checks them."""
    value = (os.environ if env is None else env).get("WORKERS", "1")
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"WORKERS must be a whole number of 1 or more, not {value!r}")
    return int(value)
