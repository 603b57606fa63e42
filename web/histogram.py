"""The month histogram above the results and on an entity's page: every month from the first to the last, empty
months shown as zero (a gap in time must look like one), bars scaled to the peak, a y axis (0 and the peak), a year
tick under each January and the count of every month in its link text and tooltip.

Plain HTML, no script and no style attribute (the Content-Security-Policy forbids inline style): a bar's height is
one of STEPS classes in style.css (h0..h20).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Collection, Sequence

from search.facets import months_between

STEPS = 20  # bar heights h1..h20 (h0: an empty month, drawn as a hairline)
LABELLED_MONTHS = 24  # up to this many bars, every count is printed above its bar
YEAR_TICKS = 6  # at most about this many year labels, so they do not overlap on a phone


@dataclass(frozen=True)
class Bar:
    month: str  # YYYY-MM
    count: int
    step: int  # 0..STEPS, the height class
    url: str | None  # the link that filters by this month (None: not a link, e.g. on an entity page)
    selected: bool
    year_tick: str  # the year printed under the bar ("" for most bars)

    @property
    def label(self) -> str:
        """What a screen reader and the tooltip say."""
        return f"{self.month}: {self.count} release{'' if self.count == 1 else 's'}"


@dataclass(frozen=True)
class Histogram:
    bars: list[Bar]
    peak: int
    total: int

    @property
    def labelled(self) -> bool:
        """Few enough bars to print each count above its bar."""
        return len(self.bars) <= LABELLED_MONTHS

    @property
    def first(self) -> str:
        return self.bars[0].month

    @property
    def last(self) -> str:
        return self.bars[-1].month


def month_histogram(counts: Sequence[tuple[str, int]], url: Callable[[str], str] | None = None,
                    selected: Collection[str] = ()) -> Histogram | None:
    """The histogram of (YYYY-MM, releases) pairs in any order, months between them filled in as zero; None when
    there is no dated release. `selected`: the months the date filter covers."""
    known = {month: count for month, count in counts}
    if not known:
        return None
    months = months_between(min(known), max(known))
    peak = max(known.values()) or 1
    every = max(1, -(-len(months) // (12 * YEAR_TICKS)))  # label every year, or every 2nd, 3rd... on long spans
    bars = []
    for n, month in enumerate(months):
        count = known.get(month, 0)
        # Any non-zero month gets at least one step, so one release is never drawn as nothing.
        step = 0 if count == 0 else max(1, round(STEPS * count / peak))
        january = month.endswith("-01") and (int(month[:4]) % every == 0 or every == 1)
        tick = month[:4] if (n == 0 and not labelled_soon(months, every)) or january else ""
        bars.append(Bar(month, count, step, url(month) if url else None, month in selected, tick))
    return Histogram(bars, max(known.values()), sum(known.values()))


def labelled_soon(months: Sequence[str], every: int) -> bool:
    """Whether a labelled January follows within the first few bars (then the first bar needs no year of its own:
    the two labels would overlap)."""
    near = months[1:max(4, len(months) // 8)]  # an eighth of the width: room for one year label
    return any(m.endswith("-01") and (int(m[:4]) % every == 0 or every == 1) for m in near)
