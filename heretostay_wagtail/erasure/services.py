"""Find and erase everything about one email address or phone number.

What is erased:

- **Signatures** with that email (compared as ``core.privacy.normalize_email`` does) or
  that phone, in every petition and translation;
- **Pledges** with that email or phone, and the **alert deliveries** of those pledgers;
- the files of **delivery PDFs** that list one of those signatures (the PDF's petition,
  built after the signature was made, and after it was confirmed when the PDF lists only
  confirmed signatures). The job row stays as the record, its ``file_name`` emptied, as
  ``paper.retention`` does when purging.

Records are deleted with Django's ``delete()``, so the ``post_delete`` receivers of
``petitions/signals.py`` and ``pledges/signals.py`` take them off the campaigns' counts.
One audit-log entry (``heretostay.erasure``) records who erased and how many records of
each kind: never the email, the phone or a name, not even hashed.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from phonenumber_field.phonenumber import to_python

from heretostay_wagtail.core import audit
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.privacy import normalize_email
from heretostay_wagtail.paper.models import DeliveryJob
from heretostay_wagtail.paper.retention import remove_from_storage
from heretostay_wagtail.petitions.models import Signature
from heretostay_wagtail.pledges.models import AlertDelivery, Pledge

logger = logging.getLogger(__name__)

ACTION = "heretostay.erasure"
PERMISSION = "heretostay.erase_supporter"

#: The kinds of records counted, in the order reports list them.
KINDS = ("signatures", "pledges", "alert_deliveries", "delivery_pdfs")


class ErasureError(ValueError):
    """Neither a usable email nor a valid phone number was given."""


def normalize_phone(phone):
    """``phone`` in E.164 (how phone fields are stored), read with ``PHONE_DEFAULT_REGION``;
    "" when blank. Raises ``ErasureError`` for a number that is not valid."""
    if phone is None or not str(phone).strip():
        return ""
    number = to_python(str(phone).strip(), region=get_setting("PHONE_DEFAULT_REGION"))
    if number is None or not number.is_valid():
        raise ErasureError("invalid phone")
    return number.as_e164


@dataclass(frozen=True)
class Target:
    """Who to find: a normalized email and/or an E.164 phone number."""

    email: str = ""
    phone: str = ""

    @classmethod
    def of(cls, email=None, phone=None):
        target = cls(email=normalize_email(email), phone=normalize_phone(phone))
        if not target.email and not target.phone:
            raise ErasureError("nothing to look for")
        return target

    @property
    def matched_by(self):
        return [name for name in ("email", "phone") if getattr(self, name)]

    def q(self):
        query = Q(pk__in=[])
        if self.email:
            query |= Q(email_normalized=self.email)
        if self.phone:
            query |= Q(phone=self.phone)
        return query


def _signatures(target):
    return Signature.objects.filter(target.q())


def _pledges(target):
    return Pledge.objects.filter(target.q())


def _alert_deliveries(pledges):
    return AlertDelivery.objects.filter(pledge__in=pledges.values("pk"))


def _delivery_jobs(signatures):
    """Jobs with a file that lists (or may list) one of ``signatures``."""
    listing = Q(pk__in=[])
    for campaign_key, created_at, confirmed_at in signatures.values_list(
        "campaign_key", "created_at", "confirmed_at"
    ):
        built_after = Q(finished_at__isnull=True) | Q(finished_at__gte=created_at)
        if confirmed_at is None:
            listed = Q(only_confirmed=False)
        else:
            listed = Q(only_confirmed=False) | Q(finished_at__isnull=True)
            listed |= Q(finished_at__gte=confirmed_at)
        listing |= Q(page__translation_key=campaign_key) & built_after & listed
    return DeliveryJob.objects.exclude(file_name="").filter(listing).order_by("pk")


def _counts(target):
    signatures = _signatures(target)
    pledges = _pledges(target)
    return {
        "signatures": signatures.count(),
        "pledges": pledges.count(),
        "alert_deliveries": _alert_deliveries(pledges).count(),
        "delivery_pdfs": _delivery_jobs(signatures).count(),
    }


def find(email=None, phone=None):
    """How many records of each kind (``KINDS``) are about ``email`` or ``phone``.

    Counts only, never names. Raises ``ErasureError`` when neither is usable.
    """
    return _counts(Target.of(email, phone))


@dataclass
class ErasureResult:
    counts: dict = field(default_factory=dict)
    #: Delivery PDFs whose file storage could not delete (the records were then kept).
    failed_files: int = 0

    @property
    def complete(self):
        return not self.failed_files


def _delete_files(jobs):
    """Delete the jobs' files first, as ``paper.retention.delete_file`` does, keeping the
    rows; returns (deleted, failed). No audit entry per file: erasure writes one."""
    deleted = failed = 0
    for job in jobs:
        name = job.file_name
        if not remove_from_storage(name):
            failed += 1
            continue
        if DeliveryJob.objects.filter(pk=job.pk, file_name=name).update(file_name=""):
            deleted += 1
    return deleted, failed


def erase(email=None, phone=None, *, user=None):
    """Delete everything about ``email`` or ``phone``; one audit-log entry.

    Delivery PDF files go first. If storage fails to delete one, nothing else is erased
    (so running it again finds the same records and retries), ``result.failed_files``
    says how many, and the audit entry records what was deleted. Raises
    ``ErasureError`` when neither is usable.
    """
    target = Target.of(email, phone)
    signatures = _signatures(target)
    pledges = _pledges(target)
    deleted_files, failed = _delete_files(list(_delivery_jobs(signatures)))
    counts = dict.fromkeys(KINDS, 0)
    counts["delivery_pdfs"] = deleted_files
    with transaction.atomic():
        if not failed:
            # Deliveries before their pledgers (the foreign key would only be nulled).
            counts["alert_deliveries"] = _alert_deliveries(pledges).delete()[0]
            # Model deletes: the post_delete receivers take each record off its count.
            counts["pledges"] = _count_deleted(pledges, Pledge)
            counts["signatures"] = _count_deleted(signatures, Signature)
        _log(user, target, counts, failed)
    return ErasureResult(counts=counts, failed_files=failed)


def _count_deleted(queryset, model):
    """Delete ``queryset`` (signals sent per record) and return how many ``model`` rows
    went, not the many-to-many rows deleted with them."""
    _total, per_model = queryset.delete()
    return per_model.get(model._meta.label, 0)


def _log(user, target, counts, failed):
    instance = audit.default_instance(user)
    data = {**counts, "matched_by": target.matched_by}
    if failed:
        data["failed_files"] = failed
    if instance is None:
        logger.warning("Erasure not audit-logged: no default site and no user")
        return
    audit.log(instance, ACTION, user=user, **data)
