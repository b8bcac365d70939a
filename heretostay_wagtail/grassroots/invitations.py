"""Invitations to co-administer a campaign: invite by email, accept, remove, leave.

An invitation is a single-use link that expires after ``CAMPAIGN_INVITATION_DAYS`` days.
Its token is random and exists only in the email: the row stores its keyed digest
(``core.tokens.digest``), and the token is made by the task that sends the email
(``send_invitation``), so it is never in the database nor in the task queue's arguments.
Accepting needs the link *and* being logged in with the invited address (a verified
address of the account), so a forwarded or leaked link is of no use to anyone else.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from heretostay_wagtail.core import emails, tokens
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.models import CampaignAdmin, CampaignRole
from heretostay_wagtail.core.privacy import normalize_email
from heretostay_wagtail.core.tasks import retry_later
from heretostay_wagtail.grassroots.models import CampaignInvitation

logger = logging.getLogger(__name__)

PURPOSE = "campaign_invitation"
#: Most invitations of one campaign waiting to be accepted at once (no mail bombing).
MAX_PENDING = 20

# Why an invitation link cannot be accepted (shown to the person who opened it).
NOT_FOUND = gettext_lazy("This invitation link is not valid. Ask for a new invitation.")
EXPIRED = gettext_lazy("This invitation has expired. Ask for a new invitation.")
USED = gettext_lazy("This invitation has already been used.")
WRONG_ACCOUNT = gettext_lazy(
    "This invitation was sent to another email address. Log out, then log in with the "
    "account of the address the invitation was sent to."
)


class InvitationError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def digest(token):
    return tokens.digest(PURPOSE, token)


def new_token():
    return secrets.token_urlsafe(32)


def expiry(now=None):
    return (now or timezone.now()) + timedelta(days=get_setting("CAMPAIGN_INVITATION_DAYS"))


def pending(page):
    """The campaign's invitations not yet accepted nor expired, newest first."""
    return CampaignInvitation.objects.filter(
        page__translation_key=page.translation_key,
        accepted_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).order_by("-created_at")


def admins(page):
    """The campaign's starter and co-admins (every translation), the starter first."""
    rows = CampaignAdmin.objects.filter(page__translation_key=page.translation_key)
    return rows.select_related("user").order_by(
        # "starter" sorts after "admin": put it first.
        F("role").desc(),
        "added_at",
    )


def invite(page, email, *, user):
    """Create an invitation for ``email`` to co-administer ``page`` and queue its email.

    Raises :class:`InvitationError` when the address already runs the campaign or too
    many invitations are waiting. A new invitation to an address replaces the waiting one.
    """
    email = email.strip()
    address = normalize_email(email)
    holders = CampaignAdmin.objects.filter(page__translation_key=page.translation_key)
    if holders.filter(user__email__iexact=address).exists():
        raise InvitationError(_("This person already runs this campaign."))
    waiting = pending(page)
    if waiting.exclude(email__iexact=address).count() >= MAX_PENDING:
        raise InvitationError(
            _("Too many invitations are waiting. Wait until some are accepted or expire.")
        )
    with transaction.atomic():
        waiting.filter(email__iexact=address).delete()
        invitation = CampaignInvitation.objects.create(
            page=page,
            email=email,
            # A placeholder no link was made from: the task sets the real digest.
            token_digest=digest(new_token()),
            invited_by=user,
            expires_at=expiry(),
        )
    language = page.locale.language_code
    transaction.on_commit(lambda: send_invitation.enqueue(invitation.pk, language))
    return invitation


def accept_url(page, token):
    """The absolute URL of the accept page of ``token`` (on the campaign's site)."""
    from django.conf import settings

    path = reverse("heretostay:heretostay_mycampaigns_accept", args=[token])
    site = page.get_site()
    root = site.root_url if site else getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    return root.rstrip("/") + path


