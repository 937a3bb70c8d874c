"""Writing on several devices and checking in: nothing typed is lost, nothing overwritten."""

import re
from datetime import date, timedelta

import pytest

from journal.extensions import db
from journal.models import CheckIn, Draft, Entry
from journal.services.drafts import KEEP_MAX
from tests import factories
from tests.conftest import login


@pytest.fixture
def two_devices(app, writer):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, writer)
    login(laptop, writer)
    return phone, laptop


def version_in(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d*)"', page).group(1)


def test_two_device_edit_conflict_shows_both_and_loses_nothing(two_devices, writer):
    phone, laptop = two_devices
    entry = factories.make_entry(writer, title="Night", body="Original words.")
    phone_version = version_in(phone.get(f"/journal/{entry.id}/edit").get_data(as_text=True))
    laptop_version = version_in(laptop.get(f"/journal/{entry.id}/edit").get_data(as_text=True))
    fields = {"title": "Night", "entry_date": date.today().isoformat(),
              "author": factories.author_note(writer)}
    saved = laptop.post(f"/journal/{entry.id}/edit", data={
        **fields, "body": "Laptop words.", "version": laptop_version})
    assert saved.status_code == 302
    clash = phone.post(f"/journal/{entry.id}/edit", data={
        **fields, "body": "Phone words.", "version": phone_version})
    page = clash.get_data(as_text=True)
    assert clash.status_code == 409
    assert "changed on another device" in page
    assert "Laptop words." in page and "Phone words." in page  # both shown
    db.session.refresh(entry)
    assert entry.body == "Laptop words."  # the later save did not silently overwrite
    # Choosing "my version" after seeing both saves it.
    chosen = phone.post(f"/journal/{entry.id}/edit", data={
        **fields, "body": "Phone words. Laptop words.", "version": version_in(page)})
    assert chosen.status_code == 302
    db.session.refresh(entry)
    assert entry.body == "Phone words. Laptop words."


def test_walking_away_from_the_conflict_page_keeps_the_losing_text(two_devices, writer):
    phone, laptop = two_devices
    entry = factories.make_entry(writer, title="Night", body="Original words.")
    versions = [version_in(device.get(f"/journal/{entry.id}/edit").get_data(as_text=True))
                for device in (phone, laptop)]
    fields = {"title": "Night", "entry_date": date.today().isoformat(),
              "author": factories.author_note(writer)}
    laptop.post(f"/journal/{entry.id}/edit", data={**fields, "body": "Laptop words.",
                                                   "version": versions[1]})
    clash = phone.post(f"/journal/{entry.id}/edit", data={**fields, "body": "Phone words.",
                                                          "version": versions[0]})
    assert clash.status_code == 409
    # The laptop goes on writing (its autosave is the entry's draft), and the phone's writer
    # closes the tab without JavaScript to keep a copy...
    assert laptop.post(f"/journal/drafts/{entry.id}", json={
        **fields, "body": "Laptop words, and more.", "version": versions[1]}).status_code == 200
    # ...later the editor still offers the phone's words back, kept apart from the draft...
    editor = phone.get(f"/journal/{entry.id}/edit").get_data(as_text=True)
    assert "Writing we kept for you" in editor and "Phone words." in editor
    assert "newer version was saved on another device" in editor
    key = re.search(r'\?kept=([\w-]+)"', editor).group(1)
    restored = phone.get(f"/journal/{entry.id}/edit?kept={key}").get_data(as_text=True)
    assert "Phone words." in restored
    # ...still from the version it was written against, so saving it shows both again.
    again = phone.post(f"/journal/{entry.id}/edit", data={
        **fields, "body": "Phone words.", "version": version_in(restored)})
    assert again.status_code == 409 and "Laptop words." in again.get_data(as_text=True)
    assert db.session.get(Entry, entry.id).body == "Laptop words."


def test_deleting_the_entry_after_a_conflict_moves_the_losing_text_to_a_new_entry(two_devices,
                                                                                    writer):
    """The laptop wins, then deletes the entry: the phone's losing words were never in it, so
    they are offered on the new-entry page, not deleted with the entry."""
    phone, laptop = two_devices
    entry = factories.make_entry(writer, title="Night", body="Original words.")
    fields = {"title": "Night", "entry_date": date.today().isoformat(),
              "author": factories.author_note(writer)}
    laptop.post(f"/journal/{entry.id}/edit", data={**fields, "body": "Laptop words.",
                                                   "version": "1"})
    assert phone.post(f"/journal/{entry.id}/edit", data={
        **fields, "body": "Phone words nobody saw.", "version": "1"}).status_code == 409
    assert laptop.post(f"/journal/{entry.id}/delete", data={"confirm": "1"}).status_code == 302
    editor = phone.get("/journal/new").get_data(as_text=True)
    assert "Writing we kept for you" in editor and "Phone words nobody saw." in editor


def test_a_losing_save_goes_to_the_draft_when_the_kept_saves_are_full(two_devices, writer):
    phone, laptop = two_devices
    entry = factories.make_entry(writer, title="Night", body="Original words.")
    fields = {"title": "Night", "entry_date": date.today().isoformat(),
              "author": factories.author_note(writer)}
    laptop.post(f"/journal/{entry.id}/edit", data={**fields, "body": "Laptop words.",
                                                   "version": "1"})
    for n in range(KEEP_MAX + 1):  # stale saves from version 1: each loses
        assert phone.post(f"/journal/{entry.id}/edit", data={
            **fields, "body": f"Phone words {n}.", "version": "1"}).status_code == 409
    editor = phone.get(f"/journal/{entry.id}/edit").get_data(as_text=True)
    assert all(f"Phone words {n}." in editor for n in range(KEEP_MAX))
    assert "You have autosaved writing from" in editor  # the last one, as the entry's draft
    restored = phone.get(f"/journal/{entry.id}/edit?restore=1").get_data(as_text=True)
    assert f"Phone words {KEEP_MAX}." in restored


