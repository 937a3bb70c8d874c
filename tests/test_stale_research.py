"""A stale second tab or device must not overwrite what researchers and leaders wrote (third
audit, F2): collection details, an item's commentary, a theme, a leader's response.

Each test opens the form twice (two devices, or two researchers), saves from one, then saves
from the other, older page: that save is refused with 409, the page shows what is saved now and
what was typed, and the saved text is left as it is.
"""

import re

import pytest

from journal.extensions import db
from journal.models import Collection as CollectionRow
from journal.models import CollectionItem, Response, Scope, Theme
from tests import factories
from tests.conftest import login


def version_for(page: str, action: str) -> str:
    """The version carried by the form on ``page`` that posts to ``action``."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}[#"][^>]*>(.*?)</form>', page, re.S)
    return re.search(r'name="version"[^>]*value="(\d+)"', form.group(1)).group(1)


def devices(app, user, count: int = 2):
    clients = [app.test_client() for _ in range(count)]
    for device in clients:
        login(device, user)
    return clients


def fresh(model, key):
    db.session.expire_all()
    return db.session.get(model, key)


@pytest.fixture
def collection(writer):
    entry = factories.make_entry(writer, body="Sister Lane stayed late to show me the pumps.")
    share = factories.make_share(writer, entry, scope=Scope.LEADERS, accepted=True)
    return factories.make_collection("Staying late", [share], publish=True)


def test_stale_collection_details_overwrite_nothing(app, researcher, collection):
    url = f"/research/collections/{collection.id}"
    action = f"{url}/edit"
    one, two = devices(app, researcher)
    seen = [version_for(d.get(url).get_data(as_text=True), action) for d in (one, two)]
    assert one.post(action, data={"title": "Staying late", "summary": "Kept by one",
                                  "audience": "leaders", "version": seen[0]}).status_code == 302
    stale = two.post(action, data={"title": "Late shifts", "summary": "Typed on two",
                                   "audience": "leaders", "version": seen[1]})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Kept by one" in page and "Typed on two" in page and "Late shifts" in page
    saved = fresh(CollectionRow, collection.id)
    assert (saved.title, saved.summary) == ("Staying late", "Kept by one")


def test_stale_commentary_overwrites_nothing(app, researcher, collection):
    url = f"/research/collections/{collection.id}"
    item = collection.items[0]
    action = f"{url}/items/{item.id}/commentary"
    one, two = devices(app, researcher)
    seen = [version_for(d.get(url).get_data(as_text=True), action) for d in (one, two)]
    assert one.post(action, data={"commentary": "Read this first.",
                                  "version": seen[0]}).status_code == 302
    stale = two.post(action, data={"commentary": "Pumps at night.", "version": seen[1]})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Read this first." in page and "Pumps at night." in page
    assert fresh(CollectionItem, item.id).commentary == "Read this first."


def test_stale_theme_edit_overwrites_nothing(app, researcher):
    theme = factories.make_theme("Staffing", description="Gaps on the rota")
    action = f"/research/themes/{theme.id}/edit"
    one, two = devices(app, researcher)
    seen = [re.search(r'name="version"[^>]*value="(\d+)"',
                      d.get(action).get_data(as_text=True)).group(1) for d in (one, two)]
    assert one.post(action, data={"name": "Staffing", "description": "Gaps and agency cover",
                                  "version": seen[0]}).status_code == 302
    stale = two.post(action, data={"name": "Rota", "description": "Typed on two",
                                   "version": seen[1]})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Gaps and agency cover" in page and "Typed on two" in page
    saved = fresh(Theme, theme.id)
    assert (saved.name, saved.description) == ("Staffing", "Gaps and agency cover")


def test_a_leaders_stale_response_overwrites_nothing(app, leader, collection):
    url = f"/collections/{collection.id}"
    phone, computer = devices(app, leader)
    seen = [version_for(d.get(url).get_data(as_text=True), url) for d in (phone, computer)]
    assert phone.post(url, data={"text": "We will protect breaks.",
                                 "version": seen[0]}).status_code == 302
    stale = computer.post(url, data={"text": "I heard you.", "version": seen[1]})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "We will protect breaks." in page and "I heard you." in page
    saved = db.session.scalar(db.select(Response).where(Response.leader_id == leader.id))
    assert saved.text == "We will protect breaks."


EDITS = ("One", "Two", "Three")


def test_one_device_edits_everything_again_and_again(app, researcher, leader, collection):
    """Ordinary use: each save is made from the page the last one led to."""
    theme = factories.make_theme("Staffing")
    url, item = f"/research/collections/{collection.id}", collection.items[0]
    (desk,), (reader,) = devices(app, researcher, 1), devices(app, leader, 1)
    forms = [(desk, url, f"{url}/edit", {"title": "T", "audience": "leaders"}, "summary"),
             (desk, url, f"{url}/items/{item.id}/commentary", {}, "commentary"),
             (desk, f"/research/themes/{theme.id}/edit", f"/research/themes/{theme.id}/edit",
              {"name": "Staffing"}, "description"),
             (reader, f"/collections/{collection.id}", f"/collections/{collection.id}", {},
              "text")]
    for device, page_url, action, fields, field in forms:
        for text in EDITS:
            page = device.get(page_url).get_data(as_text=True)
            version = (version_for(page, action) if page_url != action else
                       re.search(r'name="version"[^>]*value="(\d+)"', page).group(1))
            response = device.post(action, data={**fields, field: text, "version": version})
            assert response.status_code == 302, (action, response.status_code)
    assert fresh(CollectionRow, collection.id).summary == EDITS[-1]
    assert fresh(CollectionItem, item.id).commentary == EDITS[-1]
    assert fresh(Theme, theme.id).description == EDITS[-1]
    assert db.session.scalar(db.select(Response.text)) == EDITS[-1]


def test_two_first_responses_from_pages_drawn_before_either_lose_neither(app, leader,
                                                                          collection):
    url = f"/collections/{collection.id}"
    phone, computer = devices(app, leader)
    seen = [version_for(d.get(url).get_data(as_text=True), url) for d in (phone, computer)]
    assert phone.post(url, data={"text": "First.", "version": seen[0]}).status_code == 302
    second = computer.post(url, data={"text": "Second.", "version": seen[1]})
    assert second.status_code == 409
    assert "First." in second.get_data(as_text=True) and "Second." in second.get_data(as_text=True)
    assert db.session.scalar(db.select(Response.text)) == "First."


def test_a_page_opened_before_a_withdrawal_cannot_save_the_quote_back(app, writer, researcher):
    """Taking a quote out of the commentary changes its version: the researcher's older page,
    which still holds the quote, is refused instead of putting it back (promise 3)."""
    words = "Sister Lane stayed late to show me the pumps."
    entry = factories.make_entry(writer, body=words)
    share = factories.make_share(writer, entry, scope=Scope.LEADERS, accepted=True)
    collection = factories.make_collection("Staying late", [share])
    url, item = f"/research/collections/{collection.id}", collection.items[0]
    action = f"{url}/items/{item.id}/commentary"
    (desk,), (phone,) = devices(app, researcher, 1), devices(app, writer, 1)
    seen = version_for(desk.get(url).get_data(as_text=True), action)
    desk.post(action, data={"commentary": f"“{words}”", "version": seen})
    seen = version_for(desk.get(url).get_data(as_text=True), action)
    assert phone.post(f"/journal/{entry.id}/share/withdraw").status_code == 302
    again = desk.post(action, data={"commentary": f"“{words}” Read first.", "version": seen})
    assert again.status_code == 409
    assert "stayed late" not in fresh(CollectionItem, item.id).commentary
