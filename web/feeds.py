"""Atom feeds, so that a feed reader alerts on new releases: any search (/search.atom?…, the search's parameters) and
any entity (/feeds/entities/<type>/<name>), newest first, FEED_ENTRIES of them. Written by feedgen.

A search's feed is the search sorted by date: `sort`, `limit` and `offset` are accepted (any /search URL becomes a
feed by its path) but a feed is always its newest FEED_ENTRIES releases; `explain`, `facet_size` and `facet_q` change
nothing in it. The entity feed lives under /feeds/ rather than at /entities/<type>/<name>.atom, where it would take
the page of an entity whose name ends in ".atom".

Ids are tag URIs (RFC 4151) made of the release id, the search's parameters or the entity, so that an entry keeps its
id whatever host serves it and in every feed it appears in; links are absolute (feed readers resolve nothing), built
from the request's host as every link a server hands out. Text from the indexed files is cleaned of the characters
XML 1.0 cannot hold (a control character in a title would otherwise make the feed unreadable).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Iterable
from urllib.parse import quote, urlencode

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, request, url_for

from indexer.store.records import ENTITY_TYPES
from search.engine import Engine
from search.request import PARAMETERS, SearchRequest, parse_request
from search.snippets import plain_snippet
from web.context import engine, error_response
from web.pages import search_url
from web.parameters import accepts

feeds = Blueprint("feeds", __name__)
FEED_ENTRIES = 50
ATOM_TYPE = "application/atom+xml"
TAG = "tag:announcements-search,2026:"  # RFC 4151: the prefix of every id (feed and entry)
# The search parameters that do not change which releases a feed holds.
NOT_IN_FEED = ("sort", "limit", "offset", "explain", "facet_size", "facet_q")
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str | None) -> str:
    """The text without the characters XML 1.0 forbids (C0 controls but tab and newlines, lone surrogates,
    U+FFFE and U+FFFF)."""
    return _NOT_XML.sub("", text or "")


def _tag(*parts: str) -> str:
    return TAG + "/".join(quote(p, safe="") for p in parts)


def _external(path: str) -> str:
    return request.host_url.rstrip("/") + path


@dataclass(frozen=True)
class _Entry:
    """What one feed entry says about a release."""

    release_id: str
    title: str
    date: dt.date | None
    issuer: str | None
    summary_html: str  # escaped text (a search's snippet marks the query's words)


def _updated(date: dt.date | None, fallback: dt.datetime) -> dt.datetime:
    """A release's date as an Atom time (midnight UTC); an undated release takes the index version's creation."""
    return dt.datetime.combine(date, dt.time(), dt.timezone.utc) if date else fallback


def _created(eng: Engine) -> dt.datetime:
    try:
        created = dt.datetime.fromisoformat(eng.manifest.created)
    except (TypeError, ValueError):
        return dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    return created if created.tzinfo else created.replace(tzinfo=dt.timezone.utc)


def _atom(eng: Engine, feed_id: str, title: str, html_link: str, entries: Iterable[_Entry]) -> Response:
    created = _created(eng)
    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(xml_text(title))
    fg.author({"name": "Announcements Search"})
    fg.link(href=html_link, rel="alternate", type="text/html")
    fg.link(href=request.url, rel="self", type=ATOM_TYPE)
    fg.generator("Announcements Search (feedgen)")
    fg.updated(created)  # a feed changes only when a new index version is published
    for item in entries:
        updated = _updated(item.date, created)
        fe = fg.add_entry(order="append")  # feedgen prepends by default; the releases come newest first
        fe.id(_tag("release", item.release_id))
        fe.title(xml_text(item.title) or item.release_id)
        # The only link, so rel="alternate" by Atom's default: feedgen 1.0.0 drops an entry link's rel and type
        # (its atom_entry shadows the link's dict), so a second link would be a second "alternate".
        fe.link(href=_external(url_for("pages.release", release_id=item.release_id)), rel="alternate",
                type="text/html")
        fe.updated(updated)
        if item.date:
            fe.published(updated)
        if item.issuer:
            fe.author({"name": xml_text(item.issuer)})
        fe.summary(xml_text(item.summary_html), type="html")
    return Response(fg.atom_str(pretty=True), mimetype=ATOM_TYPE)


def feed_params(req: SearchRequest) -> list[tuple[str, str]]:
    """The parameters of the feed of a search (those that choose its releases)."""
    return [(name, value) for name, value in req.to_params() if name not in NOT_IN_FEED]


@feeds.app_template_global()
def feed_url(req: SearchRequest) -> str:
    """The Atom feed of the search `req`."""
    params = feed_params(req)
    return url_for("feeds.search_feed") + ("?" + urlencode(params) if params else "")


@feeds.app_template_global()
def entity_feed_url(type_: str, name: str) -> str:
    return url_for("feeds.entity_feed", type_=type_, name=name)


def _search_title(req: SearchRequest) -> str:
    words = [f"“{req.q}”"] if req.q else []
    words += [f.param() for f in req.entities] + [f"issuer:{i}" for i in req.issuers]
    words += [f"category:{c}" for c in req.categories] + [f"ticker:{t}" for t in req.tickers]
    words += [f"wire:{w}" for w in req.wires]
    if req.date_from or req.date_to:
        words.append(f"{req.date_from or '…'} – {req.date_to or '…'}")
    return "Announcements: " + (" ".join(words) if words else "every release")


@feeds.get("/search.atom")
@accepts(PARAMETERS)
def search_feed():
    asked = parse_request(request.args.to_dict(flat=False))
    req = replace(asked, sort="date", limit=FEED_ENTRIES, offset=0, explain=False)
    eng = engine()
    result = eng.search(req)
    entries = [_Entry(h.id, h.title, h.date, h.issuer, h.snippet) for h in result.hits]
    params = feed_params(req)
    return _atom(eng, _tag("search") + "?" + urlencode(params), _search_title(req),
                 _external(search_url(replace(asked, sort="date", explain=False))), entries)


@feeds.get("/feeds/entities/<type_>/<path:name>")
@accepts()
def entity_feed(type_: str, name: str):
    eng = engine()
    found = eng.entity(type_, name) if type_ in ENTITY_TYPES else None
    if found is None:
        return error_response(404, f"No {type_} named {name!r}.")
    entries = []
    for rid in found.release_ids[:FEED_ENTRIES]:
        view = eng.release(rid)
        entries.append(_Entry(view.id, view.title, view.date, view.issuer, plain_snippet(view.body)))
    return _atom(eng, _tag("entity", found.type, found.name), f"Announcements naming {found.name} ({found.type})",
                 _external(url_for("pages.entity", type_=found.type, name=found.name)), entries)
