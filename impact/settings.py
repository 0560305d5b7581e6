"""One place for tunable settings: defaults here, overridden by IMPACT_* environment variables."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"


def _coerce(value: str, kind: type):
    if kind is bool:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if kind is Path:
        return Path(value)
    return kind(value)


@dataclass(frozen=True)
class Settings:
    # Persistent DuckDB file for shares and saved views; uploads live in a per-session in-memory database.
    db_path: Path = DATA_DIR / "impact.duckdb"
    # A postgresql:// URL instead of the file (IMPACT_DB=postgresql://...): shares live in PostgreSQL, so several
    # app replicas on different machines see the same links. Empty: the DuckDB file.
    db_url: str = ""
    # Connections each process keeps to PostgreSQL at most (one pool per process); unused with the DuckDB file.
    db_pool_size: int = 4
    # Where the CLI remembers generic-CSV column mappings, keyed by header fingerprint (the app's uploads keep theirs
    # in the session and never use this file).
    mappings_path: Path | None = DATA_DIR / "mappings.json"
    # The seller's time zone when they name none (IMPACT_DEFAULT_TZ: every seller of this deployment is there).
    # Empty: read from each seller's files (impact.zone), UTC when they do not tell.
    default_tz: str = ""
    # The locale money and dates are written in (IMPACT_LOCALE, e.g. de_DE: '1.234,56 €'); empty: the browser's in
    # the app, en_US elsewhere. impact.present reads it.
    locale: str = ""
    # Currency assumed when an export has neither a currency column nor a symbol (WooCommerce, some CSVs).
    default_currency: str = "USD"
    confidence: float = 0.9
    recovery_hours: int = 24
    # 'fixed': recapture over all recovery_hours; 'until-normal': the recovery period ends once the affected channels'
    # sales are back within their normal band for recovery_normal_hours hours in a row (recovery_hours at most).
    recovery_mode: str = "fixed"
    recovery_normal_hours: int = 3
    ship_sla_hours: float = 48.0
    max_rejects_listed: int = 1000
    # DuckDB resources; 0 threads means DuckDB's own default.
    duckdb_threads: int = 0
    duckdb_memory_limit: str = ""
    feed_timeout_connect: float = 5.0
    feed_timeout_total: float = 15.0
    feed_max_bytes: int = 5_000_000
    feed_allow_private: bool = False
    # Successful feed responses are reused for this long (in-process, keyed by address).
    feed_cache_seconds: float = 300.0
    share_expires_days: int = 30
    # How long a share operation waits for another process to release the database file before giving up.
    share_lock_timeout: float = 5.0
    app_url: str = "http://localhost:8501"
    # The address share links are built on in a deployment (IMPACT_PUBLIC_URL, e.g. https://impact.example.com/);
    # empty: the address the seller reached the app on, as the browser reports it (else app_url, for the CLI).
    public_url: str = ""
    # Where `python -m impact fx --update` keeps the ECB rates it downloads (IMPACT_FX_RATES for short); used instead
    # of the shipped snapshot when its history ends later.
    fx_rates_path: Path = DATA_DIR / "fx_rates.csv.gz"
    fx_url: str = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
    # The folder the app may run portfolios from (IMPACT_PORTFOLIO_ROOT); None keeps that part of the app off, so a
    # server reads no seller folder unless its operator named one.
    portfolio_root: Path | None = None
    # Files read per seller in a portfolio (IMPACT_PORTFOLIO_MAX_FILES): a seller with more is that seller's error
    # row, found before any is opened (a folder of 10,000 one-line files took 13 minutes before).
    portfolio_max_files: int = 200
    # Seconds one seller's job may take in a portfolio (IMPACT_PORTFOLIO_SELLER_SECONDS; 0: no limit): past it the
    # job stops and the seller's row says so, the other sellers run on (a 200 MB export imports in ~10 s).
    portfolio_seller_seconds: float = 300.0
    # Bytes the app's uploads may add up to in one session (IMPACT_MAX_UPLOAD_BYTES); more is refused in one line.
    max_upload_bytes: int = 2 << 30
    # Who may open the operator pages (the Portfolio page and ?seller= links); see docs/deploy.md. A header an
    # authenticating reverse proxy sets to the signed-in user (e.g. X-Forwarded-User); empty: no proxy sign-in.
    operator_header: str = ""
    # A secret the proxy also sends in X-Impact-Proxy-Secret, so a visitor who reaches the app's port directly cannot
    # claim the operator header; empty: the header alone is trusted (only behind a proxy that always overwrites it).
    operator_secret: str = ""
    # E-mails allowed when operators sign in with Streamlit's own login (st.login, [auth] in secrets.toml),
    # comma-separated; empty: every account the provider signs in is an operator.
    operators: str = ""
    extra: dict = field(default_factory=dict)


def is_postgres_url(value: str) -> bool:
    """True for a postgresql:// or postgres:// URL (libpq's two spellings), whatever the letter case."""
    return value.strip().lower().startswith(("postgresql://", "postgres://"))


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Defaults, overridden by IMPACT_<FIELD> environment variables (e.g. IMPACT_DB_PATH, IMPACT_DB, IMPACT_FX_RATES)."""
    env = os.environ if env is None else env
    values = {}
    for f in dataclasses.fields(Settings):
        if f.name == "extra":
            continue
        key = "IMPACT_" + f.name.upper()
        if key in env and env[key] != "":
            kind = {"Path": Path, "Path | None": Path, "str": str, "float": float, "int": int, "bool": bool}[
                f.type if isinstance(f.type, str) else f.type.__name__
            ]
            values[f.name] = _coerce(env[key], kind)
    # IMPACT_DB is the documented short name for the persistent database: a file path, or a PostgreSQL URL (kept as
    # text: Path() would fold the URL's "//").
    if env.get("IMPACT_DB"):
        if is_postgres_url(env["IMPACT_DB"]):
            values["db_url"] = env["IMPACT_DB"].strip()
        else:
            values["db_path"] = Path(env["IMPACT_DB"])
    if env.get("IMPACT_FX_RATES"):
        values["fx_rates_path"] = Path(env["IMPACT_FX_RATES"])
    return Settings(**values)
