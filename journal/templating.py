"""Template globals and filters: navigation by role, Markdown, dates."""

from datetime import date

from flask import Flask, request, url_for
from flask_login import current_user

from journal import page_owner
from journal.context import label as context_label
from journal.models import Role
from journal.privacy import quotes
from journal.prompts import prompt_text
from journal.services import drafts
from journal.text import plain_excerpt, render_markdown, shared_text

SERVICE_NAME = "Compassion Journal"


def init_app(app: Flask) -> None:
    """Register filters and the context processor."""
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["excerpt"] = plain_excerpt
    app.jinja_env.filters["shared_text"] = shared_text
    app.jinja_env.filters["month"] = month_name
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["withhold"] = quotes.withhold
    # A global, not a context variable, so the imported csrf_field() macro can call it.
    app.jinja_env.globals["page_owner"] = page_owner.note
    app.context_processor(_globals)


def long_date(value: date | None) -> str:
    """21 November 2026 (the NHS.UK style for dates)."""
    return f"{value.day} {value:%B %Y}" if value else ""


def month_name(value: str) -> str:
    """"2026-11" -> "November 2026" (shares keep the month only)."""
    try:
        return f"{date.fromisoformat(value + '-01'):%B %Y}"
    except ValueError:
        return value


def navigation() -> list[dict]:
    """Header links for the signed-in user's role."""
    if not current_user.is_authenticated:
        return []
    items = []
    if current_user.role.can_keep_journal():
        items += [("My journal", "journal.index"), ("New entry", "journal.new"),
                  ("Shared", "sharing.mine")]
    if current_user.role.can_review_shares():
        items += [("Review queue", "research.queue"), ("Search", "explore.search_page"),
                  ("Themes", "codebook.index"), ("Collections", "collections.index")]
    if current_user.role is Role.LEADER:
        items.append(("Reading room", "reading.index"))
    if current_user.role.can_administer():
        items += [("Users", "admin.users"), ("Invite codes", "admin.invites"),
                  ("Audit log", "admin.audit_log")]
    items.append(("Account", "auth.change_password"))
    return [{"text": text, "href": url_for(endpoint),
             "current": request.endpoint == endpoint} for text, endpoint in items]


def _globals() -> dict:
    return {"service_name": SERVICE_NAME, "navigation": navigation, "prompt_text": prompt_text,
            "context_label": context_label, "draft_author": _draft_author}


def _draft_author() -> str:
    """Signed note of who is writing, for the editor (see journal.services.drafts)."""
    return drafts.author_token(current_user) if current_user.is_authenticated else ""
