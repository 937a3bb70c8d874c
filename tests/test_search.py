"""Full-text search: the index follows the database, and researchers can find what they need."""

from pathlib import Path

import pytest

from journal import search
from journal.context import Context
from journal.extensions import db
from journal.models import IndexOutbox
from journal.services import research, sharing
from tests import factories
from tests.conftest import login


@pytest.fixture
def corpus(app, researcher):
    """Accepted shares from five writers, with themes and context.

    Other writers have shared (still in review) entries with the same contexts, so each is
    held by enough sharers to be shown, and searched, as it is.
    """
    heard = factories.make_theme("Being heard")
    names = factories.make_theme("Known by name", parent=heard)
    factories.make_sharers([Context(role="nurse", region="wales"), Context(role="nurse"),
                            Context(role="midwife")])
    texts = [
        ("The ward manager knew my name and listened to me.", Context(role="nurse",
                                                                       region="wales")),
        ("Nobody listened during handover; nurses were rushed.", Context(role="nurse")),
        ("A midwife stayed with me through a long labour.", Context(role="midwife")),
        ("Compassion fatigue is real: burnout everywhere.", Context(role="nurse")),
        ("Psychological safety means asking questions freely.", Context(role="midwife")),
    ]
    shares = []
    for number, (text, context) in enumerate(texts):
        writer = factories.make_user("writer", username=f"corpus{number}")
        share = factories.make_share(writer, factories.make_entry(writer, body=text),
                                     context=context, accepted=True)
        shares.append(share)
    factories.make_tag(researcher, shares[0], names, excerpt="knew my name")
    factories.make_tag(researcher, shares[1], heard)
    return shares, heard, names


def ids(query="", **filters) -> set[str]:
    return set(search.search(query, search.Filters(**filters), per_page=100).ids)


def test_stemming_phrases_boolean_and_prefix(corpus):
    shares, *_ = corpus
    assert ids("listen") == {shares[0].id, shares[1].id}  # listened -> listen
    assert ids('"knew my name"') == {shares[0].id}
    assert ids("listened AND handover") == {shares[1].id}
    assert ids("midwife OR burnout") == {shares[2].id, shares[3].id}
    assert ids("listened NOT handover") == {shares[0].id}
    assert ids("psych*") == {shares[4].id}
    assert len(ids()) == 5


def test_theme_filter_includes_child_themes(corpus):
    shares, heard, names = corpus
    assert ids(themes=research.descendants(heard)) == {shares[0].id, shares[1].id}
    assert ids(themes=research.descendants(names)) == {shares[0].id}


def test_context_month_and_tagged_filters(corpus):
    shares, *_ = corpus
    assert ids(role="midwife") == {shares[2].id, shares[4].id}
    assert ids(region="wales") == {shares[0].id}
    assert ids(tagged="no") == {s.id for s in shares[2:]}
    assert len(ids(month=shares[0].month)) == 5 and ids(month="1999-01") == set()


def test_facet_counts_cover_the_whole_result_set(corpus):
    results = search.search("", search.Filters(), per_page=1)
    assert results.total == 5 and len(results.ids) == 1
    assert results.facets["role"] == {"nurse": 3, "midwife": 2}
    assert results.facets["tagged"] == {"yes": 2, "no": 3}


def test_snippets_mark_hits_and_escape_text(app, corpus, researcher):
    writer = factories.make_user("writer", username="escaper")
    factories.make_share(writer, factories.make_entry(
        writer, body="<script>alert(1)</script> we were listening"), accepted=True)
    client = app.test_client()
    login(client, researcher)
    page = client.get("/research/search?q=listening").get_data(as_text=True)
    assert '<mark class="hit">listening</mark>' in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(("query", "message"), [
    ("*", "Type at least one letter before a *"),
    ("x" * 10_000, "500 characters or fewer"),
])
def test_bad_queries_get_a_clear_message(client, researcher, corpus, query, message):
    login(client, researcher)
    response = client.get("/research/search", query_string={"q": query})
    assert response.status_code == 400 and message in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ['"unbalanced quote', "(open bracket", "close) bracket",
                                   "AND", "NOT", "((", '"'])
