"""The input boundary: hostile ids, NUL bytes, surrogates, deep JSON and file parts get a 4xx.

Each of these reached a 500 (or the database) before ``journal/boundary.py``; see SECURITY.md.
"""

import io
import json

import pytest

from journal.extensions import db
from journal.models import Draft, Entry
from tests import factories
from tests.conftest import login

#: Digits that pass ``str.isdigit()`` but that ``int()`` refuses, and ASCII overflows.
NOT_IDS = ["²", "①", "٣", "1" * 300, str(2**31), str(2**63), "0", "-1", "1e3", " 1"]


@pytest.fixture
def signed_in(client, writer):
    login(client, writer)
    return writer


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.mark.parametrize("bad_id", NOT_IDS)
def test_an_id_that_is_not_an_id_is_not_found(client, signed_in, bad_id):
    entry = factories.make_entry(signed_in)
    for url in (f"/journal/{bad_id}", f"/journal/{bad_id}/edit", f"/journal/{bad_id}/share"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/journal/drafts/{bad_id}", json={}).status_code == 404
    assert client.get(f"/journal/{entry.id}").status_code == 200  # the converter still works


@pytest.mark.parametrize("bad_id", ["x" * 21 + "\u00e9", "a" * 300, "abc.def", "%00" * 22])
def test_a_share_or_collection_id_outside_the_alphabet_is_not_found(client, researcher, bad_id):
    login(client, researcher)
    assert client.get(f"/research/shares/{bad_id}").status_code in (400, 404)
    assert client.get(f"/research/collections/{bad_id}").status_code in (400, 404)
    assert client.get(f"/collections/{bad_id}").status_code in (400, 404)


def test_real_share_and_collection_ids_still_route(client, researcher, writer):
    share = factories.make_share(writer, factories.make_entry(writer), accepted=True)
    collection = factories.make_collection("What helps", [share])
    login(client, researcher)
    assert client.get(f"/research/shares/{share.id}").status_code == 200
    assert client.get(f"/research/collections/{collection.id}").status_code == 200


@pytest.mark.parametrize("page", ["²", "①", "1" * 300, "-5", "0", "9" * 19])
def test_a_page_number_that_is_not_one_shows_a_page(client, researcher, admin, page):
    login(client, researcher)
    for url in ("/research/shares", "/research/search?q=nurse"):
        assert client.get(f"{url}{'&' if '?' in url else '?'}page={page}").status_code == 200
    login(client, admin)
    assert client.get(f"/admin/audit?page={page}").status_code == 200


@pytest.mark.parametrize("url", ["/research/shares/abc%00def", "/research/collections/a%00",
                                 "/collections/abcdefghijk%00", "/journal/1%00"])
def test_nul_in_a_path_is_refused(client, researcher, url):
    login(client, researcher)
    response = client.get(url)
    assert response.status_code == 400
    assert "character we cannot store" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["q=a%00b", "theme=%00", "page=%00", "%00=1", "month=2026-1%00"])
def test_nul_in_a_query_is_refused(client, researcher, query):
    login(client, researcher)
    assert client.get(f"/research/search?{query}").status_code == 400


def test_nul_in_a_header_the_app_reads_is_refused(client, signed_in):
    response = client.post("/journal/new", headers={"Referer": "http://localhost/\x00"},
                           data={"body": "words", "entry_date": "2026-11-20"})
    assert response.status_code == 400 and count(Entry) == 0


def test_nul_in_a_form_with_no_form_to_show_is_refused_and_shown_back(client, researcher,
                                                                     writer):
    share = factories.make_share(writer, factories.make_entry(writer), accepted=True)
    collection = factories.make_collection("What helps", [share])
    login(client, researcher)
    item = collection.items[0]
    response = client.post(f"/research/collections/{collection.id}/items/{item.id}/commentary",
                           data={"commentary": "Read this\x00 first"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Read this first" in page and "character we cannot store" in page
    db.session.refresh(item)
    assert not item.commentary


def autosave(client, writer, slot="new", **fields):
    body = {"title": "t", "body": "b", "entry_date": "2026-11-20",
            "author": factories.author_note(writer), **fields}
    return client.post(f"/journal/drafts/{slot}", json=body)


@pytest.mark.parametrize("fields", [{"body": "a\x00b"}, {"body": "lone \ud800 half"},
                                    {"title": "\udfff"}, {"key\x00": "x"},
                                    {"extra": ["\x00"]}])
def test_unstorable_text_in_json_is_refused(client, signed_in, fields):
    response = autosave(client, signed_in, **fields)
    assert response.status_code == 400
    assert "character we cannot store" in response.get_json()["error"]
    assert count(Draft) == 0


def test_deeply_nested_json_is_refused_before_parsing(client, signed_in):
    deep = "[" * 5_000 + "]" * 5_000  # json.loads recurses past 1,000
    response = client.post("/journal/drafts/new", data=deep, content_type="application/json")
    assert response.status_code == 400 and "nested" in response.get_json()["error"]
    assert count(Draft) == 0


def test_json_with_brackets_inside_strings_is_not_deep(client, signed_in):
    assert autosave(client, signed_in, body="[[[[[[[[{{{{{{ \"quoted\" ]]]").status_code == 200


def test_over_large_json_is_refused(client, signed_in):
    response = autosave(client, signed_in, body="x" * 200_000)
    assert response.status_code == 400 and count(Draft) == 0


def test_a_number_too_long_for_python_is_refused(client, signed_in):
    raw = '{"support": ' + "9" * 5000 + "}"
    response = client.post("/journal/drafts/new", data=raw, content_type="application/json")
    assert response.status_code == 400 and count(Draft) == 0


def test_a_full_autosave_still_works(client, signed_in):
    response = autosave(client, signed_in, body="é" * 20_000)
    assert response.status_code == 200 and count(Draft) == 1


@pytest.mark.parametrize("raw", ["[[]]", "3", '{"username": [1, [2]]}', '{"username": 5}'])
def test_json_sent_to_a_form_is_refused(client, raw):
    # Flask-WTF reads a JSON body as the form's data; a list or a number there was a 500.
    response = client.post("/login", data=raw, content_type="application/json")
    assert response.status_code == 400 and "not JSON" in response.get_json()["error"]


def test_a_file_part_is_refused(client, signed_in):
    response = client.post("/journal/new", content_type="multipart/form-data", data={
        "title": (io.BytesIO(b"not text"), "title.txt"), "body": "Words",
        "entry_date": "2026-11-20", "author": factories.author_note(signed_in)})
    assert response.status_code == 400
    assert "file uploads" in response.get_data(as_text=True) and count(Entry) == 0


def test_a_file_part_in_a_form_with_text_fields_is_refused(client, researcher):
    login(client, researcher)
    response = client.post("/research/themes/", content_type="multipart/form-data", data={
        "name": (io.BytesIO(json.dumps({"a": 1}).encode()), "x.json")})
    assert response.status_code == 400