@task()
def send_invitation(invitation_id, language, attempt=0):
    """Make the invitation's token, store its digest and email the link, in ``language``
    (the campaign page's). A failed send is retried with a new token."""
    invitation = (
        CampaignInvitation.objects.select_related("page", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        return
    page = invitation.page.specific
    token = new_token()
    CampaignInvitation.objects.filter(pk=invitation.pk).update(token_digest=digest(token))
    with translation.override(language):
        subject = _("You are invited to run the campaign “%(title)s”") % {"title": page.title}
        context = {
            "page": page,
            "url": accept_url(page, token),
            "expires_at": invitation.expires_at,
            "days": get_setting("CAMPAIGN_INVITATION_DAYS"),
        }
    try:
        emails.send_templated(
            "heretostay/grassroots/manage/emails/invitation",
            context,
            to=[invitation.email],
            subject=subject,
            language=language,
        )
    except Exception as exc:  # noqa: BLE001 - any mail error; its text may hold the address
        logger.warning("Sending invitation %s failed (%s)", invitation_id, type(exc).__name__)
        retry_later(send_invitation, attempt + 1, invitation_id, language, attempt + 1)


def find(token):
    """The invitation of ``token`` (accepted or expired ones too), or None."""
    if not token or len(token) > 200:
        return None
    return (
        CampaignInvitation.objects.select_related("page").filter(token_digest=digest(token)).first()
    )


def email_belongs_to(user, email):
    """Whether ``email`` is an address of ``user``'s account: a verified allauth address,
    or the account's own email when allauth has no unverified record of it (accounts made
    by an administrator)."""
    address = normalize_email(email)
    try:
        from allauth.account.models import EmailAddress
    except ImportError:  # pragma: no cover - allauth is a dependency
        return normalize_email(user.email) == address
    addresses = EmailAddress.objects.filter(user=user, email__iexact=address)
    if addresses.filter(verified=True).exists():
        return True
    return normalize_email(user.email) == address and not addresses.exists()


@dataclass
class Check:
    invitation: CampaignInvitation | None
    error: str | None


def check(token, user):
    """Whether ``user`` may accept the invitation of ``token``: ``Check(invitation,
    error)``; ``error`` is None when they may."""
    invitation = find(token)
    if invitation is None:
        return Check(None, NOT_FOUND)
    if invitation.accepted_at is not None:
        return Check(invitation, USED)
    if invitation.expires_at <= timezone.now():
        return Check(invitation, EXPIRED)
    if not email_belongs_to(user, invitation.email):
        return Check(invitation, WRONG_ACCOUNT)
    return Check(invitation, None)


def accept(token, user):
    """Accept the invitation of ``token`` as ``user``: the CampaignAdmin row, once.

    Returns the invitation; raises :class:`InvitationError` with the reason otherwise.
    The row is claimed with a conditional update, so two clicks use it once.
    """
    result = check(token, user)
    if result.error:
        raise InvitationError(result.error)
    invitation = result.invitation
    now = timezone.now()
    with transaction.atomic():
        claimed = CampaignInvitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=now
        ).update(accepted_at=now, accepted_by=user)
        if not claimed:
            raise InvitationError(USED)
        already = CampaignAdmin.objects.filter(
            page__translation_key=invitation.page.translation_key, user=user
        ).exists()
        if not already:
            try:
                with transaction.atomic():
                    CampaignAdmin.objects.create(
                        page=invitation.page,
                        user=user,
                        role=CampaignRole.ADMIN,
                        added_by=invitation.invited_by,
                    )
            except IntegrityError:
                pass  # added meanwhile
    invitation.accepted_at = now
    return invitation


def can_remove(actor_role, row, *, actor):
    """Whether someone with ``actor_role`` (``"starter"``, ``"admin"`` or ``"staff"``) may
    remove ``row``: the starter removes co-admins, a co-admin only leaves, staff with page
    rights remove co-admins; nobody removes the starter here."""
    if row.role == CampaignRole.STARTER:
        return False
    if row.user_id == actor.pk:
        return True
    return actor_role in (CampaignRole.STARTER, "staff")


def remove(row):
    CampaignAdmin.objects.filter(pk=row.pk).delete()


def cancel(invitation):
    CampaignInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).delete()
