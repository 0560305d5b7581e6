"""Annual outage risk by Monte Carlo: provider events per year, their durations, and which channels they take down.

Each simulated year draws a Poisson number of events per provider; each event starts at a uniformly random moment of
the week and lasts a duration drawn from that provider's distribution. An event removes, on every channel that
depends on the provider, that channel's impact fraction of the revenue its hour-of-week profile would have taken
during the event, less the share recaptured later. Fully vectorised; the same seed gives the same years.
"""

from __future__ import annotations

import csv
import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..settings import DATA_DIR
from ..store import CHANNELS
from .mix import HOURS_PER_WEEK, WeekSpans

RATES_PATH = DATA_DIR / "outage_rates.csv"
MAX_YEARS = 1_000_000  # about 5 million events with the default rates: a few hundred MB at most
Z90 = 1.2815515655446004  # standard normal 90th percentile: turns (median, p90) into a lognormal sigma

# Which providers each channel goes down with. Evidence: past outages that took the channel's buyer-facing site
# down (see docs/scenarios.md); "web_host" stands for whoever hosts a self-run store. All editable.
DEFAULT_DEPENDENCIES: dict[str, tuple[str, ...]] = {
    "amazon": ("amazon", "aws", "fastly"),
    "shopify": ("shopify", "gcp", "cloudflare", "fastly"),
    "ebay": ("ebay", "fastly"),
    "etsy": ("etsy", "gcp"),
    "walmart": ("walmart",),
    "woocommerce": ("web_host",),
    "other": ("web_host",),
}


