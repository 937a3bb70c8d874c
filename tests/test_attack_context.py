"""Attacks on small-number suppression: nobody can manufacture the threshold by signing up.

Second audit, finding 1: four fresh sign-ups sharing filler with a guessed context made the
tally reach 5, so every caption of a writer's share showed her full context (a guessing test:
it changes only when the guess is right). Only shares the research team accepted, from accounts
some days old, count; and everything shown outside the research team is that suppressed
context made coarser (role, nation and year at most), so sign-ups cannot move it either.
"""

import re

import pytest

from journal.context import Context
from journal.extensions import db
from journal.models import Audience, ContextSharer, Scope, Share, ShareStatus, TallyVersion
from tests import factories
from tests.conftest import login

RARE = Context(role="midwife", field="midwifery", region="england/north-east",
               registered="under-1", international="yes")
#: Labels of RARE that a generalised caption must not show (the role is hidden too).
EXACT = ("North East", "Midwifery", "Under 1 year", "Internationally educated")


@pytest.fixture
def asha_share(app, researcher):
    """An established writer's accepted share with a rare context, in a public collection."""
    asha = factories.make_user("writer", username="asha", days_old=60)
    entry = factories.make_entry(asha, body="My preceptor noticed I had not eaten all shift.")
    share = factories.make_share(asha, entry, context=RARE, scope=Scope.PUBLIC, accepted=True)
    public = factories.make_collection("Being noticed", [share], Audience.PUBLIC, publish=True)
    leaders = factories.make_collection("For leaders", [share], Audience.LEADERS, publish=True)
    return share, public, leaders


def fake_sign_ups(app, count: int = 4) -> list[str]:
    """Fresh accounts made through sign-up, each sharing filler with the guessed context."""
    for n in range(count):
        client = app.test_client()
        response = client.post("/signup", data={"username": f"fake{n}",
                                                "password": "fake password here",
                                                "confirm": "fake password here"})
        assert response.status_code == 302, response.get_data(as_text=True)
        editor = client.get("/journal/new").get_data(as_text=True)
        author = re.search(r'name="author" value="([^"]+)"', editor).group(1)
        client.post("/journal/new", data={"title": "", "body": f"Filler number {n}.",
                                          "entry_date": "2026-11-20", "author": author})
        entry_id = re.search(r"/journal/(\d+)", client.get("/journal/").get_data(
            as_text=True)).group(1)
        response = client.post(f"/journal/{entry_id}/share", data={
            "wording": f"Filler number {n}.", "scope": "research", "replaces": "",
            "previewed": "live", "confirm": "1",
            **{name: getattr(RARE, name) for name in ("role", "field", "region", "registered",
                                                      "international")}})
        assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    ids = [s.id for s in db.session.scalars(db.select(Share).where(
        Share.status == ShareStatus.PENDING, Share.text.startswith("Filler")))]
    assert len(ids) == count
    return ids


def established_sharers(count: int) -> None:
    """Writers of some weeks' standing whose shares of RARE the research team accepted."""
    for _ in range(count):
        writer = factories.make_user("writer", days_old=30)
        factories.make_share(writer, factories.make_entry(writer, body="An ordinary shift."),
                             context=RARE, accepted=True)


def every_view(app, share, public, leaders, researcher, leader, writer) -> dict[str, str]:
    """Every page, search, export and collection that shows the share, as each role sees it."""
    research, reader, other = app.test_client(), app.test_client(), app.test_client()
    login(research, researcher)
    login(reader, leader)
    login(other, writer)
    anonymous = app.test_client()
    return {
        "share page": research.get(f"/research/shares/{share.id}").get_data(as_text=True),
        "accepted list": research.get("/research/shares").get_data(as_text=True),
        "search": research.get("/research/search?q=preceptor").get_data(as_text=True),
        "csv": research.get("/research/export/shares.csv").get_data(as_text=True),
        "manage": research.get(f"/research/collections/{public.id}").get_data(as_text=True),
        "preview": research.get(f"/research/collections/{public.id}/preview"
                                ).get_data(as_text=True),
        "public": anonymous.get(f"/collections/{public.id}").get_data(as_text=True),
        "signed-in reader": other.get(f"/collections/{public.id}").get_data(as_text=True),
        "leaders": reader.get(f"/collections/{leaders.id}").get_data(as_text=True),
    }