def test_saving_twice_from_one_device_is_not_a_conflict(client, writer):
    login(client, writer)
    entry = factories.make_entry(writer, body="v1")
    version = version_in(client.get(f"/journal/{entry.id}/edit").get_data(as_text=True))
    note = factories.author_note(writer)
    data = {"body": "v2", "entry_date": date.today().isoformat(), "version": version,
            "author": note}
    assert client.post(f"/journal/{entry.id}/edit", data=data).status_code == 302
    page = client.get(f"/journal/{entry.id}/edit").get_data(as_text=True)
    data = {"body": "v3", "entry_date": date.today().isoformat(), "version": version_in(page),
            "author": note}
    assert client.post(f"/journal/{entry.id}/edit", data=data).status_code == 302
    assert db.session.get(Entry, entry.id).body == "v3"


def test_one_tap_check_in_and_change_it_the_same_day(client, writer):
    login(client, writer)
    page = client.get("/journal/").get_data(as_text=True)
    assert 'name="support" value="3"' in page
    client.post("/journal/check-in", data={"support": "2", "note": "Long day"})
    client.post("/journal/check-in", data={"support": "4", "note": ""})
    (item,) = db.session.scalars(db.select(CheckIn)).all()
    assert (item.support, item.day) == (4, date.today())
    assert "you said 4 today" in client.get("/journal/").get_data(as_text=True)


def test_check_in_needs_a_value_from_1_to_5(client, writer):
    login(client, writer)
    for data in ({}, {"support": "9"}, {"support": "3", "note": "x" * 281}):
        response = client.post("/journal/check-in", data=data)
        assert response.status_code == 422  # the form again, with what was typed
    page = response.get_data(as_text=True)
    assert "280 characters or fewer" in page
    assert db.session.scalars(db.select(CheckIn)).all() == []


def test_check_ins_over_time_as_svg_with_a_text_alternative(client, writer, other_writer):
    login(client, writer)
    today = date.today()
    for days_ago, support in ((10, 2), (3, 4), (0, 5)):
        db.session.add(CheckIn(user_id=writer.id, day=today - timedelta(days=days_ago),
                               support=support, note=f"note {days_ago} <b>"))
    db.session.add(CheckIn(user_id=other_writer.id, day=today, support=1, note="not mine"))
    db.session.commit()
    page = client.get("/journal/check-ins").get_data(as_text=True)
    assert '<svg viewBox="0 0 320 160" role="img"' in page
    assert page.count('<circle ') == 3 and "<path d=\"M" in page
    assert "3 check-ins in the last 30 days, averaging 3.7 out of 5." in page
    assert "note 10 &lt;b&gt;" in page and "not mine" not in page
    assert "<script" not in page.split("<main")[1]


def test_autosave_keeps_the_latest_text_per_entry(client, writer, other_writer):
    login(client, writer)
    entry = factories.make_entry(writer, body="Saved")
    note = factories.author_note(writer)
    for body in ("first", "second"):
        saved = client.post("/journal/drafts/new", json={"body": body, "author": note})
        assert saved.status_code == 200
    client.post(f"/journal/drafts/{entry.id}", json={"body": "editing", "version": "1",
                                                     "author": note})
    drafts = {d.slot: d.fields for d in db.session.scalars(db.select(Draft))}
    assert '"second"' in drafts["new"] and '"editing"' in drafts[str(entry.id)]
    assert client.post("/journal/drafts/new", data="not json").status_code == 400
    assert client.post("/journal/drafts/abc", json={}).status_code == 404
    theirs = factories.make_entry(other_writer, body="Theirs")
    # Another writer's entry is answered as a deleted one is (words sent there are not saved):
    # the same answer for both, so it says nothing about whether the entry exists.
    refused = client.post(f"/journal/drafts/{theirs.id}", json={"body": "x"})
    assert refused.status_code == 410 and refused.get_json()["gone"] is True
    assert db.session.scalar(db.select(Draft).where(Draft.entry_id == theirs.id)) is None


def test_saving_the_entry_clears_its_draft_and_the_editor_offers_a_newer_one(client, writer):
    login(client, writer)
    note = factories.author_note(writer)
    client.post("/journal/drafts/new", json={"title": "Kept", "body": "Typed on my phone",
                                             "entry_date": date.today().isoformat(),
                                             "author": note})
    page = client.get("/journal/new").get_data(as_text=True)
    assert "You have autosaved writing" in page and 'href="?restore=1"' in page
    restored = client.get("/journal/new?restore=1").get_data(as_text=True)
    assert "Typed on my phone" in restored and 'value="Kept"' in restored
    client.post("/journal/new", data={"body": "Typed on my phone", "author": note,
                                      "entry_date": date.today().isoformat()})
    assert db.session.scalars(db.select(Draft)).all() == []


def test_service_worker_and_manifest_are_served(client):
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert "journal-pages" in worker.get_data(as_text=True)
    with client.get("/static/manifest.webmanifest") as manifest:
        assert manifest.status_code == 200 and b'"start_url": "/journal/new"' in manifest.data
    offline = client.get("/offline").get_data(as_text=True)
    assert "You are offline" in offline
