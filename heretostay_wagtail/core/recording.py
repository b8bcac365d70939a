"""The one skeleton for recording a supporter: a signature, a pledge.

Build the record from validated data (the fields every supporter record has), save it
with its campaign counter in one transaction, and on a repeat email fetch the record
already there. Callers answer a new and a repeat record the same way, so nobody can
learn who has signed or pledged; ``petitions.services.sign`` and
``pledges.services.pledge`` are thin uses of it.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language

from heretostay_wagtail.core.models import CampaignCounter
from heretostay_wagtail.core.privacy import hash_ip, normalize_email


@dataclass
class Recorded:
    """The record saved, or the one already there for this email (``created=False``)."""

    record: Any
    created: bool

    @property
    def duplicate(self):
        return not self.created


def build(model, page, data, *, source, ip="", language=None, when=None, **fields):
    """An unsaved ``model`` record of ``page``'s campaign from validated ``data``."""
    return model(
        campaign_key=page.campaign_key,
        page=page,
        language=(language or get_language() or page.locale.language_code)[:15],
        name=data["name"],
        email=data["email"],
        email_normalized=normalize_email(data["email"]),
        source=source,
        created_at=when or timezone.now(),
        ip_hash=hash_ip(ip),
        **fields,
    )


def save(record, *, counted, then=None):
    """Save ``record`` (and run ``then(record)``) and count it, all in one transaction.

    The counter is a ``count = count + 1`` update in the same transaction, so it stays
    exact under concurrent requests. A repeat email (the campaign's unique constraint)
    rolls everything back and returns the existing record.
    """
    try:
        with transaction.atomic():
            record.save()
            if then is not None:
                then(record)
            if counted:
                CampaignCounter.add(record.campaign_key, count=1)
    except IntegrityError:
        existing = type(record).objects.get(
            campaign_key=record.campaign_key, email_normalized=record.email_normalized
        )
        return Recorded(existing, created=False)
    return Recorded(record, created=True)


#: True inside ``kept_in_totals``: deleted records stay in their campaigns' counts.
_KEPT_IN_TOTALS = ContextVar("heretostay_kept_in_totals", default=False)


@contextmanager
def kept_in_totals():
    """Records deleted inside this block stay in their campaigns' totals.

    Retention (``retention/services.py``) deletes supporter records without lowering the
    totals: it adds them to ``CampaignCounter.removed_by_retention`` itself, so the
    features' ``post_delete`` receivers must not take them off the count.
    """
    token = _KEPT_IN_TOTALS.set(True)
    try:
        yield
    finally:
        _KEPT_IN_TOTALS.reset(token)


def deletion_uncounts():
    """Whether a supporter record deleted now comes off its campaign's count (it does,
    except inside ``kept_in_totals``)."""
    return not _KEPT_IN_TOTALS.get()
