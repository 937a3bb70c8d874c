"""The one place where user text becomes HTML: light Markdown, cleaned by one bleach allow-list."""

from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup, escape

ALLOWED_TAGS = frozenset({"p", "br", "em", "strong", "ul", "ol", "li", "a", "blockquote"})
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _link_rel(attrs: dict, new: bool = False) -> dict:
    """Every link gets rel="nofollow noopener"; writers' links must not lend us or them rank."""
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=False,  # disallowed tags are shown as the text that was typed, not run or dropped
    filters=[partial(LinkifyFilter, callbacks=[_link_rel], parse_email=False)],
)


class _NoImages(markdown.Extension):
    """Images are not part of our light Markdown: ``![alt](src)`` stays a plain link."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.inlinePatterns.deregister("image_link")
        md.inlinePatterns.deregister("image_reference")
        md.inlinePatterns.deregister("short_image_ref", strict=False)


def render_markdown(text: str) -> Markup:
    """Render light Markdown (paragraphs, emphasis, lists, links) to safe HTML."""
    html = markdown.markdown(text, output_format="html", extensions=[_NoImages()])
    return Markup(_cleaner.clean(html))


def plain_excerpt(text: str, length: int = 160) -> str:
    """A short plain-text preview of Markdown ``text`` (the caller escapes it)."""
    flat = " ".join(text.split())
    for mark in ("**", "__", "*", "_", "#", ">"):
        flat = flat.replace(mark, "")
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


def shared_text(text: str, marks: list | None = None) -> Markup:
    """Shared words as plain text, exactly as typed: paragraphs and line breaks, nothing else.

    ``marks`` (objects with ``start``, ``end`` and ``kind``) are wrapped in ``<mark>`` so the
    share preview can highlight details that could identify someone.
    """
    pieces, position = [], 0
    for item in sorted(marks or [], key=lambda m: m.start):
        if item.start < position:
            continue
        pieces.append(escape(text[position:item.start]))
        pieces.append(Markup('<mark class="identifier" data-kind="{}">{}</mark>').format(
            item.kind, text[item.start:item.end]))
        position = item.end
    pieces.append(escape(text[position:]))
    html = Markup("").join(pieces)
    paragraphs = [p for p in html.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(Markup(p.strip("\n").replace(
        "\n", Markup("<br>")))) for p in paragraphs)


def snippet_html(fragments: list[list[tuple[str, bool]]]) -> Markup:
    """Search snippets: escaped text, hits wrapped in ``<mark>``, fragments joined by " … "."""
    return Markup(" … ").join(
        Markup("").join(Markup('<mark class="hit">{}</mark>').format(piece) if hit
                        else escape(piece) for piece, hit in fragment)
        for fragment in fragments)
