"""My Campaigns and the manage pane: what a campaign's starter and co-admins do from the
public site, without Wagtail admin access.

Every view needs a logged-in account and rights on the campaign (``core/rights.py``):
anyone else gets a 404, the same as for a page that does not exist, so page ids tell
nobody which campaigns exist. The tools reuse the paper and delivery services and forms
(``paper/sheets.py``, ``paper/entry.py``, ``paper/forms.py``, ``paper/tasks.py``); the
edit form is the start flow's fields (``grassroots/forms.py``), saved as a new revision
that goes through the page's Wagtail workflow before it replaces the live text.
Every view or download of signers writes a Wagtail audit-log entry (no names in it).
"""

import functools
import html
import re
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils import translation as i18n
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log as wagtail_log
from wagtail.models import Page, PageLogEntry, WorkflowState

from heretostay_wagtail.core import audit, exports, privacy, rights, throttling
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.fields import email_field
from heretostay_wagtail.core.models import CampaignCounter, CampaignSettings
from heretostay_wagtail.core.sharing import share_links
from heretostay_wagtail.grassroots import forms as start_forms
from heretostay_wagtail.grassroots import invitations
from heretostay_wagtail.paper import entry, sheets
from heretostay_wagtail.paper import forms as paper_forms
from heretostay_wagtail.paper.models import DeliveryJob, DeliveryJobStatus
from heretostay_wagtail.paper.tasks import (
    FILE_MISSING,
    delivery_file_response,
    email_delivery,
    request_delivery,
)
from heretostay_wagtail.petitions.exports import COLUMNS as SIGNATURE_COLUMNS
from heretostay_wagtail.petitions.models import FieldChoice, PetitionPage, PetitionStatus, Signature

PAPER_PERMISSION = "heretostay.add_paper_signatures"
DELIVER_PERMISSION = "heretostay.deliver_petition"
SIGNERS_PERMISSION = "heretostay.view_signature"
SIGNERS_PER_PAGE = 50
DEFAULT_ROWS = 10
#: Marks the unpublish log entries made here: only a campaign taken offline from its
#: manage pane can be brought back from it (not one an editor took down).
OFFLINE_MARK = "my_campaigns"


def _url(name, *args):
    return reverse(f"heretostay:heretostay_mycampaigns_{name}", args=args)


def _language_for(request, kwargs):
    """The campaign's language for a campaign's pane; for My Campaigns (and the
    invitation page), the language of the user's newest campaign, else the request's.

    The pane lives outside the language-prefixed URLs (``campaigns/``), like the start
    flow: a starter who started in Spanish manages in Spanish whatever the browser says.
    """
    page_id = kwargs.get("page_id")
    codes = Page.objects.filter(locale__isnull=False)
    if page_id is not None:
        code = codes.filter(pk=page_id).values_list("locale__language_code", flat=True).first()
    elif request.user.is_authenticated:
        code = (
            codes.filter(pk__in=list(rights.campaign_pages_for(request.user)))
            .order_by("-pk")
            .values_list("locale__language_code", flat=True)
            .first()
        )
    else:
        code = None
    return code or i18n.get_language()


def pane_view(view):
    """Login required, never cached, in the campaign's language (``_language_for``)."""

    @functools.wraps(view)
    def in_language(request, *args, **kwargs):
        with i18n.override(_language_for(request, kwargs)):
            request.LANGUAGE_CODE = i18n.get_language()
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    return never_cache(login_required(in_language))


# -- status ------------------------------------------------------------------------------


@dataclass
class Status:
    code: str
    label: str
    note: str = ""


STATUS_LABELS = {
    "pending": gettext_lazy("Waiting for review"),
    "draft": gettext_lazy("Not submitted for review"),
    "rejected": gettext_lazy("Not approved"),
    "awaiting_review": gettext_lazy("Online, awaiting review"),
    "live": gettext_lazy("Online"),
    "offline": gettext_lazy("Offline"),
    "closed": gettext_lazy("Closed"),
    "delivered": gettext_lazy("Delivered"),
}