@dataclass(frozen=True)
class ProviderRate:
    """How often a provider has a buyer-visible outage and how long it lasts."""

    provider: str
    events_per_year: float
    distribution: str = "lognormal"  # 'lognormal' (median_hours, p90_hours) or 'empirical' (durations_hours)
    median_hours: float = 1.0
    p90_hours: float = 2.0
    durations_hours: tuple[float, ...] = ()
    severity: float = 1.0  # share of a dependent channel's outage impact one event causes (partial outages < 1)
    label: str = ""
    basis: str = "assumption"  # documented, estimate or assumption
    source: str = ""

    def __post_init__(self):
        name = self.provider
        if not math.isfinite(self.events_per_year) or self.events_per_year < 0:
            raise InputError(f"Events per year for {name} must be 0 or more, not {self.events_per_year}.")
        if not 0 <= self.severity <= 1:
            raise InputError(f"The severity for {name} must be between 0 and 1, not {self.severity}.")
        if self.distribution == "lognormal":
            if not (self.median_hours > 0 and self.p90_hours >= self.median_hours):
                raise InputError(
                    f"Durations for {name} need a median above 0 hours and a 90th percentile at least as long "
                    f"(got {self.median_hours} and {self.p90_hours})."
                )
        elif self.distribution == "empirical":
            if not self.durations_hours or any(not (d > 0 and math.isfinite(d)) for d in self.durations_hours):
                raise InputError(f"Durations for {name} must be a list of positive hours.")
        else:
            raise InputError(f"The duration distribution for {name} must be lognormal or empirical.")

    @property
    def sigma(self) -> float:
        return math.log(self.p90_hours / self.median_hours) / Z90

    def mean_hours(self) -> float:
        """Expected duration of one event."""
        if self.distribution == "empirical":
            return float(np.mean(self.durations_hours))
        return self.median_hours * math.exp(self.sigma**2 / 2)

    def sample_hours(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.distribution == "empirical":
            return np.asarray(self.durations_hours, dtype=float)[rng.integers(0, len(self.durations_hours), n)]
        return rng.lognormal(math.log(self.median_hours), self.sigma, n)

    def to_json(self) -> dict:
        out = {
            "provider": self.provider,
            "label": self.label,
            "events_per_year": self.events_per_year,
            "distribution": self.distribution,
            "mean_hours": round(self.mean_hours(), 4),
            "severity": self.severity,
            "basis": self.basis,
            "source": self.source,
        }
        if self.distribution == "empirical":
            out["durations_hours"] = list(self.durations_hours)
        else:
            out["median_hours"], out["p90_hours"] = self.median_hours, self.p90_hours
        return out


def _num(row: dict, key: str, path, default: float | None = None) -> float:
    raw = (row.get(key) or "").strip()
    if not raw:
        if default is None:
            raise InputError(f"{path}: provider {row.get('provider')!r} has no {key}.")
        return default
    try:
        return float(raw)
    except ValueError:
        raise InputError(f"{path}: {key} for {row.get('provider')!r} is not a number: {raw!r}.") from None


def load_rates(path: str | Path | None = None) -> dict[str, ProviderRate]:
    """Provider rates from a CSV shaped like data/outage_rates.csv (the sourced defaults when path is None)."""
    path = Path(path or RATES_PATH)
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise InputError(f"Cannot read the outage rates file {path}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise InputError(f"The outage rates file {path} is not UTF-8 text.") from None
    rates = {}
    for row in rows:
        name = (row.get("provider") or "").strip().lower()
        if not name:
            continue
        durations = tuple(
            float(x) for x in (row.get("durations_hours") or "").replace(",", ";").split(";") if x.strip()
        )
        rates[name] = ProviderRate(
            provider=name,
            events_per_year=_num(row, "events_per_year", path),
            distribution=(row.get("distribution") or "lognormal").strip().lower(),
            median_hours=_num(row, "median_hours", path, 0.0),
            p90_hours=_num(row, "p90_hours", path, 0.0),
            durations_hours=durations,
            severity=_num(row, "severity", path, 1.0),
            label=(row.get("label") or name).strip(),
            basis=(row.get("basis") or "assumption").strip(),
            source=(row.get("source") or "").strip(),
        )
    if not rates:
        raise InputError(f"The outage rates file {path} lists no providers.")
    return rates


def edit_rates(rates: Mapping[str, ProviderRate], edits: Mapping[str, Mapping[str, object]]) -> dict[str, ProviderRate]:
    """Rates with some fields changed, e.g. {'aws': {'events_per_year': 2}}; a new provider needs events_per_year
    and its durations. Edited entries are marked as the seller's own."""
    out = dict(rates)
    for name, changes in edits.items():
        key = name.strip().lower()
        changes = dict(changes)
        if "durations_hours" in changes:
            changes["durations_hours"] = tuple(float(d) for d in changes["durations_hours"])  # type: ignore[union-attr]
            changes.setdefault("distribution", "empirical")
        base = out.get(key)
        if base is None and not ({"durations_hours", "median_hours"} & set(changes) and "events_per_year" in changes):
            raise InputError(
                f"There is no outage rate for '{key}' to edit; known providers: {', '.join(sorted(out))}. "
                "A new provider needs events per year and durations."
            )
        fields = {"basis": "edited by the seller", "source": "edited by the seller"} | changes
        out[key] = replace(base, **fields) if base else ProviderRate(provider=key, **fields)  # type: ignore[arg-type]
    return out


def check_dependencies(
    deps: Mapping[str, Iterable[str]], rates: Mapping[str, ProviderRate]
) -> dict[str, tuple[str, ...]]:
    """Validated channel -> providers map: known channels, providers that have rates."""
    out = {}
    for channel, providers in deps.items():
        c = channel.strip().lower()
        if c not in CHANNELS:
            raise InputError(f"'{channel}' is not a channel; use one of {', '.join(CHANNELS)}.")
        ps = tuple(dict.fromkeys(p.strip().lower() for p in providers if p.strip()))
        unknown = [p for p in ps if p not in rates]
        if unknown:
            raise InputError(
                f"No outage rate for {', '.join(unknown)} (used by {c}); known providers: {', '.join(sorted(rates))}."
            )
        out[c] = ps
    return out


@dataclass(frozen=True)
class Events:
    """Simulated outage events: one entry per event, for `years` independent years."""

    years: int
    providers: tuple[str, ...]
    year: np.ndarray  # int, which simulated year
    provider: np.ndarray  # int, index into providers
    start: np.ndarray  # hour of week the event starts, 0-168
    hours: np.ndarray  # duration in hours

    @cached_property
    def spans(self) -> WeekSpans:
        """The events' positions on the weekly clock, computed once and reused for every mix."""
        return WeekSpans.of(self.start, self.hours, self.provider)


def provider_rng(seed: int, provider: str) -> np.random.Generator:
    """One random stream per provider, keyed by its name: editing one provider's rate leaves the others' events as
    they were, so scenario comparisons move only where the seller changed something."""
    return np.random.Generator(np.random.PCG64([int(seed) & 0xFFFFFFFF, zlib.crc32(provider.encode())]))


def simulate_events(rates: Mapping[str, ProviderRate], years: int, seed: int) -> Events:
    """Poisson event counts per provider-year, uniform start within the week, durations from each provider."""
    if not 1 <= years <= MAX_YEARS:
        raise InputError(f"The number of simulated years must be between 1 and {MAX_YEARS:,}, not {years}.")
    names = tuple(rates)
    parts = []
    for i, name in enumerate(names):
        rate = rates[name]
        rng = provider_rng(seed, name)
        counts = rng.poisson(rate.events_per_year, years)
        n = int(counts.sum())
        parts.append(
            (
                np.repeat(np.arange(years, dtype=np.int64), counts),
                np.full(n, i, dtype=np.int64),
                rng.uniform(0.0, HOURS_PER_WEEK, n),
                rate.sample_hours(rng, n),
            )
        )
    if not parts:
        empty = np.zeros(0)
        return Events(years, names, empty.astype(np.int64), empty.astype(np.int64), empty, empty)
    year, prov, start, hours = (np.concatenate(x) for x in zip(*parts, strict=True))
    return Events(years, names, year, prov, start, hours)


def exposure(
    channels: Sequence[str],
    hourly: np.ndarray,
    factors: Mapping[str, float],
    dependencies: Mapping[str, Iterable[str]],
    rates: Mapping[str, ProviderRate],
) -> np.ndarray:
    """Per provider, the revenue per hour of the week an event of that provider removes: sum over the channels that
    depend on it of hourly revenue x that channel's factor (impact x (1 - recapture), or x margin), x severity."""
    names = tuple(rates)
    out = np.zeros((len(names), HOURS_PER_WEEK))
    hourly = np.asarray(hourly, dtype=float)
    for j, p in enumerate(names):
        for i, c in enumerate(channels):
            if p in tuple(dependencies.get(c, ())):
                out[j] += hourly[i] * float(factors.get(c, 0.0))
        out[j] *= rates[p].severity
    return out


def annual_losses(events: Events, exposure_by_provider: np.ndarray) -> np.ndarray:
    """Total loss in each simulated year (overlapping events each count: at these rates overlaps are rare)."""
    if events.year.size == 0:
        return np.zeros(events.years)
    per_event = events.spans.integrate(exposure_by_provider)
    return np.bincount(events.year, weights=per_event, minlength=events.years)


def expected_annual_loss(rates: Mapping[str, ProviderRate], exposure_by_provider: np.ndarray) -> float:
    """Exact mean of the annual loss: with a uniformly random start, an event of d hours removes d x the average
    hourly exposure, so the mean is sum over providers of rate x mean duration x mean hourly exposure."""
    means = exposure_by_provider.mean(axis=1)
    return float(sum(r.events_per_year * r.mean_hours() * means[j] for j, r in enumerate(rates.values())))


def summarize(annual: np.ndarray) -> dict[str, float]:
    """Expected annual loss, 95th percentile year, and the worst simulated year."""
    if annual.size == 0:
        return {"expected": 0.0, "p95": 0.0, "worst": 0.0}
    return {"expected": float(annual.mean()), "p95": float(np.quantile(annual, 0.95)), "worst": float(annual.max())}
