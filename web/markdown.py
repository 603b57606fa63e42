"""A release's body as HTML: markdown rendered by markdown-it-py (CommonMark), safely.

The body is text from the indexed files, so untrusted: raw HTML is off (a tag is shown as text), a link is kept only
if web.links.safe_link accepts it (absolute http/https), images are not loaded (the page would fetch from another
origin; the CSP forbids it anyway) and bare http(s) URLs become links (linkify-it-py). Press releases indent paragraphs with
spaces, which CommonMark reads as code blocks: indented code is off. Headings are moved down two levels, so a body's
"# ..." never makes a second h1 on the page.
"""
from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

from web.links import safe_link

HEADING_SHIFT = 2  # "# x" in a body becomes <h3>: the page has its h1 (the title) and h2 sections
LINK_REL = "nofollow noopener noreferrer"


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["linkify", "table", "strikethrough"])
    md.disable(["code", "image"])
    # Only URLs written with their scheme: fuzzy matching turns ticker symbols ("600690.SH", "690D.DE") into links.
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    md.validateLink = lambda url: safe_link(url) is not None  # type: ignore[method-assign]
    md.add_render_rule("heading_open", _heading)
    md.add_render_rule("heading_close", _heading)
    md.add_render_rule("link_open", _link_open)
    return md


def _heading(self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    level = min(6, int(token.tag[1]) + HEADING_SHIFT)
    token.tag = f"h{level}"
    return self.renderToken(tokens, idx, options, env)


def _link_open(self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    tokens[idx].attrSet("rel", LINK_REL)
    return self.renderToken(tokens, idx, options, env)


_MD = _renderer()


def render_body(text: str) -> Markup:
    """The body as safe HTML (every text escaped by the renderer; no raw HTML passes)."""
    return Markup(_MD.render(text))