def test_odd_queries_never_fail(client, researcher, corpus, query):
    login(client, researcher)
    assert client.get("/research/search", query_string={"q": query}).status_code in (200, 400)


def test_unknown_theme_filter_is_explained(client, researcher, corpus):
    login(client, researcher)
    for theme in ("999999", "not-a-number"):
        response = client.get("/research/search", query_string={"theme": theme})
        assert response.status_code == 400
        assert "theme" in response.get_data(as_text=True).lower()


def test_untag_and_withdraw_update_the_index(app, corpus):
    shares, heard, names = corpus
    tag = research.tags_on(shares[1])[0]
    research.remove_tag(tag)
    assert ids(themes=[heard.id]) == set()
    assert search.check() == []


def test_withdrawn_words_leave_the_index_files(app, client):
    writer = factories.make_user("writer", username="unique-writer")
    entry = factories.make_entry(writer, body="Zyxwvutsrq is a word nobody else writes.")
    factories.make_share(writer, entry, accepted=True)
    other = factories.make_user("writer", username="other-writer")
    factories.make_share(other, factories.make_entry(other, body="Ordinary words stay."),
                         accepted=True)

    def index_bytes() -> bytes:
        from pathlib import Path

        return b"".join(p.read_bytes() for p in Path(app.config["INDEX_DIR"]).rglob("*")
                        if p.is_file())

    assert b"zyxwvutsrq" in index_bytes()
    login(client, writer)
    client.post(f"/journal/{entry.id}/share/withdraw")
    assert b"zyxwvutsrq" not in index_bytes()
    assert ids("ordinary") and search.check() == []


# Whoosh leaves the corrupt file open when it fails to read it; that warning is Whoosh's.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_missing_or_corrupt_index_is_rebuilt_not_a_500(app, client, researcher, corpus):
    import shutil
    from pathlib import Path

    login(client, researcher)
    shutil.rmtree(app.config["INDEX_DIR"])
    assert client.get("/research/search?q=listened").status_code == 200
    for file in Path(app.config["INDEX_DIR"]).glob("*.toc"):
        file.write_bytes(b"garbage")
    response = client.get("/research/search?q=listened")
    assert response.status_code == 200 and "2 matching shares" in response.get_data(
        as_text=True)


def test_reindex_and_check_commands(app, runner, corpus):
    shares, *_ = corpus
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    # Drift: change the database behind the index's back.
    shares[2].ctx_role = "nurse"
    db.session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and "context" in result.output
    reindexed = runner.invoke(args=["search", "reindex"])
    assert reindexed.exit_code == 0 and "Indexed 5" in reindexed.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_outbox_rows_left_behind_are_applied_by_the_next_search(app, corpus):
    shares, *_ = corpus
    sharing.return_share(shares[3], "Please remove the ward")  # applied at once
    search.enqueue({shares[4].id})
    db.session.commit()  # as if the process died before applying it
    assert db.session.scalar(db.select(db.func.count()).select_from(IndexOutbox)) == 1
    assert shares[3].id not in ids()
    assert db.session.scalar(db.select(db.func.count()).select_from(IndexOutbox)) == 0


def test_wording_changed_while_accepted_leaves_the_index_files(app, corpus):
    shares, *_ = corpus
    shares[3].text = "Rest breaks were protected this week."  # as a repair would
    search.enqueue({shares[3].id})
    db.session.commit()
    search.apply_pending()
    files = b"".join(p.read_bytes() for p in Path(app.config["INDEX_DIR"]).rglob("*")
                     if p.is_file())
    assert b"burnout" not in files and ids("protected") == {shares[3].id}
    assert search.check() == []
