"""What decides an analysis' figures besides the files and the windows, resolved once at the edge.

    opts = resolve_options(load_settings(), tz="America/New_York", confidence=0.8)   # the user's choices
    analyze(con, windows, opts)                                                      # the engine takes it whole

Every default lives in impact.settings.Settings (IMPACT_* variables override it); resolve_options fills what the user
left open from there and checks what they chose, so no layer below resolves a default again. Options is frozen and
hashable (its settings are not compared), so the app caches results on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .currencies import iso_code
from .errors import InputError
from .settings import Settings, load_settings
from .zone import ZoneGuess

RECOVERY_MODES = ("fixed", "until-normal")
MAX_RECOVERY_HOURS = 24 * 14


@dataclass(frozen=True)
class Options:
    """The resolved options of one run. Build it with resolve_options, which checks each value."""

    tz: str
    currency: str | None
    confidence: float
    recovery_hours: float
    sla_hours: float
    business_days: bool = False
    recovery_mode: str = "fixed"  # or 'until-normal': the recovery period ends when sales are back to normal
    settings: Settings = field(default_factory=load_settings, compare=False, repr=False)
    fees: str | None = None  # --fees spec: what the named channels pay in place of the default fee schedule
    home_currency: str | None = None  # convert every amount to this currency at the ECB rate of its day
    # Where `tz` came from (given, or read from the files: impact.zone), once the files are loaded
    # (service.load_in_zone).
    zone: ZoneGuess | None = field(default=None, compare=False)
    tz_given: bool = True  # False: no zone was named (--tz, IMPACT_DEFAULT_TZ); load_in_zone reads it from the files

    @property
    def normal_hours(self) -> int:
        """Hours in a row back within the normal band that end an 'until-normal' recovery period; 0 for 'fixed'."""
        return max(int(self.settings.recovery_normal_hours), 1) if self.recovery_mode == "until-normal" else 0

    @property
    def analysis_currency(self) -> str | None:
        """The currency figures are stated in: the home currency when amounts are converted, else the one chosen."""
        return self.home_currency or self.currency


def resolve_options(
    settings: Settings | None = None,
    *,
    tz: str | None = None,
    currency: str | None = None,
    confidence: float | None = None,
    recovery_hours: float | None = None,
    sla_hours: float | None = None,
    business_days: bool = False,
    fees: str | None = None,
    home_currency: str | None = None,
    recovery_mode: str | None = None,
) -> Options:
    """Options from what the user chose (None: not chosen), settings (IMPACT_* variables) for the rest; each value is
    checked here because every consumer of it would otherwise accept a confidence of 2 or a recovery of -5 hours."""
    settings = settings or load_settings()
    if confidence is not None and not 0.5 <= confidence < 1:
        raise InputError("--confidence must be between 0.5 and 0.99, e.g. 0.9")
    hours = settings.recovery_hours if recovery_hours is None else recovery_hours
    if not 0 <= hours <= MAX_RECOVERY_HOURS:
        raise InputError(f"the recovery period must be between 0 and {MAX_RECOVERY_HOURS} hours")
    mode = (recovery_mode or settings.recovery_mode or "fixed").strip().lower()
    if mode not in RECOVERY_MODES:
        raise InputError(f"the recovery mode must be one of {', '.join(RECOVERY_MODES)}, got '{mode}'")
    home = iso_code(home_currency, "--home-currency") if (home_currency or "").strip() else None
    currency = iso_code(currency, "--currency") if currency and currency.strip() else None
    return Options(
        tz=tz or settings.default_tz or "UTC",
        tz_given=bool(tz or settings.default_tz),
        currency=currency,
        confidence=settings.confidence if confidence is None else confidence,
        recovery_hours=hours,
        sla_hours=settings.ship_sla_hours if sla_hours is None else sla_hours,
        business_days=business_days,
        settings=settings,
        fees=(fees or "").strip() or None,
        home_currency=home,
        recovery_mode=mode,
    )
