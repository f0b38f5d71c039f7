"""Settings: defaults in a class, then ``WANBIAO_*`` environment variables, then the test mapping.

Secrets come only from the environment or from files generated into ``var/`` by ``make run``;
there is no shipped default key or password.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from app.database import engine_options

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def var_dir() -> Path:
    """Directory for the database, generated secrets and object-store data."""
    return Path(os.environ.get("WANBIAO_VAR_DIR", PROJECT_ROOT / "var")).resolve()


def read_var_secret(name: str) -> str | None:
    """A secret generated into ``var/`` by ``make run``, or None when absent."""
    path = var_dir() / name
    if path.is_file():
        value = path.read_text(encoding="utf-8").strip()
        return value or None
    return None


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def default_ratelimit_url(huey_url: str) -> str:
    """The rate limits go where the job queue is when that is Redis, else to the database."""
    return huey_url if huey_url.startswith(REDIS_SCHEMES) else "database"


class Config:
    """Defaults for every setting. Override with ``WANBIAO_<NAME>`` in the environment."""

    SECRET_KEY: str | None = None
    # PKCS#8 PEM Ed25519 key for tree heads; unset: generated into var/signing_key.pem.
    SIGNING_KEY_FILE: str | None = None
    SQLALCHEMY_DATABASE_URI = ""
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = 256 * 1024 * 1024
    # Resumable uploads (/api/v1/uploads): the largest file, and the size of its parts (S3
    # wants at least 5 MiB but for the last part; each part must fit MAX_CONTENT_LENGTH).
    UPLOAD_MAX_BYTES = 5 * 1024**3
    UPLOAD_PART_BYTES = 8 * 1024 * 1024
    MAX_FORM_PARTS = 100
    MAX_JSON_BYTES = 1024 * 1024
    API_TOKEN_DAYS = 90
    # A table upload waiting for its column mapping fails after this many hours (its file
    # is deleted by the hourly storage sweep).
    MAPPING_EXPIRY_HOURS = 7 * 24
    PASSWORD_RESET_HOURS = 24
    HTTPS = False
    S3_ENDPOINT = "127.0.0.1:23006"
    S3_ACCESS_KEY: str | None = None
    S3_SECRET_KEY: str | None = None
    S3_BUCKET = "wanbiao"
    S3_SECURE = False
    HUEY_IMMEDIATE = False
    # The job queue: empty for var/huey.db (SQLite, one host), or redis://host:6379/0 so
    # consumers on many hosts share it. Read by app.jobs from WANBIAO_HUEY_URL at import.
    HUEY_URL = ""
    # Where the rate limits (failed logins, registrations, claims) are counted: "database"
    # (the audit trail and the assignments), or a Redis URL (redis://, rediss://, unix://)
    # shared by every app process. Empty: the job queue's Redis when it is one, else
    # "database". With Redis, a login while Redis is down is refused with a 503.
    RATELIMIT_URL = ""
    # Attempts of a long job (the queue's retries and resumes after a dead worker) before
    # the work is failed with a reason (app.jobs.recover_interrupted_work).
    JOB_MAX_ATTEMPTS = 10
    LEASE_SECONDS = 1800
    LOGIN_FAILURES_PER_MINUTE = 10
    # Self-registrations (each a password hash and a write): per address per hour, and from
    # everyone per minute, beyond which registering answers 429.
    REGISTRATIONS_PER_HOUR_PER_ADDRESS = 5
    REGISTRATIONS_PER_MINUTE = 20
    # Proxies in front of the app that set X-Forwarded-For/-Proto/-Host (nginx: 1). With 0 the
    # headers are ignored, as anyone can send them; behind a proxy, leaving it at 0 makes every
    # user share the proxy's address in the audit log and the per-address limits.
    TRUSTED_PROXIES = 0
    # New tasks one expert may take per minute over all projects: reading and answering one
    # takes a person seconds, so more is a script harvesting items (claim and skip).
    CLAIMS_PER_MINUTE = 30
    # Bytes one picture may take once decoded (width × height × bands × bytes per sample,
    # a JPEG at the DCT scale of its preview); a larger one is refused before decoding.
    IMAGE_DECODE_BUDGET = 64 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    TESTING = False


def load_config(app_config: dict[str, Any], test_config: dict[str, Any] | None) -> None:
    """Fill ``app_config`` from the environment and ``var/``, then the test mapping."""
    env_db = os.environ.get("DATABASE_URL")
    if env_db:
        app_config["SQLALCHEMY_DATABASE_URI"] = env_db
    if test_config:
        app_config.update(test_config)
    if not app_config.get("RATELIMIT_URL"):
        app_config["RATELIMIT_URL"] = default_ratelimit_url(str(app_config.get("HUEY_URL") or ""))
    if not app_config.get("SQLALCHEMY_DATABASE_URI"):
        app_config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{var_dir() / 'wanbiao.db'}"
    app_config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app_config["SQLALCHEMY_DATABASE_URI"], app_config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    )
    if app_config.get("HTTPS"):
        app_config["SESSION_COOKIE_SECURE"] = app_config["REMEMBER_COOKIE_SECURE"] = True
    if not app_config.get("SECRET_KEY"):
        app_config["SECRET_KEY"] = read_var_secret("secret_key")
    if not app_config.get("S3_ACCESS_KEY"):
        app_config["S3_ACCESS_KEY"] = read_var_secret("s3_access_key")
        app_config["S3_SECRET_KEY"] = read_var_secret("s3_secret_key")
    if not app_config.get("SECRET_KEY"):
        raise RuntimeError(
            "No SECRET_KEY: set WANBIAO_SECRET_KEY or run `make run`, which generates "
            "var/secret_key. Wanbiao refuses to start without one."
        )
