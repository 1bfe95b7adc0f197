"""Learning how long dishes really take: pure, no framework imports.

Each time a cook starts an item and later bumps it, the seconds between the two are a
measurement of the dish (modifiers' extra prep taken off). The expected prep time
follows the last ``window`` measurements with a robust estimate: the median, after
dropping measurements far from it (a forgotten bump, a start pressed by mistake).
Far means more than ``OUTLIER_MADS`` scaled median absolute deviations away, with the
deviation floored so that a run of identical measurements does not make every slightly
different one an outlier.
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import median

OUTLIER_MADS = 3.0
MAD_TO_SIGMA = 1.4826  # scales the MAD to a standard deviation for normal data
MIN_SPREAD_FRACTION = 0.1  # the deviation used is at least 10% of the median ...
MIN_SPREAD_SECONDS = 15.0  # ... and at least 15 s
MAX_PLAUSIBLE_SECONDS = 4 * 3600  # longer than this is a ticket nobody bumped, not a measurement
MIN_PLAUSIBLE_SECONDS = 10  # shorter than this is a start and a bump tapped together, not cooking


@dataclass(frozen=True)
class Estimate:
    seconds: int | None  # None: not enough measurements yet, use the menu's prep time
    samples: int  # plausible measurements considered
    outliers: int  # of those, ignored


def measurement(elapsed_seconds: float, extra_seconds: int) -> int | None:
    """The dish's prep measured by one start and bump: the seconds between them without the
    modifiers' extra prep; None when that is no plausible cooking time (a start and a bump
    tapped together, a bump forgotten for hours, or less time than the modifiers alone take)."""
    value = round(elapsed_seconds) - extra_seconds
    return value if MIN_PLAUSIBLE_SECONDS <= value <= MAX_PLAUSIBLE_SECONDS else None


def estimate(measured: list[float], min_samples: int = 5) -> Estimate:
    """The expected prep seconds from measurements (the window, any order)."""
    values = [float(v) for v in measured if MIN_PLAUSIBLE_SECONDS <= v <= MAX_PLAUSIBLE_SECONDS]
    if len(values) < min_samples:
        return Estimate(None, len(values), 0)
    mid = median(values)
    spread = max(MAD_TO_SIGMA * median(abs(v - mid) for v in values),
                 MIN_SPREAD_FRACTION * mid, MIN_SPREAD_SECONDS)
    kept = [v for v in values if abs(v - mid) <= OUTLIER_MADS * spread]
    if len(kept) < min_samples:
        return Estimate(None, len(values), len(values) - len(kept))
    return Estimate(round(median(kept)), len(values), len(values) - len(kept))


def expected_prep(menu_seconds: int, extra_seconds: int, learned: int | None) -> int:
    """An item's expected prep: the dish's learned time when there is one (else the menu's)
    plus what its modifiers add."""
    return max(0, (learned if learned is not None else menu_seconds - extra_seconds) + extra_seconds)
