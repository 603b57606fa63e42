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

import os
import unicodedata
from pathlib import Path
from typing import Sequence

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


# ---------------------------------------------------------------- ids of files: paths relative to the index's roots
#
# A file's id is its path, without the suffix, relative to the deepest of the index's roots that holds it. The roots
# are the folders named on the command line (a named file's folder) that no root held before; the manifest records
# them, so a later run gives the same file the same id whichever path names it (`index dir`, `index dir/sub`,
# `index dir/sub/a.txt`). Roots are real paths: a folder reached through a symbolic link is the same folder.

def real(path: str | os.PathLike[str]) -> Path:
    """The absolute path with symbolic links resolved (never raises, even on a link loop)."""
    return Path(os.path.realpath(path))


def _named_folder(arg: str | os.PathLike[str]) -> Path:
    path = Path(arg)
    return real(path) if path.is_dir() else real(path.parent)


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def index_roots(paths: Sequence[str | os.PathLike[str]], known: Sequence[str] = ()) -> tuple[str, ...]:
    """The roots after a run over `paths`: the `known` ones, then every named folder no root holds (of two nested
    new ones, the outer), so the order of `paths` does not matter."""
    roots = [Path(r) for r in known]
    named = (_named_folder(p) for p in paths if Path(p).exists())  # a missing path is only a Problem
    candidates = list(dict.fromkeys(f for f in named if not any(_within(f, r) for r in roots)))
    new = [c for c in candidates if not any(o != c and _within(c, o) for o in candidates)]
    return tuple(known) + tuple(str(c) for c in new)


def path_id(location: Path, roots: Sequence[Path]) -> str:
    """The POSIX path of `location` (a file under a real folder) relative to the deepest root holding it."""
    root = max((r for r in roots if r in location.parents), key=lambda r: len(r.parts))
    return location.relative_to(root).as_posix()
