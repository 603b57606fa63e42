"""The announcement type of a release (agreement, acquisition, results, ...): keyword rules over title and lead.

Rules, not a model: they are inspectable, need no training data, and their accuracy is measured on a hand-labelled
sample (README, bench/bench_entities.py). Only the title decides: the lead paragraph describes the company ("a capital
markets platform ...") and pulled 30 of 100 hand-labelled "other" releases into a category (53% → 71% title-only).
"""
from __future__ import annotations

import re


# Checked in this order: "completes acquisition financing" is an acquisition, "partners to launch" an agreement.
_RULES: tuple[tuple[str, str], ...] = (
    ("acquisition", r"acqui(?:re|res|red|ring|sition|sitions)|merger|merge[sd]?|takeover|buy-?out|to buy|buys"
                    r"|majority stake"),
    # "Reports Promising Results" of a trial or a drill programme is not a financial result: results need a period.
    ("results", r"(?:financial|quarterly|quarter|annual|full[- ]year|half[- ]year|interim|preliminary|fiscal|q[1-4]"
                r"|fy ?\d{2,4}|20\d\d)\b[\w/ ,-]{0,30}results|earnings|revenues?|quarter(?:ly)? (?:report|update)"
                r"|fiscal|q[1-4]\b|first half|half-year|annual report|net (?:income|loss)"),
    ("appointment", r"appoint(?:s|ed|ment)?|names? .{0,40}(?:ceo|cfo|chief|president|director|chair)|joins"
                    r"|hires?|promot(?:es|ed)|elect(?:s|ed)|board of directors|steps? down|successor"
                    r"|new (?:chief|ceo|cfo|coo|cto|president|chair|head|general counsel|vice president)"
                    r"|welcomes? .{0,60}(?:attorney|partner|officer|director|executive|president|counsel|ceo|cfo)"),
    ("financing", r"financing|funding|raises? (?:\$|€|£|us\$|c\$|\d|seed|series|capital)|raised|private placement"
                  r"|offering|investment|invests?|ipo\b|credit facility|loan|notes due|capital|share repurchase"
                  r"|buyback|treasury|grant|uplist"),
    ("agreement", r"agreements?|partner(?:s|ship|ships|ed|ing)?|collaborat\w*|memorandum|mou\b|alliance"
                  r"|joint venture|contract|teams? up|signs?|signed|cooperation|integrat\w+ with|distribution deal"
                  r"|engages|selected by|selects|deployment|sponsorship|(?:secures|receives|wins) (?:\w+ )?orders?"),
    ("product", r"launch(?:es|ed)?|unveil\w*|unleash\w*|introduc\w+|releases?|debuts?|rolls? out|now available"
                r"|new product|expands?|opens?|patent|app\b|platform"
                r"|new (?:[\w-]+ ){0,4}(?:plugin|app|line|book|novel|song|single|album|collection|service|tool|menu)"),
)
_COMPILED = tuple((name, re.compile(r"\b(?:" + pattern + r")", re.IGNORECASE)) for name, pattern in _RULES)


def classify(title: str) -> str:
    """One of CATEGORIES for a release, from its title."""
    for name, pattern in _COMPILED:
        if pattern.search(title):
            return name
    return "other"
