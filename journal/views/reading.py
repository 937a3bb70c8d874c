"""The reading room: published collections, read on any device, printed, and responded to."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from journal import versions
from journal.boundary import parse_version
from journal.extensions import login_manager
from journal.forms import ResponseForm, has_errors
from journal.models import Collection, Role
from journal.services import collections, sharing
from journal.services.errors import DomainError, StaleEdit

bp = Blueprint("reading", __name__, url_prefix="/collections")


def _readable_or_404(collection_id: str) -> Collection:
    collection = collections.get(collection_id)
    user = current_user if current_user.is_authenticated else None
    if collection is None or not collections.can_read(user, collection):
        if user is None:
            abort(login_manager.unauthorized())  # a leader following a link signs in first
        abort(404)
    return collection


@bp.after_request
def _not_kept(response):
    """No cache (a browser's, a proxy's) may keep a page whose words can be withdrawn."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def index():
    """Published collections this reader may open, newest first."""
    user = current_user if current_user.is_authenticated else None
    shown = collections.published_for(user)
    return render_template("reading/index.html", collections=shown,
                           readable={c.id for c in shown if collections.can_read_words(user, c)},
                           withheld=collections.withheld_from(user, shown))


@bp.route("/<collection_id:collection_id>", methods=["GET", "POST"])
def read(collection_id: str):
    """Read a collection (public ones without signing in); leaders respond here."""
    collection = _readable_or_404(collection_id)
    user = current_user if current_user.is_authenticated else None
    form, mine = None, None
    if user is not None and user.role is Role.LEADER:
        collections.record_open(user, collection)
        mine = collections.response_of(user, collection)
        form = ResponseForm(obj=mine)
        if request.method == "GET":
            form.version.data = str(mine.version if mine else versions.NONE_YET)
    elif request.method == "POST":
        abort(403)
    if form is not None and form.validate_on_submit():
        try:
            collections.respond(user, collection, form.text.data, parse_version(request.form))
        except StaleEdit as error:
            # Changed on another device since the page was drawn: both are shown, neither lost.
            form.text.errors = [*form.text.errors, error.message]
            mine = collections.response_of(user, collection)
            form.version.data = str(mine.version if mine else versions.NONE_YET)
            return _read_page(user, collection, form, mine, stale=True)
        except DomainError as error:
            form.text.errors = [*form.text.errors, error.message]
        else:
            flash("Your response is saved. The research team and the writers whose words are "
                  "here can read it.", "success")
            return redirect(url_for("reading.read", collection_id=collection.id) + "#responses")
    return _read_page(user, collection, form, mine)


def _read_page(user, collection: Collection, form: ResponseForm | None, mine,
               stale: bool = False):
    """The page as this reader may see it: words only for the audience, responses only for
    the research team and the writers whose words are here (None hides the section)."""
    words = collections.can_read_words(user, collection)
    items = collections.live_items(collection) if words else []
    responses = (collections.responses(collection)
                 if collections.can_read_responses(user, collection) else None)
    return render_template(
        "reading/read.html", collection=collection, preview=False, words=words,
        items=collection.items if words else [], live={i.id for i in items},
        contexts=sharing.reader_contexts([i.share for i in items]), responses=responses,
        response=mine, form=form, stale=stale,
        withheld=collections.withheld_from(user, [collection])[collection.id],
    ), 409 if stale else 422 if form is not None and has_errors(form) else 200
