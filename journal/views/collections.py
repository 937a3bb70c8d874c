"""Researchers curate themed collections: items, order, commentary, preview, publish."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from journal.access import found_or_404, require_role
from journal.boundary import MAX_ID, parse_id, parse_number, parse_version
from journal.forms import (
    CollectionForm,
    CommentaryForm,
    ConfirmForm,
    attach_error,
    has_errors,
    theme_choices,
)
from journal.models import Audience, Collection, Role
from journal.services import collections, research, sharing
from journal.services.errors import DomainError, StaleEdit
from journal.views import local_path

bp = Blueprint("collections", __name__, url_prefix="/research/collections")
require_role(bp, Role.can_review_shares)



def _form(collection: Collection | None = None) -> CollectionForm:
    form = CollectionForm(obj=collection) if collection and request.method == "GET" \
        else CollectionForm()
    form.theme_id.choices = theme_choices(research.theme_tree(), empty="No particular theme")
    if collection is not None and request.method == "GET":
        form.theme_id.data = str(collection.theme_id or "")
        form.audience.data = collection.audience.value
        form.version.data = str(collection.details_version)
    return form


def _theme_id(form: CollectionForm) -> int | None:
    return parse_id(form.theme_id.data)


@bp.route("/", methods=["GET", "POST"])
def index():
    """Every collection, with its state, responses and readers; and a form to start one."""
    form = _form()
    if form.validate_on_submit():
        try:
            collection = collections.save(None, form.title.data, form.summary.data or "",
                                          Audience(form.audience.data), _theme_id(form))
        except DomainError as error:
            attach_error(form, error)
        else:
            flash("Collection started. Add items from a theme page, a search or a share.",
                  "success")
            return redirect(url_for("collections.manage", collection_id=collection.id))
    return render_template("collections/index.html", form=form,
                           collections=collections.all_collections(),
                           opens=collections.open_counts()), 422 if has_errors(form) else 200


@bp.get("/<collection_id:collection_id>")
def manage(collection_id: str):
    """Edit a collection: details, items in order, commentary, publishing."""
    return _manage_page(found_or_404(collections.get(collection_id)))


def _manage_page(collection: Collection, status: int = 200, form: CollectionForm | None = None,
                 stale: bool = False, commentary: CommentaryForm | None = None,
                 item_id: int | None = None):
    """The manage page; ``commentary`` is a refused commentary form, shown in item ``item_id``'s
    box with what was typed."""
    if form is None:
        form = _form(collection)
    shares = [item.share for item in collections.live_items(collection)]
    return render_template(
        "collections/manage.html", collection=collection, form=form, confirm=ConfirmForm(),
        stale=stale,
        commentary=commentary or CommentaryForm(), commentary_item=item_id,
        contexts=sharing.shown_contexts(shares),
        responses=collections.responses(collection),
        opens=collections.open_counts().get(collection.id, 0)), status


@bp.post("/<collection_id:collection_id>/edit")
def edit(collection_id: str):
    """Change title, summary or audience."""
    collection = found_or_404(collections.get(collection_id))
    form = _form(collection)
    if form.validate_on_submit():
        try:
            collections.save(collection, form.title.data, form.summary.data or "",
                             Audience(form.audience.data), _theme_id(form),
                             parse_version(request.form))
        except StaleEdit as error:
            # Saved elsewhere since this page was drawn: show what is saved and what was typed.
            attach_error(form, error)
            form.version.data = str(collection.details_version)
            return _manage_page(collection, 409, form, stale=True)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash("Saved.", "success")
            return redirect(url_for("collections.manage", collection_id=collection.id))
    return _manage_page(collection, 422, form)


@bp.post("/add")
def add_item():
    """Add a share (or one of its excerpts) to a collection, from wherever it was found."""
    collection = found_or_404(collections.get(request.form.get("collection_id", "")))
    share = found_or_404(sharing.get_share(request.form.get("share_id", "")))
    tag = None
    if tag_id := parse_id(request.form.get("tag_id")):
        tag = found_or_404(research.get_tag(tag_id))
    try:
        collections.add_item(collection, share, tag)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"Added to “{collection.title}”.", "success")
    return redirect(_back())


def _back() -> str:
    return local_path(request.form.get("back"), "/research/") or url_for("collections.index")


def _item_action(collection_id: str, action) -> object:
    collection = found_or_404(collections.get(collection_id))
    try:
        action(collection, parse_number(request.form.get("version"), 0, 0, MAX_ID))
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("collections.manage", collection_id=collection.id) + "#items")


@bp.post("/<collection_id:collection_id>/items/<id:item_id>/move")
def move(collection_id: str, item_id: int):
    """Move an item up or down (the way to reorder without JavaScript)."""
    step = -1 if request.form.get("direction") == "up" else 1
    return _item_action(collection_id, lambda c, v: collections.move(c, item_id, step, v))


@bp.post("/<collection_id:collection_id>/order")
def reorder(collection_id: str):
    """Save a whole new order (sent by the drag-and-drop script)."""
    ids = [i for i in map(parse_id, request.form.get("order", "").split(",")) if i]
    return _item_action(collection_id, lambda c, v: collections.reorder(c, ids, v))


@bp.post("/<collection_id:collection_id>/items/<id:item_id>/remove")
def remove(collection_id: str, item_id: int):
    """Take an item out."""
    return _item_action(collection_id, lambda c, v: collections.remove_item(c, item_id, v))


@bp.post("/<collection_id:collection_id>/items/<id:item_id>/commentary")
def commentary(collection_id: str, item_id: int):
    """Save the commentary shown before an item."""
    collection = found_or_404(collections.get(collection_id))
    form = CommentaryForm()
    if not form.validate_on_submit():
        # Its box again, with what was typed and why it was refused (too long, hidden characters).
        return _manage_page(collection, 422, commentary=form, item_id=item_id)
    try:
        collections.set_commentary(collection, item_id, form.commentary.data or "",
                                   parse_version(request.form))
    except StaleEdit as error:
        return _commentary_conflict(collection, item_id, form, error)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash("Commentary saved.", "success")
    return redirect(url_for("collections.manage", collection_id=collection.id) + "#items")


def _commentary_conflict(collection: Collection, item_id: int, form: CommentaryForm,
                         error: StaleEdit):
    """The commentary was saved elsewhere since the page was drawn: both, so nothing is lost."""
    item = next((i for i in collection.items if i.id == item_id), None)
    if item is None:  # removed meanwhile: the typed words are still shown back
        form.commentary.errors = ["That item is no longer in the collection"]
    attach_error(form, error)
    form.version.data = str(item.version if item else 0)
    return render_template("collections/commentary.html", collection=collection, item=item,
                           form=form), 409


@bp.post("/<collection_id:collection_id>/publish")
def publish(collection_id: str):
    """Publish, or refuse clearly if there is nothing to read."""
    collection = found_or_404(collections.get(collection_id))
    try:
        collections.publish(collection)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"Published for {collection.audience.label.lower()}.", "success")
    return redirect(url_for("collections.manage", collection_id=collection.id))


@bp.post("/<collection_id:collection_id>/unpublish")
def unpublish(collection_id: str):
    """Back to draft."""
    collection = found_or_404(collections.get(collection_id))
    collections.unpublish(collection)
    flash("Unpublished: back to draft, and readers no longer see it.", "success")
    return redirect(url_for("collections.manage", collection_id=collection.id))


@bp.get("/<collection_id:collection_id>/preview")
def preview(collection_id: str):
    """Exactly what a reader will see."""
    collection = found_or_404(collections.get(collection_id))
    items = collections.live_items(collection)
    return render_template("reading/read.html", collection=collection, preview=True,
                           words=True, items=collection.items, live=set(i.id for i in items),
                           contexts=sharing.reader_contexts([i.share for i in items]),
                           responses=None, response=None, form=None,
                           withheld=collections.withheld(collection))