def status_of(page):
    """Where a campaign stands, for its starter: ``Status(code, label, note)``.

    pending (a draft in the workflow), rejected (the workflow asked for changes), live,
    awaiting review (live unlisted until an editor reviews it), offline (taken offline
    after being live), closed, delivered; the note says when an edit waits for review or
    was not approved while the live text stays.
    """
    state = page.current_workflow_state
    waiting = state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    sent_back = state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES
    note = ""
    if page.status == PetitionStatus.DELIVERED:
        code = "delivered"
    elif not page.live:
        if page.first_published_at and _offline_here(page) is not None:
            code = "offline"
            if waiting:
                note = _(
                    "Your changes are waiting for review; once approved, the petition is "
                    "online again."
                )
        elif waiting:
            code = "pending"
        elif sent_back:
            code = "rejected"
        elif page.first_published_at:
            code = "offline"
        else:
            code = "draft"
    else:
        if page.awaiting_review:
            code = "awaiting_review"
        elif page.status == PetitionStatus.CLOSED or (
            page.closes_at and page.closes_at <= timezone.now()
        ):
            code = "closed"
        else:
            code = "live"
        if waiting and not page.awaiting_review:
            note = _("Your changes are waiting for review; the live page has not changed.")
        elif sent_back:
            note = _("Your last changes were not approved; the live page has not changed.")
    return Status(code, str(STATUS_LABELS[code]), note)


def review_comment(page):
    """The reviewer's comment when the workflow asked for changes, else ""."""
    state = page.current_workflow_state
    if state is None or state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return ""
    task_state = state.current_task_state
    return (getattr(task_state, "comment", "") or "") if task_state else ""


# -- finding the campaign -----------------------------------------------------------------


def _petition(request, page_id, *, tool=None):
    """The petition ``page_id`` if the user may manage it (and use ``tool``, a permission
    staff need), else 404: the same answer as for an id that does not exist."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        raise Http404
    page = page.specific
    if not isinstance(page, PetitionPage):
        raise Http404
    allowed = (
        rights.can_use_tool(request.user, page, tool)
        if tool
        else rights.can_manage_campaign(request.user, page)
    )
    if not allowed:
        raise Http404
    return page


def _role(request, page):
    """``"starter"``, ``"admin"`` or ``"staff"``."""
    return rights.campaign_role(request.user, page) or "staff"


def _sees_contacts(request, page):
    """Campaign admins see emails and phones only if the organization allows it
    (``CampaignSettings.starters_see_contacts``); staff with the contact permission."""
    if rights.is_campaign_admin(request.user, page):
        site = page.get_site()
        if site is not None and CampaignSettings.for_site(site).starters_see_contacts:
            return True
    if rights.has_page_rights(request.user, page):
        return privacy.can_see_contacts(request.user, Signature)
    return False


def _tools(request, page):
    user = request.user
    return {
        "can_paper": rights.can_use_tool(user, page, PAPER_PERMISSION),
        "can_deliver": rights.can_use_tool(user, page, DELIVER_PERMISSION),
        "can_signers": rights.can_use_tool(user, page, SIGNERS_PERMISSION),
    }


def _render(request, template, page, title, **context):
    context.update(
        {
            "page_obj": page,
            "campaign": page,
            "title": title,
            "role": _role(request, page),
            "totals": CampaignCounter.totals(page.campaign_key),
            **_tools(request, page),
        }
    )
    return TemplateResponse(request, f"heretostay/grassroots/manage/{template}", context)


# -- My Campaigns -------------------------------------------------------------------------


@pane_view
def my_campaigns(request):
    roles = rights.campaign_pages_for(request.user)
    pages = (
        PetitionPage.objects.filter(pk__in=roles)
        .select_related("locale")
        .order_by("-latest_revision_created_at", "-pk")
    )
    pages = list(pages)
    counters = {
        row["campaign_key"]: row["count"] + row["paper_tally"]
        for row in CampaignCounter.objects.filter(
            pk__in=[page.campaign_key for page in pages]
        ).values("campaign_key", "count", "paper_tally")
    }
    campaigns = [
        {
            "page": page,
            "status": status_of(page),
            "role": roles[page.pk],
            "count": counters.get(page.campaign_key, 0),
            "goal": page.goal,
            "manage_url": _url("manage", page.pk),
        }
        for page in pages
    ]
    return TemplateResponse(
        request,
        "heretostay/grassroots/manage/my_campaigns.html",
        {"campaigns": campaigns, "title": _("My campaigns")},
    )


# -- the manage pane ----------------------------------------------------------------------


@pane_view
def manage(request, page_id):
    page = _petition(request, page_id)
    status = status_of(page)
    return _render(
        request,
        "manage.html",
        page,
        page.title,
        status=status,
        comment=review_comment(page),
        can_online=can_bring_online(page),
        share=share_links(page, request) if page.live else None,
        live_url=page.get_url(request) if page.live else "",
        jobs=page.delivery_jobs.all()[:3],
    )


# -- edit: a new revision through the workflow ---------------------------------------------


class EditForm(
    start_forms.NameForm,
    start_forms.TargetForm,
    start_forms.AskForm,
    start_forms.WhyForm,
    start_forms.WhereForm,
):
    """The start flow's fields in one form (its limits and rules, the place rule too)."""

    field_order = [
        "title",
        "target_name",
        "target_role",
        "ask",
        "why",
        "scope",
        "place_name",
        "postal_code",
    ]


