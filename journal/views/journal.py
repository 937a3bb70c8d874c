"""A writer's private journal: list, search, write, read, edit and delete their own entries."""

import json
from datetime import date

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

from journal import charts, page_owner
from journal.access import get_own_entry_or_404, require_role
from journal.boundary import MAX_ID, page_number, parse_number
from journal.forms import CheckInForm, ConfirmForm, EntryForm, SearchForm, has_errors
from journal.forms.journal import submission_key
from journal.models import Role
from journal.services import audit, drafts, sharing
from journal.services import journal as journal_service
from journal.services.journal import EntryFields

bp = Blueprint("journal", __name__, url_prefix="/journal")
require_role(bp, Role.can_keep_journal)


@bp.get("/")
def index():
    """The writer's entries, newest first, with a search box over their own entries."""
    session.pop(SEARCH_KEY, None)  # back to the whole journal: forget the last search
    return _journal_page("")


#: Where the words of the writer's last search are kept: never in a URL (history, logs).
SEARCH_KEY = "journal_search"


@bp.route("/search", methods=["GET", "POST"])
def search():
    """Search one's own entries: the words are posted, kept in the session, and never in a URL."""
    if request.method == "POST":
        form = SearchForm(request.form)
        if not form.validate():
            return _journal_page("", search=form, status=422)
        session[SEARCH_KEY] = (form.q.data or "").strip()
        return redirect(url_for("journal.search"))
    query = session.get(SEARCH_KEY, "")
    if not query:
        return redirect(url_for("journal.index"))
    return _journal_page(query, list_endpoint="journal.search")


def _journal_page(query: str, search: SearchForm | None = None, check_in: CheckInForm | None = None,
                  status: int = 200, list_endpoint: str = "journal.index"):
    page = page_number()
    entries = journal_service.own_entries(current_user, query, page,
                                          current_app.config["ENTRIES_PER_PAGE"])
    search = search or SearchForm(MultiDict({"q": query}))
    return render_template("journal/index.html", entries=entries, search=search, query=query,
                           check_in=check_in or CheckInForm(), today=_today_check_in(),
                           list_endpoint=list_endpoint), status


def _today_check_in():
    recent = journal_service.check_ins(current_user, days=1)
    return recent[0] if recent else None


@bp.post("/check-in")
def check_in():
    """One tap: how supported did you feel today?"""
    form = CheckInForm()
    if form.validate_on_submit():
        journal_service.check_in(current_user, date.today(), int(form.support.data),
                                 form.note.data or "")
        flash("Checked in. Thank you.", "success")
        return redirect(url_for("journal.index"))
    return _journal_page("", check_in=form, status=422)  # the note is shown back, not lost


