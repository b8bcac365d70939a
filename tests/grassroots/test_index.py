"""The campaign index page: its list (live, listed petitions under it), filters, order by
the counter, pagination, and "Start a campaign"."""

import pytest

from heretostay_wagtail.core.models import CampaignCounter
from heretostay_wagtail.grassroots import listing
from tests.conftest import make_petition
from tests.grassroots.start_helpers import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaigns(index):
    a = make_petition(index, title="Sanctuary Springfield", slug="a", place_name="Springfield")
    b = make_petition(index, title="Sanctuary Shelbyville", slug="b", place_name="Shelbyville")
    c = make_petition(
        index, title="National ask", slug="c", scope="national", place_name="", ask="Stop raids."
    )
    CampaignCounter.add(b.translation_key, count=50)
    CampaignCounter.add(c.translation_key, count=5, paper_tally=10)
    return a, b, c


def titles(response):
    return [p.title for p in response.context["campaigns"]]


def test_lists_live_listed_petitions_newest_first(client, index, campaigns, home):
    a, b, c = campaigns
    hidden = make_petition(index, title="Awaiting", slug="d")
    hidden.awaiting_review = True
    hidden.save_revision().publish()
    draft = make_petition(index, title="Draft", slug="e")
    draft.unpublish()
    make_petition(home, title="Elsewhere", slug="f")
    response = client.get(index.url)
    assert response.status_code == 200
    assert titles(response) == ["National ask", "Sanctuary Shelbyville", "Sanctuary Springfield"]
    html = response.content.decode()
    assert "Start a campaign" in html and f"/campaigns/start/{index.pk}/" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"scope": "local"}, ["Sanctuary Shelbyville", "Sanctuary Springfield"]),
        ({"scope": "national"}, ["National ask"]),
        ({"place": "Springfield"}, ["Sanctuary Springfield"]),
        ({"q": "raids"}, ["National ask"]),
        ({"q": "shelby"}, ["Sanctuary Shelbyville"]),
        ({"order": "signed"}, ["Sanctuary Shelbyville", "National ask", "Sanctuary Springfield"]),
        ({"scope": "moon", "place": "Atlantis", "order": "x", "page": "zz"}, None),
        ({"q": "x" * 500}, None),
        ({"q": "\x00"}, None),
    ],
)
def test_filters_and_order(client, index, campaigns, query, expected):
    response = client.get(index.url, query)
    assert response.status_code == 200
    if expected is not None:
        assert titles(response) == expected


def test_most_signed_reads_the_counter_not_the_signatures(
    index, campaigns, django_assert_max_num_queries, rf
):
    request = rf.get("/", {"order": "signed"})
    with django_assert_max_num_queries(6):
        context = listing.listing_context(request, index)
    assert [c.listing_count for c in context["campaigns"]] == [50, 15, 0]


def test_paginates(client, index, monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    for n in range(5):
        make_petition(index, title=f"Petition {n}", slug=f"p{n}")
    first = client.get(index.url)
    assert len(first.context["campaigns"]) == 2
    assert "page=2" in first.content.decode()
    last = client.get(index.url, {"page": 99})
    assert last.status_code == 200 and len(last.context["campaigns"]) == 1


def test_spanish_index_lists_its_own_petitions(client, index_es, index, campaigns):
    response = client.get(index_es.url)
    assert response.status_code == 200
    assert titles(response) == []
    assert '<html lang="es"' in response.content.decode()


def test_editors_add_and_edit_index_pages_in_the_admin(client, home, index, superuser):
    client.force_login(superuser)
    add = client.get(f"/admin/pages/add/heretostay/campaignindexpage/{home.pk}/")
    assert add.status_code == 200
    assert "allow_starting" in add.content.decode()
    assert client.get(f"/admin/pages/{index.pk}/edit/").status_code == 200
    petition = make_petition(index)
    edit = client.get(f"/admin/pages/{petition.pk}/edit/").content.decode()
    assert 'name="awaiting_review"' in edit
