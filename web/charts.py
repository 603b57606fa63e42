"""Small charts drawn on the server as inline SVG: no script, no CDN, every text escaped."""
from __future__ import annotations

from typing import Sequence

from markupsafe import Markup, escape

BAR_WIDTH = 12
GAP = 2
HEIGHT = 80
LABEL_SPACE = 16
MIN_WIDTH = 60  # room for a year label under a single bar


def month_bars(months: Sequence[tuple[str, int]], title: str) -> Markup:
    """A bar per month (YYYY-MM, count); each bar has a <title> tooltip and January bars carry the year."""
    if not months:
        return Markup("")
    peak = max(count for _, count in months) or 1
    width = max(MIN_WIDTH, len(months) * (BAR_WIDTH + GAP))
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{HEIGHT + LABEL_SPACE}" '
        f'viewBox="0 0 {width} {HEIGHT + LABEL_SPACE}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (month, count) in enumerate(months):
        x = i * (BAR_WIDTH + GAP)
        h = round(HEIGHT * count / peak) if count else 0
        parts.append(f'<rect x="{x}" y="{HEIGHT - h}" width="{BAR_WIDTH}" height="{h}">'
                     f"<title>{escape(month)}: {count}</title></rect>")
        if i == 0 or month.endswith("-01"):
            parts.append(f'<text x="{x}" y="{HEIGHT + LABEL_SPACE - 3}">{escape(month[:4])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
