"""Finding a release's date: a line that is only a date, a dateline ("QINGDAO, April 27, 2026 (NEWMEDIAWIRE) -"),
or a metadata value (ISO, optionally with a time, or written out)."""
from __future__ import annotations

import datetime
import re

_MONTHS = {name: i for i, names in enumerate((
    "january jan", "february feb", "march mar", "april apr", "may", "june jun",
    "july jul", "august aug", "september sep sept", "october oct", "november nov",
    "december dec"), start=1) for name in names.split()}
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_MDY = r"(?P<mon>[^\W\d_]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"
_DMY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[^\W\d_]{3,9})\.?,?\s+(?P<year>\d{4})"
_ISO = r"(?P<year>\d{4})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})"
_WHOLE_LINE = [re.compile(_WEEKDAY + p + r"\.?", re.I) for p in (_ISO, _MDY, _DMY)]
# "QINGDAO, April 27, 2026 (NEWMEDIAWIRE) -": a place without digits, a separator, then the date.
_DATELINES = [re.compile(r"(?:[^\W\d_]|\()[^\d\n]{0,80}?\s*[,\-\u2013\u2014]\s*" + p
                         + r"(?=\s*(?:[(/,\-\u2013\u2014]|$))", re.I) for p in (_MDY, _DMY)]
_ISO_VALUE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T\s]\S*)?\s*")
# The dates a release may carry, whatever format it came in: a date outside them (9999-12-31, 0001-01-01) is a
# typing or export error, kept out of the month facet and date sorting (indexer.ingest.releases drops it with a
# warning and indexes the release undated).
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def _make_date(year: str, mon: str, day: str) -> datetime.date | None:
    month = int(mon) if mon.isdigit() else _MONTHS.get(mon.lower())
    try:
        return datetime.date(int(year), month, int(day)) if month else None
    except ValueError:  # "February 30" and friends are not dates
        return None


def line_date(line: str) -> datetime.date | None:
    """The date if the whole line is one (markdown emphasis around it is allowed)."""
    text = line.strip().strip("*_").strip()
    for pattern in _WHOLE_LINE:
        if m := pattern.fullmatch(text):
            return _make_date(m["year"], m["mon"], m["day"])
    return None


def dateline_date(paragraph: str) -> datetime.date | None:
    """The date of a dateline opening `paragraph` ("QINGDAO, April 27, 2026 (NEWMEDIAWIRE) - ...")."""
    text = paragraph.strip().lstrip("*_").strip()
    for pattern in _DATELINES:
        if (m := pattern.match(text)) and (found := _make_date(m["year"], m["mon"], m["day"])):
            return found
    return None


def find_date(text: str) -> datetime.date | None:
    """The first whole-line date in `text`, else the first dateline date; None without a full date."""
    lines = text.splitlines()
    for getter in (line_date, dateline_date):
        for line in lines:
            if found := getter(line):
                return found
    return None


def parse_date_value(value: str) -> datetime.date | None:
    """A date from metadata: ISO (optionally with a time) or a written-out date."""
    if m := _ISO_VALUE.fullmatch(value):
        return _make_date(*m.groups())
    return line_date(value)



def out_of_range(date: datetime.date | None) -> str | None:
    """Why `date` cannot be a release's date (outside EARLIEST..LATEST), or None when it can (or there is none)."""
    if date is None or EARLIEST <= date <= LATEST:
        return None
    return f"date {date.isoformat()} outside {EARLIEST.isoformat()} to {LATEST.isoformat()}, dropped"
