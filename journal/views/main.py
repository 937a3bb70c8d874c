"""The home page: a welcome for visitors, the right starting place for each role."""

from pathlib import Path

from flask import Blueprint, Response, current_app, redirect, render_template, url_for
from flask_login import current_user

from journal.forms import EntryForm

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Send each role to where its work is; explain the service to visitors."""
    if not current_user.is_authenticated:
        return render_template("main/index.html")
    if current_user.role.can_keep_journal():
        return redirect(url_for("journal.index"))
    if current_user.role.can_administer():
        return redirect(url_for("admin.users"))
    if current_user.role.can_review_shares():
        return redirect(url_for("research.queue"))
    return redirect(url_for("reading.index"))


@bp.get("/sw.js")
def service_worker():
    """The service worker, served from the root so it can look after every page."""
    script = Path(current_app.static_folder, "js", "sw.js").read_text(encoding="utf-8")
    return Response(script, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.get("/offline")
def offline():
    """What the service worker shows for a page that needs the server while offline."""
    # No account details: the service worker keeps this page for whoever is offline later.
    return render_template("main/offline.html", bare=True)


@bp.get("/writing-shell")
def writing_shell():
    """The blank editor the service worker keeps for writing offline.

    It is the same for everyone and never holds a username, an entry, a draft or a token, so
    caching it on a shared device keeps nobody's writing; the page fetches its tokens when online.
    """
    form = EntryForm(formdata=None, meta={"csrf": False})  # a token would tie it to a session
    return render_template("main/writing_shell.html", form=form, slot="new", shell=True,
                           bare=True)
