"""The one path by which a signature is created or confirmed.

The page form, the API, paper entry and CSV import all call :func:`sign`, so dedupe,
consent records, counting and confirmation emails live here once.
"""

from django.db import transaction
from django.utils import timezone

from heretostay_wagtail.core import recording
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.models import CampaignCounter, Source
from heretostay_wagtail.petitions.models import Signature

#: Sources whose supporter proves their email by clicking a link (when double opt-in is on).
SELF_SERVICE_SOURCES = (Source.WEB, Source.API)


def needs_confirmation(source):
    return get_setting("DOUBLE_OPT_IN") and source in SELF_SERVICE_SOURCES


def sign(
    petition,
    data,
    *,
    source,
    ip="",
    language=None,
    entered_by=None,
    sheet_code="",
    when=None,
    consent_text=None,
):
    """Record a signature from validated ``data`` (see ``SignatureForm.signer_data``).

    ``consent_text`` overrides the petition's opt-in wording when the supporter agreed to
    other words, e.g. the consent line printed on a paper sheet.

    Returns a ``core.recording.Recorded``: ``.record`` is the new signature, or the
    existing one for a repeat email (``.created`` False). Callers must
    answer both the same way so nobody can learn who has signed.
    """
    now = when or timezone.now()
    confirmed = not needs_confirmation(source)
    opted_in = bool(data.get("opt_in"))
    signature = recording.build(
        Signature,
        petition,
        data,
        source=source,
        ip=ip,
        language=language,
        when=now,
        postal_code=data.get("postal_code", ""),
        phone=data.get("phone") or "",
        comment=data.get("comment", ""),
        confirmed_at=now if confirmed else None,
        opted_in=opted_in,
        consent_text=str(consent_text or petition.get_consent_text()) if opted_in else "",
        consent_given_at=now if opted_in else None,
        entered_by=entered_by,
        sheet_code=sheet_code,
    )
    result = recording.save(signature, counted=confirmed)
    if needs_confirmation(source):
        # One email either way, queued after commit: a new (or still unconfirmed)
        # signature gets its confirmation link, a confirmed one is told it already
        # counts. Same work on both paths, so timing tells nothing.
        _queue_email(result.record)
    return result


def confirm(signature):
    """Mark a signature confirmed; returns True only the first time (so it counts once)."""
    with transaction.atomic():
        updated = Signature.objects.filter(pk=signature.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )
        if updated:
            CampaignCounter.add(signature.campaign_key, count=1)
    return bool(updated)


def _queue_email(signature):
    from heretostay_wagtail.petitions import tasks

    if signature.is_confirmed:
        task = tasks.send_already_signed
    else:
        task = tasks.send_signature_confirmation
    transaction.on_commit(lambda: task.enqueue(signature.pk))