@bp.get("/check-ins")
def check_ins():
    """The writer's own check-ins over the last 30 days: a chart, and the same as a table."""
    items = journal_service.check_ins(current_user, days=30)
    return render_template("journal/check_ins.html", items=items,
                           chart=charts.support_chart(items, days=30, today=date.today()))


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Write a new entry."""
    form = _restored_form(None) or _autosaved_form("new") or EntryForm()
    if request.method == "GET" and request.args.get("prompt"):
        form.prompt_key.data = request.args["prompt"]
    if form.validate_on_submit() and _page_is_mine(form):
        # Read from the request itself: a missing key must not take the form's fresh default.
        key = submission_key(request.form.get("submission_key"))
        entry_id = journal_service.create_entry(current_user, _fields(form), key)
        if entry_id is None:  # sent again after its entry was deleted on another device
            flash(SAVED_THEN_DELETED, "info")
            return redirect(url_for("journal.index"))
        _flash_once("Entry saved. Only you can read it.", "success")
        return redirect(url_for("journal.show", entry_id=entry_id))
    return render_template("journal/new.html", form=form, slot="new",
                           kept=_kept(None, form),
                           autosaved=_offer(drafts.autosaved(current_user, "new"), None)), (
        422 if has_errors(form) else 200)


SAVED_THEN_DELETED = "This entry was saved before, and has been deleted since."


def _flash_once(message: str, category: str) -> None:
    """Flash ``message`` unless it is already waiting (the same form sent twice saved once)."""
    if (category, message) not in session.get("_flashes", []):
        flash(message, category)


@bp.post("/drafts/<slot:slot>")
def autosave(slot: str):
    """Keep the editor's latest text (sent by the autosave script as JSON)."""
    fields = request.get_json(silent=True)
    if slot != "new" and _gone(int(slot), isinstance(fields, dict)):
        return _gone_json()
    if not isinstance(fields, dict):
        return jsonify(error="Send the entry's fields as JSON"), 400
    if not _is_mine(fields.get("author")):
        return jsonify(error=NOT_MINE), 400
    # A renewed author note: the page's note lasts about as long as the session it keeps alive.
    # Made before the save, so nothing after its commit needs the database.
    renewed = drafts.author_token(current_user)
    try:
        saved_at = drafts.autosave(current_user, slot, fields)
    except drafts.EntryGone:
        return _gone_json()  # deleted on another device since the check above
    return jsonify(saved_at=saved_at.isoformat(), author=renewed)


@bp.post("/kept/discard")
def discard_kept():
    """Throw away text kept when a session ended (for example, text the writer does not know)."""
    form = ConfirmForm()
    entry_id = None
    if form.validate_on_submit():
        entry_id = drafts.discard(current_user, request.form.get("key", ""))
        flash("The kept text was discarded.", "info")
    if entry_id is None:
        return redirect(url_for("journal.new"))
    return redirect(url_for("journal.edit", entry_id=entry_id))


@bp.get("/editor-tokens")
def editor_tokens():
    """What the offline writing page needs to save for the signed-in writer, fetched when online."""
    return jsonify(owner=current_user.id, author=drafts.author_token(current_user),
                   csrf_token=generate_csrf(), opened_by=page_owner.note())


@bp.get("/<id:entry_id>")
def show(entry_id: int):
    """Read one of one's own entries."""
    entry = get_own_entry_or_404(current_user, entry_id)
    return render_template("journal/show.html", entry=entry,
                           share=sharing.share_of(current_user, entry), form=ConfirmForm())


@bp.route("/<id:entry_id>/edit", methods=["GET", "POST"])
def edit(entry_id: int):
    """Change one of one's own entries."""
    if _gone(entry_id, request.method == "POST" and bool(request.form.get("body", "").strip())):
        return _gone_page()
    entry = get_own_entry_or_404(current_user, entry_id)
    restored = _restored_form(entry.id) or _autosaved_form(str(entry.id))
    form = restored or EntryForm(obj=entry)
    if request.method == "GET" and restored is None:
        form.support.data = str(entry.support) if entry.support else None
        form.version.data = str(entry.version)
    elif restored is not None and parse_number(form.version.data, -1, 0, MAX_ID) < 0:
        form.version.data = "0"  # unknown starting point: the conflict page shows both
    if form.validate_on_submit() and _page_is_mine(form):
        # Read from the request itself: a missing field would take the entry's own version.
        submitted = request.form.get("version", "")
        # No version means no known starting point: show both rather than overwrite.
        base = parse_number(submitted, -1, 0, MAX_ID)
        try:
            journal_service.update_entry(entry, _fields(form), base_version=base)
        except journal_service.EditConflict:
            # Saved on another device since this editor opened: show both, lose neither.
            form.version.data = str(entry.version)
            return render_template("journal/conflict.html", form=form, entry=entry), 409
        except drafts.EntryGone:
            return _gone_page()  # deleted on another device since this request loaded it
        flash("Changes saved.", "success")
        return redirect(url_for("journal.show", entry_id=entry_id))
    status = 422 if has_errors(form) else 200
    return render_template("journal/edit.html", form=form, entry=entry, slot=str(entry.id),
                           kept=_kept(entry.id, form),
                           autosaved=_offer(drafts.autosaved(current_user, str(entry.id)),
                                            entry)), status


