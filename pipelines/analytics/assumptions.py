"""Every number the analytics assume, in one place, with where it comes from.

Change a figure here (or pass your own ``Assumptions(...)`` to the compute functions) and
every analytics table follows. Each figure is a range: each bootstrap draw samples a deal's
value uniformly inside its range, and the point estimate uses the stated central value.

Stated values and their qualifiers (``marts.fct_deals.value_qualifier``)
------------------------------------------------------------------------
* ``exact`` (or no qualifier): the stated value, no spread.
* ``approx`` ("about $3B"): 0.9x to 1.1x the stated value, central 1.0x.
* ``up_to`` ("up to $14.2B") is a ceiling, not a point: 0.5x to 1.0x, central 0.75x.
  Options and expansions that make up the ceiling are often not exercised; half the
  ceiling is taken as the plausible floor.
* ``at_least`` ("at least $10B", "more than $10B") is a floor: 1.0x to 1.5x, central 1.25x.

Undisclosed values (imputed, flagged ``imputed``)
-------------------------------------------------
Compute capacity (capacity_contract, expansion) is rented: value = capacity x price x term.
Power is preferred to GPU count when a deal states both, because revenue per MW is more
stable across chip generations than revenue per GPU (a newer GPU rents for more but draws
more power).

* Per MW-year of contracted AI capacity: $8M-$14M, central $11M. Anchors: IREN's
  five-year, ~$9.7B contract with Microsoft (announced 3 Nov 2025) covers ~200 MW of
  critical IT load at Childress, Texas (IREN expects ~$1.94B of annualised revenue), i.e.
  ~$9.7M per MW-year; Nebius' five-year $17.4B base contract with Microsoft (Sep 2025)
  is served from its Vineland, New Jersey campus designed for up to 300 MW, i.e. at least
  ~$11.6M per MW-year. The range widens these for facility-vs-IT megawatts.
* Per GPU-hour under a multi-year contract: Hopper-class and unknown accelerators
  (H100, H200, TPU, MI300 ...) $2.00-$3.50, central $2.75; Blackwell-class and newer
  (B200, B300, GB200, GB300, MI350+, Rubin) $2.50-$4.00, central $3.25. Anchors: typical
  on-demand H100 SXM list prices of $2.49-$3.99 per GPU-hour at CoreWeave, Lambda and
  Crusoe in early 2026 (pricegpu.pages.dev, "H100 vs A100 cloud pricing"), a median H100
  posted price of ~$2.95 (AIMultiple cloud GPU index, May 2026), B200 on-demand prices of
  $4.50-$6.00 on specialised clouds (Lyceum, "NVIDIA B200 GPU cloud pricing 2026"), and
  reservations priced 30-50% below on-demand (Mercatus, "Cloud GPU pricing"). Check:
  Microsoft's ~200,000 GB300 GPUs from Nscale (Oct 2025) come to ~$28B at the central
  price over the default term, against a reported "up to $24B" (CNBC / Financial Times).
* Term: the stated ``duration_years``, else announcement to ``end_date``, else 4-6 years,
  central 5 (the dbt default ``capacity_default_duration_years``).
* Hours per year: 8,760 (take-or-pay capacity is billed whether used or not).

Chips (chip_supply) are bought: value = capacity x price, no term.

* Per MW of deployed accelerators: $20M-$35M, central $27.5M. Anchor: on Nvidia's
  August 2025 earnings call Jensen Huang put a gigawatt of AI data centre at $50-60B, of
  which about $35B is Nvidia hardware ($35M per MW); the range reaches down for
  cheaper accelerators (AMD, custom silicon) and systems priced below Nvidia's list.
* Per GPU: $25,000-$40,000, central $32,500. Anchor: Jensen Huang told CNBC (2024) that a
  Blackwell GPU costs $30,000-$40,000; H100s sold from about $25,000.

Power and GPU count are imputed from each other (when one is stated) at 1.0-2.3 kW of
facility power per accelerator, central 1.6 kW. Anchors: Nscale's Texas site for
Microsoft puts ~104,000 GB300 GPUs in a 240 MW campus (~2.3 kW each); Anthropic's Google
deal pairs up to one million TPUs with about a gigawatt (~1 kW each); a GB300 NVL72 rack
draws ~120-140 kW for 72 GPUs (~1.7-1.9 kW each at the rack).

Otherwise (no value, power or GPU count): similar deals. The deal takes the median of the
central values of the deals of the same market that state or imply a value, with the
interquartile range as its range, if at least ``similar_deals_minimum`` such deals exist;
else it is left out and counted as undisclosed. Caveat: undisclosed deals are probably
smaller than disclosed ones, so this leans high; the wide range carries that into the
intervals.

These are assumptions, not facts: each is a public figure of 2025-2026 read in words
from the sources named above, and the ranges are deliberately wide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HOURS_PER_YEAR = 8760.0


@dataclass(frozen=True)
class Span:
    """A range [low, high] with the central value the point estimate uses."""

    low: float
    high: float
    central: float

    def __post_init__(self) -> None:
        if not (0 <= self.low <= self.central <= self.high):
            raise ValueError(f"need 0 <= low <= central <= high, got {self}")


def _gpu_hour_prices() -> dict[str, Span]:
    return {
        "blackwell_or_newer": Span(2.50, 4.00, 3.25),
        "other": Span(2.00, 3.50, 2.75),
    }


@dataclass(frozen=True)
class Assumptions:
    """The benchmark figures of the module docstring; pass a modified copy to change them."""

    # multiples of a stated value, by qualifier
    approx: Span = Span(0.9, 1.1, 1.0)
    up_to: Span = Span(0.5, 1.0, 0.75)
    at_least: Span = Span(1.0, 1.5, 1.25)
    # compute capacity, rented
    usd_per_mw_year: Span = Span(8e6, 14e6, 11e6)
    usd_per_gpu_hour: dict[str, Span] = field(default_factory=_gpu_hour_prices)
    default_term_years: Span = Span(4.0, 6.0, 5.0)
    # chips, bought
    chip_usd_per_mw: Span = Span(20e6, 35e6, 27.5e6)
    chip_usd_per_gpu: Span = Span(25_000.0, 40_000.0, 32_500.0)
    # facility power per accelerator, kW
    kw_per_gpu: Span = Span(1.0, 2.3, 1.6)
    # similar deals
    similar_deals_quantiles: tuple[float, float, float] = (0.25, 0.5, 0.75)
    similar_deals_minimum: int = 3


DEFAULT_ASSUMPTIONS = Assumptions()

_BLACKWELL_OR_NEWER = re.compile(
    r"(?<![A-Z0-9])(G?B[1-3]00|BLACKWELL|RUBIN|VR\d+|MI3[5-9]\d|MI[4-9]\d\d)", re.IGNORECASE
)


def gpu_class(gpu_model: object) -> str:
    """'blackwell_or_newer' for Blackwell/Rubin/MI350+ models, else 'other' (incl. unknown)."""
    if isinstance(gpu_model, str) and _BLACKWELL_OR_NEWER.search(gpu_model):
        return "blackwell_or_newer"
    return "other"
