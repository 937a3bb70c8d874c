"""The input boundary: what a request may carry before any view, query or audit row sees it.

One place for the checks every route needs, so no route can forget one:

- ids in URLs go through converters that match only what an id can be (a 404 otherwise);
- every text value (path, query, form, JSON strings and keys, headers) is refused with 400 if it
  holds a NUL byte or a lone surrogate, which no database column can store;
- a form posted to a page that shows its form again gets a cleaned copy of what was typed and
  is failed by the form base class (see ``journal.forms.common.BaseForm``), so it is re-shown with
  a message and status 400 and nothing is saved; any other request is refused outright;
- JSON bodies have a size and a nesting limit; the app takes no uploads, so a file part is refused;
- a body cut off before its Content-Length arrived is refused: half a form is not a form.
"""

import json
import re
from itertools import accumulate

from flask import Flask, g, jsonify, render_template, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import ClientDisconnected
from werkzeug.routing import BaseConverter, ValidationError

from journal import page_owner
from journal.models.collections import new_collection_id
from journal.models.journal import BODY_MAX, TITLE_MAX
from journal.models.sharing import new_share_id

#: Our integer primary keys are 32-bit on every database we run on.
MAX_ID = 2**31 - 1

#: Characters no text column can store: NUL (PostgreSQL refuses it) and lone surrogates (not
#: encodable as UTF-8). Nothing a person types contains them.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

UNSTORABLE_MESSAGE = ("Your text contained a character we cannot store (an invisible control "
                      "character or a broken symbol). We have removed it: check your text and "
                      "send it again.")
FILE_MESSAGE = "This service does not take file uploads: nothing was saved."
JSON_TOO_BIG = "That was too much to send at once: nothing was saved."
JSON_TOO_DEEP = "That data was nested too deeply to read: nothing was saved."
JSON_UNREADABLE = "That data could not be read as JSON: nothing was saved."
NOT_JSON = "This page takes a form, not JSON: nothing was saved."
CUT_OFF = ("The connection dropped before everything arrived, so nothing was saved. "
           "Check your connection and send it again.")

#: The only endpoints that read a JSON body (the autosave script). Flask-WTF would read JSON
#: sent anywhere else as form data, and a list or a number there is a TypeError, not a form.
JSON_ENDPOINTS = frozenset({"journal.autosave"})

#: An autosave carries one entry's fields; JSON escapes can take 6 bytes a character.
MAX_JSON_BYTES = (BODY_MAX + TITLE_MAX) * 6 + 16 * 1024
#: The deepest JSON we accept: our scripts send flat objects.
MAX_JSON_DEPTH = 4

#: Endpoints whose view validates a form (a ``BaseForm``) before saving anything and shows that
#: form again when it fails. A form post with bad text to any other endpoint is refused here.
RESHOWN_BY_VIEW = frozenset({
    "auth.login", "auth.signup", "auth.change_password",
    "journal.new", "journal.edit", "journal.check_in", "journal.search", "journal.delete",
    "sharing.preview", "sharing.settings",
    "research.return_share", "research.tag", "research.share_memo",
    "codebook.index", "codebook.edit", "codebook.delete",
    "collections.index", "collections.edit",
    "reading.read", "admin.new_user", "admin.invites",
})


def parse_id(value: object, maximum: int = MAX_ID) -> int | None:
    """``value`` as an id (ASCII digits, 1 to ``maximum``), or None for anything else."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdecimal()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if 1 <= number <= maximum else None


def parse_number(value: object, default: int, low: int, high: int) -> int:
    """A whole number such as a page number, held to ``low``..``high`` (a huge one is ``high``);
    ``default`` when it is not one (ASCII digits only: ``int()`` refuses "²")."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdecimal()):
        return default
    if len(text.lstrip("0")) > len(str(high)):  # no int() of hundreds of digits
        return high
    return min(max(int(text), low), high)


def parse_version(form) -> int | None:
    """The version a form was drawn from, read from the request itself (a form object would fill
    a missing field from the row, which is now); None when none was sent, -1 (matching no
    version, so the save is refused as stale) when it is not a number."""
    if "version" not in form:
        return None
    return parse_number(form.get("version"), -1, 0, MAX_ID)


#: Far beyond any real list; keeps a typed page number from asking for absurd work.
MAX_PAGE = 100_000


def page_number(high: int = MAX_PAGE) -> int:
    """The ``?page=`` of this request, 1 to ``high`` (1 when it is not a page number)."""
    return parse_number(request.args.get("page"), 1, 1, high)


class IdConverter(BaseConverter):
    """``<id:name>``: an integer primary key (1 to 2**31 - 1, ASCII digits)."""

    regex = r"[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValidationError
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class SlotConverter(BaseConverter):
    """``<slot:name>``: an editor's autosave slot, "new" or an entry id (kept as text)."""

    regex = r"new|[0-9]{1,10}"

    def to_python(self, value: str) -> str:
        if value != "new" and parse_id(value) is None:
            raise ValidationError
        return value


def _token_converter(generate, doc: str) -> type[BaseConverter]:
    """A converter matching exactly the ids ``generate`` makes (URL-safe base64, one length)."""
    length = len(generate())
    return type(f"{generate.__name__}Converter", (BaseConverter,),
                {"regex": f"[A-Za-z0-9_-]{{{length}}}", "__doc__": doc})


ShareIdConverter = _token_converter(new_share_id, "``<share_id:name>``: a share's random id.")
CollectionIdConverter = _token_converter(new_collection_id,
                                         "``<collection_id:name>``: a collection's random id.")


