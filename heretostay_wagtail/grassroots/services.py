"""What the start-a-campaign flow and reports do, apart from the web.

- ``Draft``: what a visitor has typed so far, kept in their session (so it survives
  logging in or creating an account) per campaign index.
- ``start``: a draft becomes a petition under the index, owned by its starter, and enters
  the Wagtail workflow of that part of the tree (or goes live unlisted, then the workflow).
- ``reviewed``/``rejected``: what approving or rejecting a started campaign changes.
- ``report``, ``take_down``, ``dismiss``: reports of inappropriate campaigns.
"""

import html

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from heretostay_wagtail.core import audit
from heretostay_wagtail.core.models import CampaignAdmin, CampaignRole
from heretostay_wagtail.core.privacy import hash_ip
from heretostay_wagtail.grassroots import pictures
from heretostay_wagtail.grassroots.forms import LOCAL, REQUIRED_KEYS, STEPS
from heretostay_wagtail.grassroots.models import CampaignReport, ReportAction
from heretostay_wagtail.petitions.models import PetitionPage, PetitionTarget

SESSION_KEY = "heretostay_grassroots_draft"


class Draft:
    """A campaign being started on one index, in the visitor's session."""

    def __init__(self, request, index):
        self.session = request.session
        self.key = str(index.pk)

    @property
    def data(self):
        return dict(self.session.get(SESSION_KEY, {}).get(self.key, {}))

    def update(self, values):
        drafts = dict(self.session.get(SESSION_KEY, {}))
        drafts[self.key] = {**drafts.get(self.key, {}), **values}
        self.session[SESSION_KEY] = drafts

    def clear(self):
        drafts = dict(self.session.get(SESSION_KEY, {}))
        drafts.pop(self.key, None)
        self.session[SESSION_KEY] = drafts

    def first_missing_step(self):
        """The first step whose form the draft does not satisfy, or None when complete."""
        data = self.data
        for form_class in STEPS:
            form = form_class(data={key: data.get(key, "") for key in form_class.keys()})
            if not form.is_valid():
                return form_class.step
        return None

    @property
    def complete(self):
        data = self.data
        return all(data.get(key) for key in REQUIRED_KEYS) and self.first_missing_step() is None


def why_to_richtext(text):
    """Plain paragraphs (a blank line between them) as rich text, every character escaped."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(
        "<p>" + "<br/>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def _free_slug(parent, title):
    base = slugify(title, allow_unicode=True)[:60].strip("-") or "campaign"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _quiet_wagtail_notifications(user):
    """Starters hear of the outcome from us, in their language, with links they can open
    (``tasks.py``); not from Wagtail, whose emails link to the admin they cannot use."""
    if user.has_perm("wagtailadmin.access_admin"):
        return
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.approved_notifications = False
    profile.rejected_notifications = False
    profile.save(update_fields=["approved_notifications", "rejected_notifications"])


def build_page(index, data):
    """An unsaved petition from a draft (also the review pane's preview)."""
    page = PetitionPage(
        title=data["title"],
        ask=data["ask"],
        why=why_to_richtext(data["why"]),
        scope=data.get("scope") or LOCAL,
        place_name=data.get("place_name") or "",
        postal_code=data.get("postal_code") or "",
        locale=index.locale,
    )
    page.targets = [
        PetitionTarget(
            name=data["target_name"], role=data.get("target_role") or "", locale=index.locale
        )
    ]
    return page


@transaction.atomic
def start(index, data, user, picture=None, picture_description=""):
    """Create the petition of a complete draft under ``index``; returns the page.

    Moderated (the default): a draft page whose first revision enters the workflow of
    that part of the tree (``page.get_workflow()``), for editors to approve or reject in
    the Wagtail admin. ``live_unlisted``: published at once with ``awaiting_review``
    (unlisted, ``noindex``), and a revision without it enters the workflow, so approving
    publishes the same text, listed; rejecting takes it down (``rejected``).
    """
    page = build_page(index, data)
    page.slug = _free_slug(index, data["title"])
    page.owner = user
    page.live = False
    page.has_unpublished_changes = True
    if picture is not None:
        page.image = pictures.save(
            picture, title=data["title"], description=picture_description, user=user
        )
    index.add_child(instance=page)
    CampaignAdmin.objects.create(page=page, user=user, role=CampaignRole.STARTER, added_by=user)
    _quiet_wagtail_notifications(user)
    if index.live_unlisted:
        page.awaiting_review = True
        # The starter may not publish in Wagtail's terms: the organizer's choice of
        # "live_unlisted" is the permission.
        revision = page.save_revision(user=user, log_action=True)
        revision.publish(user=user, skip_permission_checks=True)
        page = PetitionPage.objects.get(pk=page.pk)
        page.awaiting_review = False
    revision = page.save_revision(user=user, log_action=True)
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, user)
    page.heretostay_revision = revision
    return page


def starter_of(page):
    """The user who started ``page`` from the public site, or None (an editor's page)."""
    row = (
        CampaignAdmin.objects.filter(page_id=page.pk, role=CampaignRole.STARTER)
        .select_related("user")
        .first()
    )
    return row.user if row else None


def is_started(page):
    return CampaignAdmin.objects.filter(page_id=page.pk, role=CampaignRole.STARTER).exists()


def approved(page, user=None):
    """After the workflow approved a started petition: listed from now on."""
    if page.live and page.awaiting_review:
        page.awaiting_review = False
        revision = page.save_revision(user=user, log_action=True)
        revision.publish(user=user, skip_permission_checks=True)


def rejected(page, user=None):
    """After the workflow rejected a started petition that went live unreviewed
    (``live_unlisted``): it is taken down until a new version is approved."""
    if page.live and page.awaiting_review:
        from wagtail.actions.unpublish_page import UnpublishPageAction

        # Rejecting in the workflow is the moderator's decision to take it down.
        UnpublishPageAction(page, user=user, log_action=True).execute(skip_permission_checks=True)


# -- reports ---------------------------------------------------------------------------


def report(page, form, ip):
    return CampaignReport.objects.create(
        page=page,
        reason=form.cleaned_data["reason"],
        details=form.cleaned_data.get("details") or "",
        email=form.cleaned_data.get("email") or "",
        ip_hash=hash_ip(ip),
    )


def _resolve(report_obj, action, user):
    """Resolve a report, and every other open report of the same page with it."""
    now = timezone.now()
    open_reports = CampaignReport.objects.filter(
        page_id=report_obj.page_id, resolved_at__isnull=True
    )
    count = open_reports.update(resolved_at=now, resolved_by=user, action=action)
    audit.log(
        report_obj.page.specific,
        f"heretostay.report.{action}",
        user=user,
        reports=count,
        reason=report_obj.reason,
    )
    return count


@transaction.atomic
def take_down(report_obj, user):
    """Unpublish the reported page (every translation), and resolve its reports."""
    page = report_obj.page.specific
    for translation in [page, *page.get_translations()]:
        if translation.live:
            translation.unpublish(user=user, log_action=True)
    return _resolve(report_obj, ReportAction.TAKEN_DOWN, user)


@transaction.atomic
def dismiss(report_obj, user):
    return _resolve(report_obj, ReportAction.DISMISSED, user)
