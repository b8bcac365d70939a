"""The signing service: the one path every source goes through.

Counts are read the way the site reads them: ``CampaignCounter.totals`` and a freshly
loaded page's ``supporter_count`` / ``get_totals()``.
"""

import pytest
from django.core import mail
from django.test import override_settings

from heretostay_wagtail.models import CampaignCounter, PetitionPage, Signature, Source
from heretostay_wagtail.petitions import services as signing

pytestmark = pytest.mark.django_db


def data(**kwargs):
    return {
        "name": "Rosa Parks",
        "email": "Rosa@Example.org",
        "postal_code": "62701",
        "opt_in": True,
        **kwargs,
    }


def fresh(page):
    """The page as a new request would load it."""
    return PetitionPage.objects.get(pk=page.pk)


def counted(page):
    """What the counter and a freshly loaded page say; both must agree."""
    totals = CampaignCounter.totals(page.campaign_key)
    loaded = fresh(page)
    assert loaded.get_totals() == totals
    assert loaded.supporter_count == totals["count"] + totals["paper_tally"]
    return totals["count"]


def test_nothing_counted_before_anyone_signs(petition):
    assert CampaignCounter.totals(petition.campaign_key) == {"count": 0, "paper_tally": 0}
    assert counted(petition) == 0


def test_sign_counts_and_records_consent(petition):
    result = signing.sign(petition, data(), source=Source.WEB, ip="203.0.113.9", language="en")
    assert result.created and not result.duplicate
    sig = result.record
    assert sig.email_normalized == "rosa@example.org"
    assert sig.consent_text == str(petition.get_consent_text())
    assert sig.consent_given_at is not None and sig.source == "web"
    assert sig.confirmed_at is not None  # no double opt-in: counted at once
    assert sig.ip_hash and "203.0.113.9" not in sig.ip_hash
    assert CampaignCounter.totals(petition.campaign_key) == {"count": 1, "paper_tally": 0}
    assert counted(petition) == 1
    signing.sign(petition, data(email="ella@example.org"), source=Source.PAPER)
    assert counted(petition) == 2


def test_no_consent_record_without_opt_in(petition):
    sig = signing.sign(petition, data(opt_in=False), source=Source.WEB).record
    assert sig.opted_in is False and sig.consent_text == "" and sig.consent_given_at is None
    assert counted(petition) == 1  # counted all the same


def test_repeat_email_is_not_counted_twice_across_translations(petition_es, petition):
    first = signing.sign(petition, data(), source=Source.WEB, language="en")
    again = signing.sign(
        petition_es,
        data(email="rosa@EXAMPLE.org ", name="Someone"),
        source=Source.WEB,
        language="es",
    )
    assert again.duplicate and not again.created
    assert again.record.pk == first.record.pk
    assert again.record.name == "Rosa Parks"  # the first signature is kept as it was
    assert Signature.objects.count() == 1
    # Both translations are one campaign, with one count.
    assert petition_es.campaign_key == petition.campaign_key
    assert counted(petition) == counted(petition_es) == 1
    assert fresh(petition_es).supporter_count == 1 == fresh(petition).supporter_count


@override_settings(HERETOSTAY={"DOUBLE_OPT_IN": True})
def test_double_opt_in_counts_only_after_confirmation(petition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sig = signing.sign(petition, data(), source=Source.WEB).record
        assert not mail.outbox  # the confirmation email leaves after the commit
    assert sig.confirmed_at is None
    assert counted(petition) == 0
    [email] = mail.outbox
    assert email.to == ["Rosa@Example.org"] and "/confirm/" in email.body

    assert signing.confirm(sig) is True
    assert counted(petition) == 1
    assert signing.confirm(sig) is False  # a second click does not count again
    assert counted(petition) == 1
    sig.refresh_from_db()
    assert sig.confirmed_at is not None


@override_settings(HERETOSTAY={"DOUBLE_OPT_IN": True})
def test_paper_signatures_need_no_confirmation_with_double_opt_in(
    petition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sig = signing.sign(petition, data(), source=Source.PAPER).record
    assert sig.confirmed_at is not None and not callbacks and not mail.outbox
    assert counted(petition) == 1


def test_deleting_a_signature_uncounts_it(petition):
    sig = signing.sign(petition, data(), source=Source.WEB).record
    assert counted(petition) == 1
    sig.delete()
    assert counted(petition) == 0


def test_a_repeat_email_is_found_through_the_once_per_email_index(petition):
    """The record already there is looked up with the once-per-email constraint's
    condition, so PostgreSQL uses that (partial) index instead of reading every
    signature of the campaign for each repeat email (found by issue 15's benchmark)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from heretostay_wagtail.core import recording

    first = signing.sign(petition, data(), source=Source.WEB).record
    for n in range(3):  # more of the campaign, and an anonymized one for the same email
        signing.sign(petition, data(email=f"other{n}@example.org"), source=Source.WEB)
    with CaptureQueriesContext(connection) as queries:
        again = signing.sign(petition, data(email="ROSA@example.org"), source=Source.API)
    assert again.duplicate and again.record.pk == first.pk
    lookups = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert len(lookups) == 1 and '"anonymized_at" IS NULL' in lookups[0]
    assert counted(petition) == 4
    if connection.vendor == "postgresql":
        lookup = Signature.objects.filter(
            recording._once_per_email(Signature),
            campaign_key=petition.campaign_key,
            email_normalized="rosa@example.org",
        ).order_by()  # as get() asks
        with connection.cursor() as cursor:  # inside the test's transaction
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        assert "once_per_email" in lookup.explain()