_PARAGRAPH = re.compile(r"</p>\s*", re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def richtext_to_plain(value):
    """Rich text as the plain paragraphs the form edits (a blank line between them)."""
    text = _BREAK.sub("\n", str(value or ""))
    paragraphs = [html.unescape(_TAG.sub("", p)).strip() for p in _PARAGRAPH.split(text)]
    return "\n\n".join(p for p in paragraphs if p)


def _latest(page):
    """The latest revision's version of the page (the pending edit, if any)."""
    return page.get_latest_revision_as_object() if page.latest_revision_id else page


def _initial(draft):
    target = draft.targets.all()[0] if draft.targets.all() else None
    return {
        "title": draft.title,
        "target_name": target.name if target else "",
        "target_role": target.role if target else "",
        "ask": draft.ask,
        "why": richtext_to_plain(draft.why),
        "scope": draft.scope,
        "place_name": draft.place_name,
        "postal_code": draft.postal_code,
    }


def submit_edit(page, data, user):
    """Save ``data`` (``EditForm.cleaned_data``) as a new revision of ``page`` and submit it
    to the page's workflow; the live page is untouched until a reviewer approves.

    Returns the revision. Raises ValueError when the page has no workflow (nothing would
    review the edit) or is locked by an editor.
    """
    from heretostay_wagtail.grassroots.services import why_to_richtext
    from heretostay_wagtail.petitions.models import PetitionTarget

    workflow = page.get_workflow()
    if workflow is None or not workflow.active:
        raise ValueError(
            _(
                "Changes to a campaign are reviewed before they go live, but no review "
                "is set up for this campaign. Contact the organization."
            )
        )
    if page.locked:
        raise ValueError(_("An editor is working on this campaign. Try again later."))
    with transaction.atomic():
        draft = _latest(page)
        draft.title = data["title"]
        draft.draft_title = data["title"]
        draft.ask = data["ask"]
        draft.why = why_to_richtext(data["why"])
        draft.scope = data["scope"]
        draft.place_name = data.get("place_name") or ""
        draft.postal_code = data.get("postal_code") or ""
        targets = list(draft.targets.all())
        if targets:
            targets[0].name = data["target_name"]
            targets[0].role = data.get("target_role") or ""
        else:
            targets = [
                PetitionTarget(
                    name=data["target_name"],
                    role=data.get("target_role") or "",
                    locale=page.locale,
                )
            ]
        draft.targets = targets
        revision = draft.save_revision(user=user, log_action=True)
        state = page.current_workflow_state
        if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            state.resume(user)
        else:
            if state is not None:
                # An earlier edit still waits: this one replaces it in review.
                state.cancel(user=user)
            workflow.start(page, user)
    return revision


@pane_view
def edit(request, page_id):
    page = _petition(request, page_id)
    draft = _latest(page)
    form = EditForm(request.POST or None, initial=_initial(draft))
    if request.method == "POST" and form.is_valid():
        try:
            submit_edit(page, form.cleaned_data, request.user)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            if page.live:
                messages.success(
                    request,
                    _(
                        "Your changes were sent for review. The live page stays as it was "
                        "until they are approved."
                    ),
                )
            else:
                messages.success(request, _("Your changes were sent for review."))
            return redirect(_url("manage", page.pk))
    return _render(
        request,
        "edit.html",
        page,
        _("Edit the petition"),
        form=form,
        status=status_of(page),
        rich_why=bool(re.search(r"<(?!/?(p|br)\b)", str(draft.why or ""), re.IGNORECASE)),
    )


# -- offline / online ---------------------------------------------------------------------


def _campaign_pages(page):
    return [
        page,
        *PetitionPage.objects.filter(translation_key=page.translation_key).exclude(pk=page.pk),
    ]


def _last_unpublish(page):
    return (
        PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.unpublish")
        .order_by("-timestamp", "-pk")
        .first()
    )


def _offline_here(page):
    """The revision that was live when this pane took ``page`` offline, or None (never
    taken offline here, or taken down since by someone else)."""
    if page.live:
        return None
    entry_ = _last_unpublish(page)
    if entry_ is None or (entry_.data or {}).get("from") != OFFLINE_MARK:
        return None
    return entry_.revision


def can_bring_online(page):
    return any(_offline_here(p) is not None for p in _campaign_pages(page))


def take_offline(page, user):
    """Unpublish every live translation of the campaign, noting which revision was live
    so ``bring_online`` can publish exactly that text again."""
    done = 0
    for translation in _campaign_pages(page):
        if not translation.live:
            continue
        live_revision = translation.live_revision
        # The starter has no Wagtail permission to unpublish: rights were checked here.
        UnpublishPageAction(translation, user=user, log_action=False).execute(
            skip_permission_checks=True
        )
        wagtail_log(
            translation,
            "wagtail.unpublish",
            user=user,
            revision=live_revision,
            data={"from": OFFLINE_MARK},
        )
        done += 1
    return done


def bring_online(page, user):
    """Publish again the revision each translation had when taken offline here: text an
    editor approved before (or that went live unreviewed by the organization's choice),
    never a pending edit. A pending edit stays in its workflow."""
    from wagtail.actions.publish_page_revision import PublishPageRevisionAction

    class Republish(PublishPageRevisionAction):
        def _after_publish(self):
            # As Wagtail's, without cancelling the workflow of a pending edit.
            from wagtail.signals import page_published, published

            page_published.send(
                sender=self.object.specific_class,
                instance=self.object.specific,
                revision=self.revision,
            )
            published.send(sender=type(self.object), instance=self.object, revision=self.revision)

    done = 0
    for translation in _campaign_pages(page):
        revision = _offline_here(translation)
        if revision is None:
            continue
        Republish(revision, user=user).execute(skip_permission_checks=True)
        done += 1
    return done


@pane_view
def offline(request, page_id):
    page = _petition(request, page_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    with transaction.atomic():
        done = take_offline(page, request.user)
    if done:
        messages.success(
            request,
            _("Your petition is offline: nobody can see or sign it until you bring it back."),
        )
    else:
        messages.warning(request, _("Your petition was not online."))
    return redirect(_url("manage", page.pk))


@pane_view
def online(request, page_id):
    page = _petition(request, page_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    with transaction.atomic():
        done = bring_online(page, request.user)
    if done:
        messages.success(request, _("Your petition is online again."))
    else:
        messages.error(
            request,
            _(
                "This petition cannot be brought back from here: it was not approved yet, "
                "or the organization took it offline. Contact the organization."
            ),
        )
    return redirect(_url("manage", page.pk))


# -- campaign admins ----------------------------------------------------------------------


class InviteForm(forms.Form):
    email = email_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email address of the person to invite")


@pane_view
def admins(request, page_id):
    page = _petition(request, page_id)
    role = _role(request, page)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not throttling.hit(request, "campaign_invite", ident=f"user:{request.user.pk}"):
            form.add_error("email", _("You have sent many invitations. Try again in an hour."))
    if request.method == "POST" and form.is_valid():
        try:
            invitations.invite(page, form.cleaned_data["email"], user=request.user)
        except invitations.InvitationError as exc:
            form.add_error("email", str(exc.message))
        else:
            messages.success(
                request,
                _("Invitation sent. The link in it works for %(days)s days.")
                % {"days": get_setting("CAMPAIGN_INVITATION_DAYS")},
            )
            return redirect(_url("admins", page.pk))
    rows = [
        {
            "row": row,
            "is_me": row.user_id == request.user.pk,
            "removable": invitations.can_remove(role, row, actor=request.user),
        }
        for row in invitations.admins(page)
    ]
    return _render(
        request,
        "admins.html",
        page,
        _("Campaign admins"),
        form=form,
        rows=rows,
        invitations=invitations.pending(page),
    )


@pane_view
def remove_admin(request, page_id, admin_id):
    """GET asks for confirmation; POST removes (or, for one's own row, leaves)."""
    page = _petition(request, page_id)
    row = next((r for r in invitations.admins(page) if r.pk == admin_id), None)
    if row is None or not invitations.can_remove(_role(request, page), row, actor=request.user):
        raise Http404
    leaving = row.user_id == request.user.pk
    if request.method == "POST":
        invitations.remove(row)
        if leaving:
            messages.success(request, _("You no longer run this campaign."))
            return redirect(_url("index"))
        messages.success(request, _("Removed from the campaign's admins."))
        return redirect(_url("admins", page.pk))
    return _render(
        request,
        "remove_admin.html",
        page,
        _("Leave the campaign") if leaving else _("Remove a campaign admin"),
        row=row,
        leaving=leaving,
    )


@pane_view
def cancel_invitation(request, page_id, invitation_id):
    page = _petition(request, page_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    invitation = invitations.pending(page).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    invitations.cancel(invitation)
    messages.success(request, _("Invitation cancelled."))
    return redirect(_url("admins", page.pk))


@pane_view
def accept(request, token):
    """GET shows the invitation (an email scanner opening the link spends nothing); the
    button POSTs. Refused with a reason: expired, used, or another account."""
    result = invitations.check(token, request.user)
    page = result.invitation.page.specific if result.invitation else None
    if request.method == "POST" and result.error is None:
        try:
            invitations.accept(token, request.user)
        except invitations.InvitationError as exc:
            result = invitations.Check(result.invitation, exc.message)
        else:
            messages.success(request, _("You are now an admin of this campaign."))
            return redirect(_url("manage", page.pk))
    return TemplateResponse(
        request,
        "heretostay/grassroots/manage/accept.html",
        {
            "title": _("Invitation to run a campaign"),
            "error": result.error,
            # The campaign's title only for the invited account: nobody else learns
            # which campaign a stray link is for.
            "invited_to": page if result.error is None else None,
        },
        status=200 if result.error is None else 400,
    )


# -- paper: sheets and entry ----------------------------------------------------------------


@pane_view
def paper_sheets(request, page_id):
    page = _petition(request, page_id, tool=PAPER_PERMISSION)
    form = paper_forms.PrintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        size = form.cleaned_data["paper_size"]
        issued = sheets.issue_sheets(page, form.cleaned_data["sheets"], size, request.user)
        pdf = sheets.render_sheets(page, issued, size)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{page.slug}-signature-sheets.pdf"'
        response["Cache-Control"] = "no-store"
        return response
    return _render(
        request,
        "paper_sheets.html",
        page,
        _("Collect signatures on paper"),
        form=form,
        columns=sheets.columns(page),
    )


def _row_count(request):
    try:
        return max(1, min(50, int(request.GET.get("rows", DEFAULT_ROWS))))
    except ValueError:
        return DEFAULT_ROWS


@pane_view
def paper_entry(request, page_id):
    page = _petition(request, page_id, tool=PAPER_PERMISSION)
    batch = paper_forms.EntryBatchForm(request.POST or None)
    report, row_errors = None, {}
    if request.method != "POST":
        formset = paper_forms.EntryFormSet(
            initial=[{}] * _row_count(request), form_kwargs={"petition": page}
        )
    else:
        formset = paper_forms.EntryFormSet(request.POST, form_kwargs={"petition": page})
        if batch.is_valid() and formset.is_valid():
            try:
                code = entry.check_sheet_code(page, batch.cleaned_data["sheet_code"])
            except ValueError as exc:
                batch.add_error("sheet_code", str(exc))
            else:
                numbered = [(i + 1, form.cleaned_data) for i, form in enumerate(formset.forms)]
                report = entry.enter_rows(
                    page, numbered, user=request.user, sheet_code=code, method="my_campaigns"
                )
                # Rows not saved come back filled in, in their places, to fix and resend.
                size = max([len(formset.forms)] + [r.number for r in report.rejected])
                initial = [{} for _i in range(size)]
                for row in report.rejected:
                    initial[row.number - 1] = row.data | {"opt_in": row.data.get("opt_in") == "on"}
                    row_errors[row.number - 1] = row.errors
                formset = paper_forms.EntryFormSet(initial=initial, form_kwargs={"petition": page})
                batch = paper_forms.EntryBatchForm(initial={"sheet_code": code})
    rows = [(form, row_errors.get(i, [])) for i, form in enumerate(formset.forms)]
    return _render(
        request,
        "paper_entry.html",
        page,
        _("Enter paper signatures"),
        batch=batch,
        formset=formset,
        rows=rows,
        report=report,
        more_rows=_row_count(request) + 10,
    )


# -- delivery ---------------------------------------------------------------------------


@pane_view
def deliver(request, page_id):
    page = _petition(request, page_id, tool=DELIVER_PERMISSION)
    form = paper_forms.DeliveryForm(request.POST or None, petition=page)
    if request.method == "POST" and form.is_valid():
        job = request_delivery(page, form.cleaned_data, user=request.user)
        return redirect(_url("delivery", page.pk, job.pk))
    return _render(
        request,
        "deliver.html",
        page,
        _("Deliver the petition"),
        form=form,
        jobs=page.delivery_jobs.all()[:10],
    )


def _job(request, page_id, job_id):
    page = _petition(request, page_id, tool=DELIVER_PERMISSION)
    job = get_object_or_404(DeliveryJob, pk=job_id, page=page)
    return page, job


def _ready(job):
    return job.status == DeliveryJobStatus.DONE and bool(job.file_name)


@pane_view
def delivery(request, page_id, job_id):
    page, job = _job(request, page_id, job_id)
    form = paper_forms.EmailForm(request.POST or None, auto_id="id_email_%s")
    if request.method == "POST":
        if not _ready(job):
            messages.warning(request, _("This PDF is not ready yet."))
            return redirect(_url("delivery", page.pk, job.pk))
        if form.is_valid():
            recipients = form.cleaned_data["recipients"]
            user_id = request.user.pk
            transaction.on_commit(lambda: email_delivery.enqueue(job.pk, recipients, user_id))
            messages.success(
                request,
                _("The PDF is being sent to %(recipients)s.")
                % {"recipients": ", ".join(recipients)},
            )
            return redirect(_url("delivery", page.pk, job.pk))
    return _render(
        request,
        "delivery.html",
        page,
        _("Delivery PDF"),
        job=job,
        ready=_ready(job),
        email_form=form,
        targets=page.target_names,
    )


@pane_view
def delivery_download(request, page_id, job_id):
    page, job = _job(request, page_id, job_id)
    if not _ready(job):
        messages.warning(request, _("This PDF is not ready yet."))
        return redirect(_url("delivery", page.pk, job.pk))
    response = delivery_file_response(page, job, user=request.user)
    if response is None:
        messages.error(request, str(FILE_MISSING))
        return redirect(_url("delivery", page.pk, job.pk))
    return response


# -- signers -----------------------------------------------------------------------------


def _signer_columns(page, contacts):
    keys = ["name"]
    if page.ask_postal_code != FieldChoice.OFF:
        keys.append("postal_code")
    if contacts:
        keys.append("email")
        if page.ask_phone != FieldChoice.OFF:
            keys.append("phone")
    if page.ask_comment != FieldChoice.OFF:
        keys.append("comment")
    keys += ["source", "created_at"]
    by_key = {column.key: column for column in SIGNATURE_COLUMNS}
    return [by_key[key] for key in keys]


def _signers(page):
    """The campaign's counted signers (confirmed, not anonymized), newest first."""
    return Signature.objects.filter(
        campaign_key=page.campaign_key,
        confirmed_at__isnull=False,
        anonymized_at__isnull=True,
    ).order_by("-created_at", "-pk")


@pane_view
def signers(request, page_id):
    page = _petition(request, page_id, tool=SIGNERS_PERMISSION)
    contacts = _sees_contacts(request, page)
    columns = _signer_columns(page, contacts)
    listing = Paginator(_signers(page), SIGNERS_PER_PAGE).get_page(request.GET.get("p"))
    table = [
        [(column.display or column.get)(signature) for column in columns] for signature in listing
    ]
    audit.log_view(
        request.user,
        Signature,
        records=len(table),
        contacts=contacts,
        instance=page,
        via=OFFLINE_MARK,
        page=listing.number,
    )
    return _render(
        request,
        "signers.html",
        page,
        _("Signers"),
        headings=[column.heading for column in columns],
        table=table,
        listing=listing,
        contacts=contacts,
        date_index=[column.key for column in columns].index("created_at"),
    )


@pane_view
def signers_csv(request, page_id):
    page = _petition(request, page_id, tool=SIGNERS_PERMISSION)
    contacts = _sees_contacts(request, page)
    columns = _signer_columns(page, contacts)
    queryset = _signers(page)
    audit.log(
        page,
        "heretostay.export",
        user=request.user,
        model=Signature._meta.label,
        format=exports.CSV,
        filters={},
        rows=queryset.count(),
        contacts=contacts,
        via=OFFLINE_MARK,
    )
    return exports.response(queryset, columns, exports.CSV, f"{page.slug}-signers")


__all__ = [
    "my_campaigns",
    "manage",
    "edit",
    "offline",
    "online",
    "admins",
    "remove_admin",
    "cancel_invitation",
    "accept",
    "paper_sheets",
    "paper_entry",
    "deliver",
    "delivery",
    "delivery_download",
    "signers",
    "signers_csv",
    "status_of",
    "submit_edit",
    "take_offline",
    "bring_online",
]
