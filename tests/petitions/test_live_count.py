"""The public JSON count: figures only, cacheable, the same for every translation."""

import pytest

pytestmark = pytest.mark.django_db


def test_live_count_is_public_aggregate_and_cacheable(client, sign_page, petition, petition_es):
    sign_page(petition, email="one@example.org", name="Uno")
    sign_page(petition_es, email="two@example.org", name="Dos", ip="203.0.113.8")
    for page in (petition, petition_es):
        response = client.get(page.url + "count/")
        assert response.status_code == 200
        assert response.json() == {
            "count": 2,
            "goal": 100,
            "target": 100,
            "percent": 2,
            "goal_reached": False,
        }
        assert "public" in response["Cache-Control"] and "max-age=30" in response["Cache-Control"]
        body = response.content.decode()
        assert "example.org" not in body and "Uno" not in body
        assert "Set-Cookie" not in response


def test_live_count_is_read_only(client, petition):
    assert client.post(petition.url + "count/").status_code == 405