def init_app(app: Flask) -> None:
    """Register the converters and the checks; call before anything else reads the request."""
    app.url_map.converters.update(id=IdConverter, slot=SlotConverter,
                                  share_id=ShareIdConverter,
                                  collection_id=CollectionIdConverter)
    app.before_request(check_request)
    app.after_request(_refused_form_is_400)


def unstorable(text: str) -> bool:
    """Whether ``text`` holds a character no database column can store."""
    return _UNSTORABLE.search(text) is not None


def refused() -> bool:
    """Whether this request's form was cleaned by the boundary (and must save nothing)."""
    return bool(g.get("input_refused"))


def check_request():
    """Refuse (or clean, for a form to show again) what the app cannot store or read."""
    _drop_bad_redirect_targets()
    if _bad_pairs([("", request.path)]) or _bad_pairs(request.args.items(multi=True)) \
            or _bad_pairs(request.headers.items()):
        return _refuse(UNSTORABLE_MESSAGE)
    if request.endpoint is None:
        return None  # no route: the 404 or 405 follows, and nothing reads the body
    if _cut_off():
        return _refuse(CUT_OFF)
    if request.is_json:
        return _check_json() if request.endpoint in JSON_ENDPOINTS else _refuse(NOT_JSON)
    if request.files:
        return _refuse(FILE_MESSAGE)
    if _bad_pairs(request.form.items(multi=True)):
        return _clean_form()
    return None


#: Query parameters that only say where to go next: checked by ``local_path``, never stored.
#: One that cannot be stored is dropped, not refused, so a crafted sign-in link cannot turn a
#: correct sign-in into an error (it goes to the home page instead).
REDIRECT_TARGETS = frozenset({"next"})


def _drop_bad_redirect_targets() -> None:
    if any(k in REDIRECT_TARGETS and unstorable(v) for k, v in request.args.items(multi=True)):
        request.args = ImmutableMultiDict(
            [(k, v) for k, v in request.args.items(multi=True)
             if not (k in REDIRECT_TARGETS and unstorable(v))])


def _cut_off() -> bool:
    """Whether fewer bytes arrived than the request's Content-Length promised.

    A server that says it ends the input itself (gunicorn sets ``wsgi.input_terminated``) hands
    over whatever arrived before the client closed its side, and the form parser would take the
    first half of a form for all of it. So the body is read here, once (MAX_CONTENT_LENGTH caps
    it, with a 413 beyond), and kept: the form parser and ``get_json`` read the kept copy.
    """
    expected = request.content_length
    if not expected:
        return False
    try:
        arrived = request.get_data(cache=True, parse_form_data=False)
    except ClientDisconnected:  # Werkzeug's own check, when the server does not end the input
        return True
    return len(arrived) < expected


def _bad_pairs(pairs) -> bool:
    return any(unstorable(key) or unstorable(value) for key, value in pairs)


def _clean_form():
    """Substitute the form with the bad characters removed, for the view to show again."""
    cleaned = [(_UNSTORABLE.sub("", key), _UNSTORABLE.sub("", value))
               for key, value in request.form.items(multi=True)]
    request.form = ImmutableMultiDict(cleaned)
    g.input_refused = UNSTORABLE_MESSAGE
    if request.endpoint in RESHOWN_BY_VIEW:
        return None
    return _kept_page()


def _kept_page():
    """What was typed (cleaned, passwords left out), with the message: nothing was done."""
    kept = [(name, value) for name, value in request.form.items(multi=True)
            if name not in NOT_SHOWN and value]
    return render_template("errors/refused_input.html", kept=kept,
                           message=g.input_refused), 400


#: Form fields never sent back to the browser: passwords, the old form token, the page-owner
#: note (a fresh one is made).
SECRET_FIELDS = frozenset({"csrf_token", "password", "confirm", "current_password",
                           "new_password", page_owner.FIELD})
#: ...and those sent back unchanged (hidden) at most, never shown: the editor's signed author
#: note and the new-entry form's key.
NOT_SHOWN = SECRET_FIELDS | {"author", "submission_key"}


def _check_json():
    raw = request.get_data(cache=True)
    if len(raw) > MAX_JSON_BYTES:
        return _refuse(JSON_TOO_BIG)
    try:
        text = raw.decode("utf-8")
        if json_depth(text) > MAX_JSON_DEPTH:
            return _refuse(JSON_TOO_DEEP)
        data = json.loads(text)
    except ValueError:  # bad UTF-8, bad JSON, or a number too long for int()
        return _refuse(JSON_UNREADABLE)
    if _bad_json(data):
        return _refuse(UNSTORABLE_MESSAGE)
    return None


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deeply ``text`` nests arrays and objects, counted without parsing it."""
    steps = (_STEP[b] for b in _BRACKETS.findall(_JSON_STRING.sub("", text)))
    return max(accumulate(steps, initial=0))


def _bad_json(value) -> bool:
    # Depth is bounded by MAX_JSON_DEPTH before this runs, so the recursion is too.
    if isinstance(value, str):
        return unstorable(value)
    if isinstance(value, dict):
        return any(unstorable(k) or _bad_json(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_bad_json(v) for v in value)
    return False


def _refuse(message: str):
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify(error=message), 400
    return render_template("errors/refused_input.html", kept=[], message=message), 400


def _refused_form_is_400(response):
    """A form shown again because the boundary cleaned it answers 400, not 200 or 422."""
    if refused() and response.status_code in (200, 422):
        response.status_code = 400
    return response
