"""What a release id may be: every indexed id can be fetched at /api/releases/<id> and /releases/<id>.

The rule (README "PATH is a file or folder"): an id is trimmed of surrounding white space and then must
- have 1 to MAX_ID_CHARS characters;
- hold no control character (tabs and line breaks included) and no line or paragraph separator: they cannot stand
  in a request line, and a link, a log line or a --problems file would show them wrongly;
- not begin with "/" (the id would be a second slash of the URL path, which never reaches the release route);
- have no "/"-separated part that is "." or "..": browsers and proxies resolve those segments before sending.
An id that breaks the rule is refused (the release is skipped with a Problem saying why), never rewritten: a
rewritten id would not be the one the user later replaces or deletes by.
"""
from __future__ import annotations

import unicodedata

MAX_ID_CHARS = 1000


def check_id(raw: str) -> str:
    """The id `raw` stands for (trimmed); ValueError saying which part of the rule it breaks."""
    rid = raw.strip()
    if not rid:
        raise ValueError("empty id")
    if len(rid) > MAX_ID_CHARS:
        raise ValueError(f"id longer than {MAX_ID_CHARS:,} characters ({len(rid):,})")
    if bad := next((c for c in rid if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None):
        raise ValueError(f"id {rid!r} holds a control character (U+{ord(bad):04X})")
    if rid.startswith("/"):
        raise ValueError(f"id {rid!r} begins with '/'")
    if any(part in (".", "..") for part in rid.split("/")):
        raise ValueError(f"id {rid!r} has a '.' or '..' part")
    return rid
