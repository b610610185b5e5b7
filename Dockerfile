# syntax=docker/dockerfile:1
# One image for every app container in docker-compose.yml: the four services' web (gunicorn) and worker
# processes and the `kafka-init` one-shot (`ipt topics create`). The command comes from compose.
# No secrets here: IPT_JWT_SECRET and the rest arrive as environment variables at run time.

# --- build: install the project and its dependencies into a virtualenv -----------------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Production dependencies exactly as locked (versions and hashes; `make lock` writes the file), in a
# layer of their own that a source change does not rebuild.
COPY requirements-prod.lock ./
RUN pip install --require-hashes -r requirements-prod.lock
# The whole context (trimmed by .dockerignore), so pyproject.toml may reference any file it needs;
# the project itself adds no dependency of its own (--no-deps): everything it needs is locked above.
COPY . .
RUN pip install --no-deps .

# --- runtime ---------------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app
RUN groupadd --system --gid 10001 ipt \
 && useradd --system --uid 10001 --gid ipt --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ipt
COPY --from=build /opt/venv /opt/venv
# The source tree too, run from /app (PYTHONPATH): shared.config.PROJECT_ROOT is then /app, files the
# code reads relative to it are present, and `-c deploy/gunicorn.conf.py` resolves from the workdir.
# Owned by root and read-only to the service user.
WORKDIR /app
COPY . .
USER 10001:10001
EXPOSE 8001 8002 8003 8004 8101 8102 8103 8104
CMD ["ipt", "--help"]
