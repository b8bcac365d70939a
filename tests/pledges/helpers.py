from django.utils import timezone

from heretostay_wagtail.models import Pledge
from heretostay_wagtail.pledges import services as pledging


def pledge_data(**kwargs):
    data = {
        "name": "Ana Flores",
        "email": "ana@example.org",
        "phone": "+13125550101",
        "area": "60608",
        "roles": [],
        "languages": ["es", "en"],
        "availability": ["weekends"],
        "alert_sms": True,
        "alert_email": True,
    }
    data.update(kwargs)
    return data


def set_verified(pledge, email=True, phone=True):
    """Mark the pledger's email and phone verified (or not), as their links and codes do."""
    now = timezone.now()
    Pledge.objects.filter(pk=pledge.pk).update(
        email_verified_at=now if email else None,
        phone_verified_at=now if phone and pledge.phone else None,
    )
    pledge.refresh_from_db()
    return pledge


def make_pledge(page, language="en", verified=True, **kwargs):
    """A pledge through the service; ``verified`` (True, False, or a dict with ``email``
    and ``phone``) says which of their contacts they have proved."""
    pledge = pledging.pledge(page, pledge_data(**kwargs), language=language).record
    flags = verified if isinstance(verified, dict) else {"email": verified, "phone": verified}
    return set_verified(pledge, **flags)
