"""Who may run one campaign: its starter and co-admins, or staff with rights on its page.

Two kinds of people run a campaign page:

- **Campaign admins** (``CampaignAdmin``): the person who started it from the public site
  (role ``starter``) and the co-admins they invited (role ``admin``). They have no Wagtail
  admin access; they run their campaign from My Campaigns (``grassroots/manage.py``). A
  row on any translation of the campaign counts for all of them (one campaign, one
  ``translation_key``). ``page.owner`` alone is not enough: editors own the pages they make
  in the admin, and owning a page must not open its signers to them.
- **Staff**: Wagtail users with page permissions on that page
  (``page.permissions_for_user(user).can_edit()``). For the tools that show or add
  personal data (paper sheets and entry, delivery, signers) staff also need the
  package's global permission (``heretostay.add_paper_signatures``,
  ``heretostay.deliver_petition``, ``heretostay.view_signature``): the global permission
  says *what* they may do, the page permission *where*.

``core`` imports no feature: only Wagtail's ``Page`` and ``core.models``.
"""

from heretostay_wagtail.core.models import CampaignAdmin, CampaignRole

__all__ = [
    "campaign_role",
    "is_campaign_admin",
    "has_page_rights",
    "runs_any_campaign",
    "can_manage_campaign",
    "can_use_tool",
    "campaign_pages_for",
]


def _active(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


def _translation_key(page):
    return getattr(page, "translation_key", None)


def campaign_role(user, page):
    """``"starter"``, ``"admin"`` or None: ``user``'s role on the campaign of ``page`` (any
    translation of it). The starter's role wins if both rows exist."""
    if not _active(user) or page is None or page.pk is None:
        return None
    key = _translation_key(page)
    rows = CampaignAdmin.objects.filter(user=user)
    rows = rows.filter(page__translation_key=key) if key else rows.filter(page_id=page.pk)
    roles = set(rows.values_list("role", flat=True))
    if CampaignRole.STARTER in roles:
        return CampaignRole.STARTER
    if CampaignRole.ADMIN in roles:
        return CampaignRole.ADMIN
    return None


def is_campaign_admin(user, page):
    """Whether ``user`` started or co-administers the campaign of ``page``."""
    return campaign_role(user, page) is not None


def has_page_rights(user, page):
    """Whether ``user`` may edit ``page`` in Wagtail (group page permissions, superuser)."""
    if not _active(user) or page is None:
        return False
    return bool(page.permissions_for_user(user).can_edit())


def runs_any_campaign(user):
    """Whether ``user`` has any ``CampaignAdmin`` row, asked once per user object (a
    request's ``request.user``): lets a listing that asks ``is_campaign_admin`` per row
    skip that query for the many staff who run no campaign from the public site."""
    if not _active(user):
        return False
    found = getattr(user, "_heretostay_runs_campaigns", None)
    if found is None:
        found = CampaignAdmin.objects.filter(user=user).exists()
        user._heretostay_runs_campaigns = found
    return found


def can_manage_campaign(user, page):
    """Whether ``user`` may open ``page``'s manage pane: its starter, a co-admin, or
    staff with Wagtail page permissions on it."""
    return is_campaign_admin(user, page) or has_page_rights(user, page)


def can_use_tool(user, page, permission):
    """Whether ``user`` may use a tool of ``page`` that needs the global ``permission``
    (paper sheets and entry, delivery, signers): staff need ``permission`` *and* page
    rights on ``page``; the campaign's starter and co-admins need neither."""
    if not _active(user) or page is None:
        return False
    if user.has_perm(permission) and has_page_rights(user, page):
        return True
    return is_campaign_admin(user, page)


def campaign_pages_for(user):
    """The ids of the pages on which ``user`` has a ``CampaignAdmin`` row, with the role:
    ``{page_id: role}`` (the starter's role wins)."""
    if not _active(user):
        return {}
    found = {}
    for page_id, role in CampaignAdmin.objects.filter(user=user).values_list("page_id", "role"):
        if found.get(page_id) != CampaignRole.STARTER:
            found[page_id] = role
    return found
