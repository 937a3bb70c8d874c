"""The research team reviews shares: queue, accept, return with a reason, safeguarding mark."""

import pytest

from journal.context import Context
from journal.extensions import db
from journal.models import Share, ShareStatus
from tests import factories
from tests.conftest import login


@pytest.fixture
def pending(app, writer):
    entry = factories.make_entry(writer, body="Handover was rushed and I felt invisible.")
    return factories.make_share(writer, entry)


@pytest.fixture
def signed_in(client, researcher):
    login(client, researcher)
    return researcher


def test_queue_lists_pending_shares_only(client, signed_in, writer, pending):
    accepted = factories.make_share(writer, factories.make_entry(writer, body="Accepted words"),
                                    accepted=True)
    page = client.get("/research/queue").get_data(as_text=True)
    assert "Handover was rushed" in page and "Accepted words" not in page
    listing = client.get("/research/shares").get_data(as_text=True)
    assert "Accepted words" in listing and "Handover was rushed" not in listing
    assert accepted.status is ShareStatus.ACCEPTED


def test_accept(client, signed_in, pending):
    response = client.post(f"/research/shares/{pending.id}/accept")
    assert response.status_code == 302
    assert db.session.get(Share, pending.id).status is ShareStatus.ACCEPTED
    again = client.post(f"/research/shares/{pending.id}/accept", follow_redirects=True)
    assert "accepted already" in again.get_data(as_text=True)


def test_return_needs_a_reason_and_keeps_what_was_typed(client, signed_in, pending):
    empty = client.post(f"/research/shares/{pending.id}/return", data={"reason": "  "})
    assert empty.status_code == 422
    assert "Say why you are returning it" in empty.get_data(as_text=True)
    long = client.post(f"/research/shares/{pending.id}/return", data={"reason": "r" * 501})
    assert long.status_code == 422 and "r" * 501 in long.get_data(as_text=True)
    assert db.session.get(Share, pending.id).status is ShareStatus.PENDING
    client.post(f"/research/shares/{pending.id}/return", data={"reason": "Names a colleague"})
    share = db.session.get(Share, pending.id)
    assert share.status is ShareStatus.RETURNED and share.return_reason == "Names a colleague"


def test_safeguarding_mark_can_be_set_and_cleared(client, signed_in, pending):
    client.post(f"/research/shares/{pending.id}/safeguarding", data={"needs_review": "1"})
    assert db.session.get(Share, pending.id).needs_safeguarding_review
    assert "Needs safeguarding review" in client.get("/research/queue").get_data(as_text=True)
    client.post(f"/research/shares/{pending.id}/safeguarding", data={"needs_review": "0"})
    assert not db.session.get(Share, pending.id).needs_safeguarding_review


def test_unknown_share_is_404(client, signed_in):
    assert client.get("/research/shares/nope").status_code == 404
    assert client.post("/research/shares/nope/accept").status_code == 404


def test_rare_context_is_generalised_until_five_sharers_hold_it(client, signed_in, app):
    rare = Context(role="midwife", field="midwifery", region="england/london",
                   registered="under-1", international="yes")
    writer = factories.make_user("writer", username="rare-writer", days_old=30)
    factories.make_share(writer, factories.make_entry(writer, body="Rare context words"),
                         context=rare, accepted=True)
    page = client.get("/research/shares").get_data(as_text=True)
    assert "London" not in page and "Midwifery" not in page and "Under 1 year" not in page
    assert "not shown" in page
    # Four more established writers with the same context, accepted: five distinct sharers.
    for number in range(4):
        other = factories.make_user("writer", username=f"same-{number}", days_old=30)
        factories.make_share(other, factories.make_entry(other, body=f"Same context {number}"),
                             context=rare, accepted=True)
    page = client.get("/research/shares").get_data(as_text=True)
    assert "London, England" in page and "Midwifery" in page and "Under 1 year" in page


def test_one_writer_sharing_five_times_does_not_count_as_five(client, signed_in):
    context = Context(role="nurse", region="wales", registered="1-2")
    writer = factories.make_user("writer", username="prolific", days_old=30)
    for number in range(5):
        factories.make_share(writer, factories.make_entry(writer, body=f"Entry {number}"),
                             context=context, accepted=True)
    page = client.get("/research/shares").get_data(as_text=True)
    assert "1 to 2 years" not in page and "Wales" not in page


def test_region_generalises_to_nation_before_uk(client, signed_in):
    for number in range(5):
        writer = factories.make_user("writer", username=f"north-{number}", days_old=30)
        region = "england/north-east" if number == 0 else "england/london"
        factories.make_share(writer, factories.make_entry(writer, body=f"Words {number}"),
                             context=Context(role="nurse", region=region), accepted=True)
    page = client.get("/research/shares").get_data(as_text=True)
    assert "North East" not in page and "London, England" not in page
    assert "<dd class=\"nhsuk-summary-list__value\">England</dd>" in page