@bp.route("/<id:entry_id>/delete", methods=["GET", "POST"])
def delete(entry_id: int):
    """Ask before deleting an entry; delete it on confirmation."""
    entry = get_own_entry_or_404(current_user, entry_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        journal_service.delete_entry(current_user, entry)
        flash("Entry deleted.", "success")
        return redirect(url_for("journal.index"))
    return render_template("journal/delete.html", entry=entry, form=form,
                           share=sharing.share_of(current_user, entry))


GONE = ("This entry was deleted on another device, so this writing could not be saved to it: "
        "save your writing as a new entry.")


def _gone(entry_id: int, words_sent: bool) -> bool:
    """Whether this request brings words for an entry that is not (or no longer) the writer's.

    Deleted on another device, never written, or another writer's: all get the same answer
    (and the same audit row), so it tells nobody whether an entry exists. Without words sent,
    the scoped loader's plain 404 answers instead.
    """
    if not words_sent or journal_service.get_own_entry(current_user, entry_id) is not None:
        return False
    audit.record_now("denied", current_user, request.path)
    return True


def _gone_page():
    """The new-entry form holding the words sent (as sent: nothing is checked or saved)."""
    form = EntryForm(formdata=request.form)
    form.version.data = ""
    return make_response(render_template("journal/new.html", form=form, slot="new", kept=[],
                                         autosaved=None, gone=GONE), 410)


def _gone_json():
    """For the autosave script: it moves its copy on this device to the new-entry editor."""
    return jsonify(error=GONE, gone=True), 410


def _offer(draft, entry):
    """An autosaved draft worth offering: newer than the saved entry, and not already restored."""
    if draft is None or request.args.get("restore") == "1":
        return None
    if entry is not None and draft.updated_at <= entry.updated_at:
        return None
    return draft


def _autosaved_form(slot: str) -> EntryForm | None:
    """The editor refilled from the autosaved draft, when the writer asks (?restore=1)."""
    if request.method != "GET" or request.args.get("restore") != "1":
        return None
    draft = drafts.autosaved(current_user, slot)
    if draft is None:
        return None
    flash("Your autosaved writing is back. Check it, then save.", "info")
    return EntryForm(formdata=MultiDict(json.loads(draft.fields)))


def _restored_form(entry_id: int | None) -> EntryForm | None:
    """This editor refilled with kept text its writer chose to use (?kept=key), if theirs."""
    key = request.args.get("kept") if request.method == "GET" else None
    kept = drafts.take(current_user, entry_id, key) if key else None
    if kept is None:
        return None
    flash("The kept text is in the editor. Check it, then save.", "info")
    return EntryForm(formdata=MultiDict(kept))


def _kept(entry_id: int | None, form: EntryForm) -> list[dict]:
    """Text kept for this editor, shown apart from the form for the writer to check."""
    return drafts.kept_for(current_user, entry_id) if not has_errors(form) else []


NOT_MINE = "We could not check that this page is yours. Check your writing and save again."


def _is_mine(note) -> bool:
    author = drafts.author_of(str(note or ""))
    return author is not None and author.user_id == current_user.id


def _page_is_mine(form: EntryForm) -> bool:
    """Whether the editor page that sent ``form`` was opened by the signed-in writer."""
    if _is_mine(request.form.get("author")):
        return True
    form.form_errors.append(NOT_MINE)  # shown back with what was typed, and a fresh note
    return False


def _fields(form: EntryForm) -> EntryFields:
    return EntryFields(
        title=form.title.data or "",
        body=form.body.data,
        entry_date=form.entry_date.data,
        support=int(form.support.data) if form.support.data else None,
        prompt_key=form.prompt_key.data or None,
    )
