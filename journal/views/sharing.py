"""A writer shares an entry anonymously: preview, share, narrow, withdraw, and see their shares."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from journal.access import get_own_entry_or_404, require_role
from journal.boundary import parse_number, parse_version
from journal.forms import (
    ConfirmForm,
    NarrowScopeForm,
    ShareForm,
    SharingSettingsForm,
    attach_error,
    has_errors,
)
from journal.models import Role, Scope
from journal.models.journal import BODY_MAX
from journal.models.types import utcnow
from journal.services import collections, sharing
from journal.services.errors import DomainError, StaleEdit

bp = Blueprint("sharing", __name__, url_prefix="/journal")
require_role(bp, Role.can_keep_journal)


@bp.route("/<id:entry_id>/share", methods=["GET", "POST"])
def preview(entry_id: int):
    """Show exactly what will be shared, let the writer change it, and share on confirmation.

    Buttons other than "Share" (replace one detail, replace all, check again) post the form
    back here and only redraw the preview: nothing is shared until the writer confirms.
    """
    entry = get_own_entry_or_404(current_user, entry_id)
    form = ShareForm()
    if request.method == "GET":
        _prefill(form, sharing.share_of(current_user, entry))
        return _render(form, entry, wording=None)
    if "confirm" not in request.form:
        return _render(form, entry, wording=_apply_replacements(form.wording.data or ""))
    if not form.validate():
        return _render(form, entry, wording=form.wording.data or "")
    if not _seen_as_submitted(form, entry):
        return _render(form, entry, wording=form.wording.data, changed=True)
    try:
        sharing.share_entry(current_user, entry, form.wording.data, form.context_value(),
                            Scope(form.scope.data), form.replaces.data or "")
    except sharing.EntryGone as error:
        flash(error.message, "info")
        return redirect(url_for("journal.index"))
    except DomainError as error:
        attach_error(form, error)
        return _render(form, entry, wording=form.wording.data)
    flash("Shared anonymously. The research team will review it; you can withdraw it at any "
          "time.", "success")
    return redirect(url_for("journal.show", entry_id=entry_id))


def _seen_as_submitted(form: ShareForm, entry) -> bool:
    """Whether the preview the writer last saw shows exactly what they are sharing.

    Without JavaScript the preview is drawn by the server: if the wording, context or scope
    changed after that, the writer is shown the new preview first. With JavaScript the page
    redraws it as they type, and says so ("live").
    """
    draft = sharing.draft(current_user, entry, form.wording.data)
    if form.previewed.data == "live":
        # The live preview cannot know the writer's "always hide" terms: if any had to be
        # hidden, what they saw is not what would be shared.
        return draft.hidden_terms == 0
    return form.previewed.data == sharing.preview_digest(draft.wording, form.context_value(),
                                                         form.scope.data or "")


def _render(form: ShareForm, entry, wording: str | None, changed: bool = False):
    draft = sharing.draft(current_user, entry, wording)
    form.wording.data = draft.wording
    form.previewed.data = sharing.preview_digest(draft.wording, form.context_value(),
                                                 form.scope.data or "")
    return render_template(
        "sharing/preview.html", entry=entry, form=form, draft=draft, changed=changed,
        existing=sharing.share_of(current_user, entry), month=f"{utcnow():%B %Y}",
    ), 422 if has_errors(form) else 200


def _prefill(form: ShareForm, existing) -> None:
    if existing is not None:
        form.fill_context(existing.context)
        form.scope.data = existing.scope.value
        form.replaces.data = existing.id
    else:
        form.fill_context(sharing.profile_of(current_user).context)
        form.replaces.data = ""


def _apply_replacements(wording: str) -> str:
    """Handle the "replace" buttons: one finding (value "start:end:kind") or all of them."""
    if "replace_all" in request.form:
        return sharing.replace_all(wording)
    start, _, rest = request.form.get("replace", "").partition(":")
    end, _, kind = rest.partition(":")
    first, last = parse_number(start, -1, 0, BODY_MAX), parse_number(end, -1, 0, BODY_MAX)
    if first >= 0 and last >= 0:
        return sharing.replace_one(wording, first, last, kind)
    return wording


@bp.post("/<id:entry_id>/share/withdraw")
def withdraw(entry_id: int):
    """Withdraw a share: its text is deleted, not hidden."""
    entry = get_own_entry_or_404(current_user, entry_id)
    if sharing.withdraw(current_user, entry):
        flash("Withdrawn. The shared text has been deleted and is no longer seen anywhere.",
              "success")
    else:
        flash("This entry is not shared, so there was nothing to withdraw (it may have been "
              "withdrawn already).", "info")
    back = "mine" if request.form.get("back") == "mine" else "entry"
    return redirect(url_for("sharing.mine") if back == "mine"
                    else url_for("journal.show", entry_id=entry_id))


@bp.post("/<id:entry_id>/share/scope")
def narrow_scope(entry_id: int):
    """Narrow who may read a share."""
    entry = get_own_entry_or_404(current_user, entry_id)
    form = NarrowScopeForm()
    if form.validate_on_submit():
        scope = Scope(form.scope.data)
        try:
            sharing.narrow_scope(current_user, entry, scope)
        except DomainError as error:
            flash(error.message, "error")
        else:
            # Not read back from the share: once committed, a withdrawal may already have
            # deleted it.
            flash(f"Changed: {scope.plain_words.lower()}.", "success")
    else:
        flash("Choose who may read your words.", "error")
    return redirect(url_for("sharing.mine"))


@bp.get("/shared")
def mine():
    """My shared entries: where each share is, and the controls to change or withdraw it."""
    shares = sharing.my_shares(current_user)
    holding = {share.id: terms for _, share, terms in sharing.shares_holding_terms(current_user)}
    went = collections.where_my_words_went([s for _, s in shares])
    listed = list({c.id: c for w in went.values() for c in w["collections"]}.values())
    return render_template("sharing/mine.html", shares=shares, holding=holding, went=went,
                           withheld=collections.withheld_from(current_user, listed),
                           form=ConfirmForm())


@bp.route("/sharing-settings", methods=["GET", "POST"])
def settings():
    """Default context for shares, and words always hidden when sharing."""
    form = SharingSettingsForm()
    if request.method == "GET":
        profile = sharing.profile_of(current_user)
        form.fill_context(profile.context)
        form.hide_terms.data = profile.hide_terms
        form.version.data = str(profile.version)
    if form.validate_on_submit():
        try:
            sharing.save_profile(current_user, form.context_value(), form.hide_terms.data or "",
                                 parse_version(request.form))
        except StaleEdit as error:
            return _settings_conflict(form, error)
        flash("Sharing settings saved.", "success")
        return redirect(url_for("sharing.settings"))
    status = 422 if has_errors(form) else 200
    return render_template("sharing/settings.html", form=form,
                           holding=sharing.shares_holding_terms(current_user)), status


def _settings_conflict(form: SharingSettingsForm, error: StaleEdit):
    """Saved on another device since this page was drawn: show what is saved and what was
    typed, and offer every hide term from both, so saving again drops none unseen."""
    saved = sharing.profile_of(current_user)
    typed = form.hide_terms.data or ""
    form.hide_terms.data = sharing.merged_terms(saved.hide_terms, typed)
    form.version.data = str(saved.version)
    attach_error(form, error)
    return render_template("sharing/settings.html", form=form, saved=saved, typed=typed,
                           holding=sharing.shares_holding_terms(current_user)), 409
