"""Researchers' full-text search over accepted shares, and the CSV exports."""

from flask import Blueprint, Response, render_template, request

from journal import search
from journal.access import require_role
from journal.boundary import page_number, parse_id
from journal.context import suppress
from journal.forms import ResearchSearchForm, theme_choices
from journal.models import Role
from journal.services import collections, exports, research, sharing
from journal.text import snippet_html

bp = Blueprint("explore", __name__, url_prefix="/research")
require_role(bp, Role.can_review_shares)


@bp.get("/search")
def search_page():
    """Search with stemming, phrases, AND/OR/NOT and prefix*, filters, facets and snippets."""
    tree = research.theme_tree()
    form = ResearchSearchForm(request.args)
    form.theme.choices = theme_choices(tree, empty="Any")
    page = page_number()
    error, results, shares, theme = _form_error(form), None, [], None
    if error is None and form.theme.data and not parse_id(form.theme.data):
        error = "That theme filter is not a theme in the codebook: choose one from the list"
    elif error is None and form.theme.data and (
            theme := research.get_theme(parse_id(form.theme.data))) is None:
        error = "That theme no longer exists (it may have been merged or deleted)"
    if error is None:
        try:
            results = search.search(form.q.data or "", _filters(form, theme),
                                    order=form.order.data or "relevance", page=page)
        except search.SearchError as problem:
            error = str(problem)
    if results is not None:
        shares = sharing.shares_in_order(results.ids)
    return render_template(
        "research/search.html", form=form, results=results, shares=shares, error=error,
        page=page, contexts=sharing.shown_contexts(shares), tree=tree, suppress=suppress,
        theme_names={str(theme.id): theme.name for theme, _ in tree},
        collection_choices=collections.all_collections(),
        snippet=lambda text: snippet_html(search.snippets(text, results.terms)) if results
        else "",
    ), 400 if error else 200


def _form_error(form: ResearchSearchForm) -> str | None:
    """A plain message for the first value no list offers (typed into the address)."""
    if form.validate():
        return None
    name = next(iter(form.errors))
    return f"{form[name].label.text}: choose one of the options in the list"


def _filters(form: ResearchSearchForm, theme) -> search.Filters:
    return search.Filters(
        themes=research.descendants(theme) if theme else [],
        role=form.role.data or "", field=form.field.data or "", region=form.region.data or "",
        registered=form.registered.data or "", international=form.international.data or "",
        month=(form.month.data or "").strip(), tagged=form.tagged.data or "")


@bp.get("/export/shares.csv")
def export_shares():
    """CSV of accepted shares with themes and context."""
    return _csv_response(exports.shares_csv(), "shares.csv")


@bp.get("/export/excerpts.csv")
def export_excerpts():
    """CSV of excerpts by theme."""
    return _csv_response(exports.excerpts_csv(), "excerpts.csv")


def _csv_response(body: str, filename: str) -> Response:
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
