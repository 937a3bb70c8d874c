"""A stale second device must not overwrite a writer's sharing settings (third audit, F2).

The writer opens the settings on a phone and on a computer; whatever one saves, a later save
from the other (drawn before it) is refused with both shown. Above all the "always hide" list:
a name the writer added on the phone must never vanish because the computer saved a region.
"""

import re

from journal.extensions import db
from journal.models import WriterProfile
from tests.conftest import login

SETTINGS = "/journal/sharing-settings"
NAMES = "Sister Jones\nWard 7B"


def open_settings(device) -> str:
    """Open the settings page and return the version its form carries."""
    page = device.get(SETTINGS).get_data(as_text=True)
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def two_devices(app, writer):
    phone, computer = app.test_client(), app.test_client()
    for device in (phone, computer):
        login(device, writer)
    return phone, computer


def saved(writer) -> WriterProfile:
    db.session.expire_all()
    return db.session.get(WriterProfile, writer.id)


def test_a_stale_computer_cannot_empty_the_hide_list_the_phone_saved(app, writer):
    phone, computer = two_devices(app, writer)
    phone_version, computer_version = open_settings(phone), open_settings(computer)
    first = phone.post(SETTINGS, data={"hide_terms": NAMES, "version": phone_version})
    assert first.status_code == 302
    stale = computer.post(SETTINGS, data={"hide_terms": "", "region": "england/london",
                                          "version": computer_version})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "changed on another device" in page
    assert saved(writer).hide_terms == NAMES and saved(writer).region == ""
    # Both are offered: the saved names are in the box the writer saves from next.
    box = re.search(r'<textarea[^>]*name="hide_terms"[^>]*>(.*?)</textarea>', page, re.S)
    assert "Sister Jones" in box.group(1) and "Ward 7B" in box.group(1)
    assert 'value="england/london" selected' in page  # what they chose is still chosen


def test_saving_again_from_the_conflict_page_keeps_both(app, writer):
    phone, computer = two_devices(app, writer)
    phone_version, computer_version = open_settings(phone), open_settings(computer)
    phone.post(SETTINGS, data={"hide_terms": NAMES, "version": phone_version})
    page = computer.post(SETTINGS, data={"hide_terms": "Rowan", "region": "england/london",
                                         "version": computer_version}).get_data(as_text=True)
    offered = re.search(r'<textarea[^>]*>\s*(.*?)</textarea>', page, re.S).group(1)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    again = computer.post(SETTINGS, data={"hide_terms": offered, "region": "england/london",
                                          "version": version})
    assert again.status_code == 302
    assert saved(writer).terms() == ["Sister Jones", "Ward 7B", "Rowan"]
    assert saved(writer).region == "england/london"


def test_two_first_saves_from_forms_drawn_before_any_lose_neither(app, writer):
    """No row yet on either device: the first save creates it, the second is shown both."""
    phone, computer = two_devices(app, writer)
    phone_version, computer_version = open_settings(phone), open_settings(computer)
    assert phone.post(SETTINGS, data={"hide_terms": "Sister Jones",
                                      "version": phone_version}).status_code == 302
    second = computer.post(SETTINGS, data={"hide_terms": "Ward 7B", "version": computer_version})
    assert second.status_code == 409
    assert "Sister Jones" in second.get_data(as_text=True)
    assert saved(writer).hide_terms == "Sister Jones"


def test_one_device_saves_again_and_again(client, writer):
    login(client, writer)
    for terms in ("Sister Jones", "Sister Jones\nWard 7B", "Ward 7B"):
        response = client.post(SETTINGS, data={"hide_terms": terms,
                                               "version": open_settings(client)})
        assert response.status_code == 302
        assert saved(writer).hide_terms == terms


def test_a_version_that_is_not_a_number_overwrites_nothing(client, writer):
    login(client, writer)
    client.post(SETTINGS, data={"hide_terms": NAMES, "version": open_settings(client)})
    response = client.post(SETTINGS, data={"hide_terms": "", "version": "soon"})
    assert response.status_code == 409 and saved(writer).hide_terms == NAMES