def caption(page: str) -> str:
    """The caption under a quoted share in a collection."""
    return re.search(r"<figcaption>(.*?)</figcaption>", page, re.S).group(1)


def shown(page: str) -> str:
    """A page without the filters' choices and the per-request form tokens."""
    page = re.sub(r"<select.*?</select>", "", page, flags=re.S)
    return re.sub(r'name="csrf_token"[^>]*>', "", page)


def assert_nothing_exact(views: dict[str, str]) -> None:
    for name, page in views.items():
        body = shown(page)
        for label in EXACT:
            assert label not in body, (name, label)


def test_fake_sign_ups_sharing_a_guessed_context_change_no_caption(app, asha_share, researcher,
                                                                   leader, writer):
    share, public, leaders = asha_share
    before = every_view(app, share, public, leaders, researcher, leader, writer)
    assert_nothing_exact(before)
    fake_sign_ups(app)
    after = every_view(app, share, public, leaders, researcher, leader, writer)
    assert_nothing_exact(after)
    for name in ("share page", "csv", "public", "signed-in reader", "leaders"):
        assert shown(after[name]) == shown(before[name]), name


def test_fake_shares_the_research_team_accepted_still_do_not_count(app, asha_share, researcher,
                                                                  leader, writer):
    share, public, leaders = asha_share
    research = app.test_client()
    login(research, researcher)
    fakes = fake_sign_ups(app)
    factories.release_held()  # the next day's batch reaches the queue
    for fake in fakes:
        assert research.post(f"/research/shares/{fake}/accept").status_code == 302
    views = every_view(app, share, public, leaders, researcher, leader, writer)
    assert_nothing_exact(views)
    facets = shown(research.get("/research/search").get_data(as_text=True))
    assert "North East" not in facets and "Midwifery" not in facets


def test_a_pending_share_in_the_queue_stays_generalised_when_fakes_share(app, researcher):
    asha = factories.make_user("writer", username="asha", days_old=60)
    factories.make_share(asha, factories.make_entry(asha, body="A hard first week."),
                         context=RARE)
    research = app.test_client()
    login(research, researcher)
    fake_sign_ups(app)
    queue = research.get("/research/queue").get_data(as_text=True)
    assert "A hard first week." in queue
    for label in EXACT:
        assert label not in queue, label


def test_readers_outside_the_research_team_see_only_role_nation_and_year(app, asha_share,
                                                                        researcher, leader,
                                                                        writer):
    share, public, leaders = asha_share
    established_sharers(5)  # even when five established writers' accepted shares hold it
    views = every_view(app, share, public, leaders, researcher, leader, writer)
    assert "North East" in views["share page"]  # the research team may now see it
    year = share.month[:4]
    for name in ("public", "signed-in reader", "leaders", "preview"):
        assert " ".join(caption(views[name]).split()) == f"Midwife · England · {year}", name


def test_established_accepted_sharers_still_lift_suppression_for_researchers(app, asha_share,
                                                                            researcher):
    share, *_ = asha_share
    research = app.test_client()
    login(research, researcher)
    established_sharers(3)
    assert "North East" not in research.get(f"/research/shares/{share.id}").get_data(
        as_text=True)  # asha and three others: four, still too few
    established_sharers(1)
    page = research.get(f"/research/shares/{share.id}").get_data(as_text=True)
    assert "North East" in page and "Midwifery" in page


def test_retally_rebuilds_a_tally_dropped_by_the_upgrade(app, runner, asha_share, researcher):
    share, *_ = asha_share
    established_sharers(4)
    research = app.test_client()
    login(research, researcher)
    assert "North East" in research.get(f"/research/shares/{share.id}").get_data(as_text=True)
    db.session.execute(db.delete(ContextSharer))  # as the migration leaves it
    db.session.execute(db.delete(TallyVersion))
    db.session.commit()
    assert "North East" not in research.get(f"/research/shares/{share.id}").get_data(
        as_text=True)  # nothing counts: everything fully generalised, the safe direction
    result = runner.invoke(args=["retally"])
    assert result.exit_code == 0 and "Tallied the shares of 5 writers" in result.output
    assert "North East" in research.get(f"/research/shares/{share.id}").get_data(as_text=True)
