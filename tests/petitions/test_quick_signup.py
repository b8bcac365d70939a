"""Sign-ups answered from the page's cached profile (core/signup_cache.py, issue 15).

After the first sign-up POST, the page form and the API sign without Wagtail's routing or
the full petition: few queries, the same form, throttle and service. What must not
change: a page closed, unpublished, restricted or moved after the profile was cached is
answered as before; errors, throttles, cross-site POSTs and repeat emails are answered as
by the full view; nothing says whether an email had signed.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail import hooks
from wagtail.models import PageViewRestriction, ReferenceIndex

from heretostay_wagtail.core import signup_cache
from heretostay_wagtail.models import CampaignCounter, PetitionStatus, Signature

from .conftest import form_data

pytestmark = pytest.mark.django_db


def signing_queries():
    """A signature saved with its counter: one statement on PostgreSQL (the INSERT and
    the counter's upsert in CTEs, core/recording.py), else BEGIN, INSERT, UPDATE,
    COMMIT. The bare Django view of benchmarks/bench_intake.py makes 1."""
    return 1 if connection.vendor == "postgresql" else 4


def count(page):
    return CampaignCounter.totals(page.campaign_key)["count"]


def warm(client, page, n=2):
    """Sign ``n`` times: the first POST goes through Wagtail and caches the page's
    profile, the next take the quick path."""
    for i in range(n):
        response = client.post(page.url, form_data(email=f"warm{i}@example.org"))
        assert response.status_code == 302


def post(client, page, **fields):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(page.url, form_data(**fields))
    return response, len(queries)


def test_the_second_signature_takes_the_quick_path(client, petition):
    first, first_queries = post(client, petition, email="one@example.org")
    second, queries = post(client, petition, email="two@example.org")
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == petition.url + "thanks/"
    assert first_queries > signing_queries()  # routed by Wagtail, profile cached
    assert queries == signing_queries()
    two = Signature.objects.get(email_normalized="two@example.org")
    assert (two.page_id, two.campaign_key, two.language, two.source) == (
        petition.pk,
        petition.campaign_key,
        "en",
        "web",
    )
    assert count(petition) == 2 == Signature.objects.count()


def test_a_known_sign_up_path_is_answered_before_url_resolution(client, petition, monkeypatch):
    """Once this server has seen Wagtail route the path to a sign-up, a valid sign-up is
    answered by ``CampaignFormMiddleware`` itself, like a cache middleware: no URL
    resolution, no middleware after it. Field errors still get the full page."""
    from django.core.handlers.base import BaseHandler

    warm(client, petition, n=1)
    resolve = BaseHandler.resolve_request
    resolved = []

    def counting(self, request):
        resolved.append(request.path)
        return resolve(self, request)

    monkeypatch.setattr(BaseHandler, "resolve_request", counting)
    response, _queries = post(client, petition, email="early@example.org")
    assert response.status_code == 302 and resolved == []
    assert Signature.objects.filter(email_normalized="early@example.org").exists()
    invalid, _queries = post(client, petition, email="not-an-email")
    assert invalid.status_code == 400 and resolved == [petition.url]
    assert count(petition) == 2


def test_quick_path_records_the_same_as_the_full_view(client, petition):
    post(client, petition, email="full@example.org", opt_in="on", postal_code="62701")
    post(client, petition, email="quick@example.org", opt_in="on", postal_code="62701")
    full = Signature.objects.get(email_normalized="full@example.org")
    quick = Signature.objects.get(email_normalized="quick@example.org")
    for field in ("page_id", "campaign_key", "language", "source", "postal_code", "opted_in",
                  "consent_text", "ip_hash"):  # fmt: skip
        assert getattr(full, field) == getattr(quick, field), field
    assert quick.consent_given_at and quick.confirmed_at


def test_repeat_email_on_the_quick_path_is_answered_the_same(client, petition):
    warm(client, petition)
    new, _ = post(client, petition, email="rosa@example.org")
    again, _ = post(client, petition, email="ROSA@example.org")
    assert new.status_code == again.status_code == 302
    assert new["Location"] == again["Location"]
    assert Signature.objects.filter(email_normalized="rosa@example.org").count() == 1
    assert count(petition) == 3


def test_spanish_translation_signs_in_spanish(client, petition_es):
    for email in ("uno@example.org", "dos@example.org"):
        response = client.post(petition_es.url, form_data(email=email))
        assert response.status_code == 302
    assert set(Signature.objects.values_list("language", flat=True)) == {"es"}


def test_field_errors_are_shown_by_the_full_page(client, petition):
    warm(client, petition)
    response, _ = post(client, petition, email="not an email")
    assert response.status_code == 400
    assert "hts-" in response.content.decode()  # the petition page, with its form
    assert 'name="email"' in response.content.decode()


def test_each_post_counts_once_against_the_rate(client, petition, settings):
    settings.HERETOSTAY = {"THROTTLE_RATES": {"sign": "4/m"}}
    warm(client, petition)  # 2 of 4
    assert post(client, petition, email="not an email")[0].status_code == 400  # 3
    assert post(client, petition, email="four@example.org")[0].status_code == 302  # 4
    throttled, _ = post(client, petition, email="five@example.org")
    assert throttled.status_code == 429
    assert "Too many attempts" in throttled.content.decode()
    assert not Signature.objects.filter(email_normalized="five@example.org").exists()


def test_cross_site_post_is_refused_on_the_quick_path_too(petition):
    browser = Client(enforce_csrf_checks=True)
    warm(browser, petition)
    response = browser.post(
        petition.url,
        form_data(email="victim@example.org"),
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    assert not Signature.objects.filter(email_normalized="victim@example.org").exists()


def test_honeypot_on_the_quick_path(client, petition):
    warm(client, petition)
    response, _ = post(client, petition, email="bot@example.org", website="http://spam")
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    assert not Signature.objects.filter(email_normalized="bot@example.org").exists()


def test_closing_the_petition_reaches_the_quick_path(client, petition):
    warm(client, petition)
    petition.status = PetitionStatus.CLOSED
    petition.save_revision().publish()
    response, _ = post(client, petition, email="late@example.org")
    assert response.status_code == 400
    assert "This petition is closed." in response.content.decode()
    assert not Signature.objects.filter(email_normalized="late@example.org").exists()


def test_closing_by_a_plain_save_reaches_the_quick_path(client, petition):
    warm(client, petition)
    petition.status = PetitionStatus.CLOSED
    petition.save()
    assert post(client, petition, email="late@example.org")[0].status_code == 400


def test_unpublished_petition_takes_no_signatures(client, petition):
    warm(client, petition)
    url = petition.url
    petition.unpublish()
    response = client.post(url, form_data(email="gone@example.org"))
    assert response.status_code == 404
    assert not Signature.objects.filter(email_normalized="gone@example.org").exists()


def test_view_restriction_added_later_is_enforced(client, petition):
    warm(client, petition)
    PageViewRestriction.objects.create(
        page=petition, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    response = client.post(petition.url, form_data(email="private@example.org"))
    assert response.status_code == 200  # Wagtail's password form
    assert not Signature.objects.filter(email_normalized="private@example.org").exists()


def test_restricted_page_is_never_cached(client, petition):
    PageViewRestriction.objects.create(page=petition, restriction_type=PageViewRestriction.LOGIN)
    for i in range(3):
        client.post(petition.url, form_data(email=f"r{i}@example.org"))
    assert not Signature.objects.exists()
    assert signup_cache.page_for_path(_request_for(petition)) is None


def test_a_moved_page_is_not_signed_at_its_old_address(client, petition, make_other_petition):
    section = make_other_petition(slug="section")
    warm(client, petition)
    old_url = petition.url
    petition.move(section, pos="last-child")
    response = client.post(old_url, form_data(email="old@example.org"))
    # Not signed at the old address: Wagtail's redirect (wagtail.contrib.redirects) or 404.
    assert response.status_code in (301, 404)
    assert not Signature.objects.filter(email_normalized="old@example.org").exists()


def test_host_serve_hooks_turn_the_quick_path_off(client, petition):
    def host_hook(page, request, *args, **kwargs):
        return None

    with hooks.register_temporarily("before_serve_page", host_hook):
        warm(client, petition)
        _, queries = post(client, petition, email="hooked@example.org")
    assert queries > signing_queries()  # routed by Wagtail, the hook ran


def test_signatures_stay_out_of_the_reference_index(client, petition):
    warm(client, petition, n=3)
    assert Signature.objects.count() == 3
    assert not ReferenceIndex.objects.filter(content_type__model="signature").exists()


def _request_for(page):
    from django.test import RequestFactory

    return RequestFactory().post(page.url)


# -- the API ---------------------------------------------------------------------------

API_SIGNER = {"name": "Rosa Parks", "email": "api@example.org", "postal_code": "62701"}


def api_sign(api, page, **fields):
    with CaptureQueriesContext(connection) as queries:
        response = api.post(
            f"/api/v1/petitions/{page.pk}/signatures/", {**API_SIGNER, **fields}, format="json"
        )
    return response, len(queries)


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


def test_api_second_signature_needs_only_the_signing_queries(api, petition):
    first, first_queries = api_sign(api, petition, email="a1@example.org")
    second, queries = api_sign(api, petition, email="a2@example.org")
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    assert queries == signing_queries() < first_queries
    assert count(petition) == 2
    assert Signature.objects.get(email_normalized="a2@example.org").page_id == petition.pk


def test_api_closed_or_unpublished_after_caching(api, petition):
    api_sign(api, petition, email="a1@example.org")
    api_sign(api, petition, email="a2@example.org")
    petition.status = PetitionStatus.CLOSED
    petition.save_revision().publish()
    closed, _ = api_sign(api, petition, email="a3@example.org")
    assert closed.status_code == 400
    petition.unpublish()
    gone, _ = api_sign(api, petition, email="a4@example.org")
    assert gone.status_code == 404
    assert Signature.objects.count() == 2


def test_api_does_not_sign_other_pages_by_id(api, petition, home):
    for i in range(2):  # the home page: never a petition, cached or not
        response, _ = api_sign(api, home, email=f"h{i}@example.org")
        assert response.status_code == 404
    for pk in ("0", "-1", "x", "99999999999"):
        assert (
            api.post(f"/api/v1/petitions/{pk}/signatures/", API_SIGNER, format="json").status_code
            == 404
        )


def test_a_new_signature_sends_post_save_once_and_a_repeat_none(petition):
    from django.db.models.signals import post_save

    from heretostay_wagtail.models import Source
    from heretostay_wagtail.petitions import services as signing

    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.pk, created))

    post_save.connect(receiver, sender=Signature)
    try:
        data = {"name": "Rosa Parks", "email": "rosa@example.org", "postal_code": "62701"}
        first = signing.sign(petition, data, source=Source.WEB)
        again = signing.sign(petition, {**data, "email": "Rosa@Example.org"}, source=Source.WEB)
    finally:
        post_save.disconnect(receiver, sender=Signature)
    assert first.created and not again.created
    assert first.record.pk and again.record.pk == first.record.pk
    assert seen == [(first.record.pk, True)]
    assert count(petition) == 1
    assert Signature.objects.get().public_id == first.record.public_id


def test_a_page_rebuilt_from_its_profile_can_never_be_saved(client, petition, rf):
    """The profile leaves out rich text and StreamFields: saving the rebuilt page (say, a
    host's post_save receiver on signatures calling ``signature.page.save()``) would wipe
    them, so it is refused."""
    warm(client, petition, n=1)
    request = rf.post(petition.url)
    rebuilt = signup_cache.page_for_path(request)
    assert rebuilt is not None and rebuilt.pk == petition.pk
    with pytest.raises(RuntimeError, match="never be saved"):
        rebuilt.save()
    petition.refresh_from_db()
    assert petition.why  # untouched
    petition.save()  # a page loaded from the database saves as ever
