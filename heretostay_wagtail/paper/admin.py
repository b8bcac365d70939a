"""Admin screens for paper signatures and delivery, reached from the petition's page menu.

Printing sheets and typing them in needs ``heretostay.add_paper_signatures``; building,
downloading and emailing the delivery PDF (names of signers) needs
``heretostay.deliver_petition``, and rights on that petition (``core/rights.py``): Wagtail
page permissions on it, or being its starter or a co-admin. Every action that touches
personal data is audit-logged.
"""

import functools
import logging

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.widgets import Button

from heretostay_wagtail.core import rights
from heretostay_wagtail.core.models import CampaignCounter
from heretostay_wagtail.paper import csvimport, entry, retention, sheets
from heretostay_wagtail.paper import forms as paper_forms
from heretostay_wagtail.paper.models import DeliveryJob, DeliveryJobStatus, PaperTally
from heretostay_wagtail.paper.tasks import (
    FILE_MISSING,
    delivery_file_response,
    email_delivery,
    request_delivery,
)
from heretostay_wagtail.petitions.models import PetitionPage, Signature

logger = logging.getLogger(__name__)

PAPER_PERMISSION = "heretostay.add_paper_signatures"
DELIVER_PERMISSION = "heretostay.deliver_petition"
DEFAULT_ROWS = 15
TALLIES_PER_PAGE = 50


class Denied(Exception):
    """Raised inside a view; answered with a plain 403 page (Wagtail would redirect)."""


def forbidding(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Denied:
            return TemplateResponse(
                request,
                "heretostay/admin/paper_denied.html",
                {"page_title": _("Permission denied"), "header_icon": "warning"},
                status=403,
            )

    return wrapper


def _petition(request, page_id, permission):
    """The petition, if ``request.user`` may use the tool needing ``permission`` on it:
    the global permission and page rights on this petition, or being its starter or a
    co-admin (``core/rights.py::can_use_tool``)."""
    petition = get_object_or_404(PetitionPage, pk=page_id)
    if not rights.can_use_tool(request.user, petition, permission):
        raise Denied
    return petition


def _is_organizer(user, page):
    """May use one of the tools on ``page`` (``can_use_tool`` of either permission). The
    page listing asks this per row: the campaign-admin query runs only for a user who runs
    some campaign (``rights.runs_any_campaign``, one query per request)."""
    if user.has_perm(PAPER_PERMISSION) or user.has_perm(DELIVER_PERMISSION):
        if rights.has_page_rights(user, page):
            return True
    return rights.runs_any_campaign(user) and rights.is_campaign_admin(user, page)


def _render(request, template, petition, title, **context):
    context.update(
        {
            "petition": petition,
            "page_title": title,
            "page_subtitle": petition.title,
            "header_icon": "doc-full",
            "can_enter": rights.can_use_tool(request.user, petition, PAPER_PERMISSION),
            "can_deliver": rights.can_use_tool(request.user, petition, DELIVER_PERMISSION),
            "totals": CampaignCounter.totals(petition.campaign_key),
        }
    )
    return TemplateResponse(request, template, context)


def tools(request, page_id):
    petition = get_object_or_404(PetitionPage, pk=page_id)
    if not _is_organizer(request.user, petition):
        raise Denied
    return _render(
        request,
        "heretostay/admin/paper_tools.html",
        petition,
        _("Paper signatures and delivery"),
        paper_count=Signature.objects.filter(
            campaign_key=petition.campaign_key, source="paper"
        ).count(),
        tallies=_tallies(petition)[:20],
        jobs=(
            petition.delivery_jobs.all()[:5]
            if rights.can_use_tool(request.user, petition, DELIVER_PERMISSION)
            else []
        ),
    )


def print_form(request, page_id):
    petition = _petition(request, page_id, PAPER_PERMISSION)
    form = paper_forms.PrintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        size = form.cleaned_data["paper_size"]
        issued = sheets.issue_sheets(petition, form.cleaned_data["sheets"], size, request.user)
        pdf = sheets.render_sheets(petition, issued, size)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{petition.slug}-signature-sheets.pdf"'
        )
        return response
    return _render(
        request,
        "heretostay/admin/paper_print.html",
        petition,
        _("Print signature sheets"),
        form=form,
        columns=sheets.columns(petition),
    )


def enter(request, page_id):
    petition = _petition(request, page_id, PAPER_PERMISSION)
    rows = _row_count(request)
    batch = paper_forms.EntryBatchForm(request.POST or None)
    formset = paper_forms.EntryFormSet(
        request.POST or None,
        form_kwargs={"petition": petition},
        initial=None,
    )
    if request.method != "POST":
        formset = paper_forms.EntryFormSet(initial=[{}] * rows, form_kwargs={"petition": petition})
        return _entry_page(request, petition, batch, formset, None, {})
    if not (batch.is_valid() and formset.is_valid()):
        return _entry_page(request, petition, batch, formset, None, {})
    try:
        code = entry.check_sheet_code(petition, batch.cleaned_data["sheet_code"])
    except ValueError as exc:
        batch.add_error("sheet_code", str(exc))
        return _entry_page(request, petition, batch, formset, None, {})
    numbered = [(i + 1, form.cleaned_data) for i, form in enumerate(formset.forms)]
    report = entry.enter_rows(petition, numbered, user=request.user, sheet_code=code)
    _report_message(request, report)
    # Rows that were not saved come back filled in, with their reasons, to fix and resend,
    # each in its own place: row 3 of the sheet stays row 3 in the form and in the report
    # (the rows saved come back empty, and empty rows are skipped).
    rejected = report.rejected
    initial = [{} for _ in range(max([len(formset.forms)] + [r.number for r in rejected]))]
    errors = {}
    for row in rejected:
        initial[row.number - 1] = row.data | {"opt_in": row.data.get("opt_in") == "on"}
        errors[row.number - 1] = row.errors
    fresh = paper_forms.EntryFormSet(initial=initial, form_kwargs={"petition": petition})
    fresh_batch = paper_forms.EntryBatchForm(initial={"sheet_code": code})
    return _entry_page(request, petition, fresh_batch, fresh, report, errors)


def _row_count(request):
    try:
        return max(1, min(100, int(request.GET.get("rows", DEFAULT_ROWS))))
    except ValueError:
        return DEFAULT_ROWS


def _entry_page(request, petition, batch, formset, report, row_errors):
    rows = [(form, row_errors.get(i, [])) for i, form in enumerate(formset.forms)]
    if formset.forms and not batch.errors:
        # The first row to fix, or the first row of a new sheet.
        first = min(row_errors, default=0)
        formset.forms[first].fields["name"].widget.attrs["autofocus"] = True
    return _render(
        request,
        "heretostay/admin/paper_enter.html",
        petition,
        _("Enter paper signatures"),
        batch=batch,
        formset=formset,
        rows=rows,
        report=report,
        headings=[f.label for f in paper_forms.EntryRowForm(petition=petition).fields.values()],
        upload_form=paper_forms.UploadForm(),
    )


def _report_message(request, report):
    counts = report.summary()
    message = (
        _("%(added)s signatures added, %(duplicates)s already signed, %(rejected)s rejected.")
        % counts
    )
    if counts["rejected"] or counts["duplicates"]:
        messages.warning(request, message)
    else:
        messages.success(request, message)


def upload(request, page_id):
    petition = _petition(request, page_id, PAPER_PERMISSION)
    form = paper_forms.UploadForm(request.POST or None, request.FILES or None)
    report, ignored = None, []
    if request.method == "POST" and form.is_valid():
        try:
            code = entry.check_sheet_code(petition, form.cleaned_data["sheet_code"])
            rows, ignored = csvimport.read_upload(form.cleaned_data["file"], petition)
        except ValueError as exc:  # CSVError is a ValueError
            form.add_error(
                "file" if isinstance(exc, csvimport.CSVError) else "sheet_code", str(exc)
            )
        else:
            if not rows:
                form.add_error("file", _("The file has no rows below the column names."))
            else:
                report = entry.enter_rows(
                    petition, rows, user=request.user, sheet_code=code, method="csv"
                )
                _report_message(request, report)
    return _render(
        request,
        "heretostay/admin/paper_upload.html",
        petition,
        _("Upload paper signatures (CSV)"),
        form=form,
        report=report,
        ignored=ignored,
        max_rows=csvimport.get_setting("PAPER_MAX_ROWS"),
        max_kb=csvimport.get_setting("MAX_UPLOAD_SIZE") // 1024,
    )


def tally(request, page_id):
    petition = _petition(request, page_id, PAPER_PERMISSION)
    form = paper_forms.TallyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry.add_tally(
                petition,
                form.cleaned_data["count"],
                user=request.user,
                sheet_code=form.cleaned_data["sheet_code"],
                note=form.cleaned_data["note"],
            )
        except ValueError as exc:
            form.add_error("sheet_code", str(exc))
        else:
            messages.success(
                request,
                _("Added %(count)s signatures counted on paper.")
                % {"count": form.cleaned_data["count"]},
            )
            return redirect("heretostay_paper_tools", page_id=petition.pk)
    tallies = Paginator(_tallies(petition), TALLIES_PER_PAGE).get_page(request.GET.get("p"))
    return _render(
        request,
        "heretostay/admin/paper_tally.html",
        petition,
        _("Count paper signatures without names"),
        form=form,
        tallies=tallies,
    )


def _tallies(petition):
    """Every paper count of the campaign, whichever translation it was entered in."""
    return PaperTally.objects.filter(campaign_key=petition.campaign_key).select_related(
        "entered_by", "page__locale"
    )


def remove_tally(request, page_id, tally_id):
    """GET asks for confirmation; only POST removes the count (and its number)."""
    petition = _petition(request, page_id, PAPER_PERMISSION)
    tally = get_object_or_404(
        PaperTally.objects.select_related("entered_by"),
        pk=tally_id,
        campaign_key=petition.campaign_key,
    )
    if request.method == "POST":
        if entry.remove_tally(petition, tally, user=request.user):
            messages.success(
                request,
                _("Removed %(count)s signatures counted on paper.") % {"count": tally.count},
            )
        else:
            messages.warning(request, _("This count had already been removed."))
        return redirect("heretostay_paper_tally", page_id=petition.pk)
    totals = CampaignCounter.totals(petition.campaign_key)
    return _render(
        request,
        "heretostay/admin/paper_tally_remove.html",
        petition,
        _("Remove a paper count"),
        tally=tally,
        total_after=totals["count"] + max(0, totals["paper_tally"] - tally.count),
    )


def deliver(request, page_id):
    petition = _petition(request, page_id, DELIVER_PERMISSION)
    form = paper_forms.DeliveryForm(request.POST or None, petition=petition)
    if request.method == "POST" and form.is_valid():
        job = request_delivery(petition, form.cleaned_data, user=request.user)
        return redirect("heretostay_delivery_job", page_id=petition.pk, job_id=job.pk)
    return _render(
        request,
        "heretostay/admin/paper_deliver.html",
        petition,
        _("Delivery PDF"),
        form=form,
        jobs=petition.delivery_jobs.all()[:10],
    )


def _job(request, page_id, job_id):
    petition = _petition(request, page_id, DELIVER_PERMISSION)
    job = get_object_or_404(DeliveryJob, pk=job_id, page=petition)
    return petition, job


def _job_page(request, petition, job, email_form, refresh):
    try:
        days = retention.retention_days()
    except ImproperlyConfigured:
        logger.exception("Delivery PDF retention is misconfigured")
        days = None
    deletion = retention.deletion_record(job) if job.is_file_deleted else None
    return _render(
        request,
        "heretostay/admin/paper_job.html",
        petition,
        _("Delivery PDF"),
        job=job,
        email_form=email_form,
        refresh=refresh,
        retention_days=days,
        deletes_on=retention.deletes_on(job, days),
        deletion=deletion,
        deleted_after=deletion.data.get("days") if deletion else None,
    )


def job_status(request, page_id, job_id):
    petition, job = _job(request, page_id, job_id)
    email_form = paper_forms.EmailForm(initial={"recipients": ""}, auto_id="id_email_%s")
    return _job_page(request, petition, job, email_form, refresh=not job.is_finished)


def _without_file(request, petition, job):
    """Redirect to the job page with why there is no PDF, or None when there is one."""
    if job.status == DeliveryJobStatus.DONE and job.file_name:
        return None
    if job.is_file_deleted:
        messages.warning(request, _("This PDF was deleted. Generate a new one if you need it."))
    else:
        messages.warning(request, _("This PDF is not ready yet."))
    return redirect("heretostay_delivery_job", page_id=petition.pk, job_id=job.pk)


def download(request, page_id, job_id):
    petition, job = _job(request, page_id, job_id)
    missing = _without_file(request, petition, job)
    if missing:
        return missing
    response = delivery_file_response(petition, job, user=request.user)
    if response is None:
        messages.error(request, str(FILE_MISSING))
        return redirect("heretostay_delivery_job", page_id=petition.pk, job_id=job.pk)
    return response


def delete_pdf(request, page_id, job_id):
    """GET asks for confirmation; POST deletes the PDF's file (the job stays listed)."""
    petition, job = _job(request, page_id, job_id)
    missing = _without_file(request, petition, job)
    if missing:
        return missing
    if request.method == "POST":
        outcome = retention.delete_file(job, user=request.user, reason=retention.ORGANIZER)
        if outcome == retention.FAILED:
            messages.error(
                request,
                _(
                    "The PDF could not be deleted from storage. Try again later; if it keeps "
                    "failing, tell the site's administrator."
                ),
            )
        elif outcome == retention.DELETED:
            messages.success(request, _("The delivery PDF was deleted."))
        else:
            messages.warning(request, _("This PDF had already been deleted."))
        return redirect("heretostay_delivery_job", page_id=petition.pk, job_id=job.pk)
    return _render(
        request,
        "heretostay/admin/paper_job_delete.html",
        petition,
        _("Delete the delivery PDF"),
        job=job,
    )


def email(request, page_id, job_id):
    petition, job = _job(request, page_id, job_id)
    missing = _without_file(request, petition, job)
    if missing:
        return missing
    form = paper_forms.EmailForm(request.POST or None, auto_id="id_email_%s")
    if request.method == "POST" and form.is_valid():
        recipients = form.cleaned_data["recipients"]
        user_id = request.user.pk
        transaction.on_commit(lambda: email_delivery.enqueue(job.pk, recipients, user_id))
        messages.success(
            request,
            _("The PDF is being sent to %(recipients)s.") % {"recipients": ", ".join(recipients)},
        )
        return redirect("heretostay_delivery_job", page_id=petition.pk, job_id=job.pk)
    return _job_page(request, petition, job, form, refresh=False)


urlpatterns = [
    path("", forbidding(tools), name="heretostay_paper_tools"),
    path("sheets/", forbidding(print_form), name="heretostay_paper_form"),
    path("enter/", forbidding(enter), name="heretostay_paper_enter"),
    path("upload/", forbidding(upload), name="heretostay_paper_upload"),
    path("tally/", forbidding(tally), name="heretostay_paper_tally"),
    path(
        "tally/<int:tally_id>/remove/",
        forbidding(remove_tally),
        name="heretostay_paper_tally_remove",
    ),
    path("deliver/", forbidding(deliver), name="heretostay_deliver"),
    path("deliver/<int:job_id>/", forbidding(job_status), name="heretostay_delivery_job"),
    path(
        "deliver/<int:job_id>/download/", forbidding(download), name="heretostay_delivery_download"
    ),
    path("deliver/<int:job_id>/email/", forbidding(email), name="heretostay_delivery_email"),
    path("deliver/<int:job_id>/delete/", forbidding(delete_pdf), name="heretostay_delivery_delete"),
]


@hooks.register("register_admin_urls")
def register_paper_urls():
    return [path("heretostay/petitions/<int:page_id>/paper/", include(urlpatterns))]


TOOLS_LABEL = gettext_lazy("Paper signatures and delivery")


def _tools_button(page, user, priority):
    cls = page.specific_class
    if cls is None or not issubclass(cls, PetitionPage) or not _is_organizer(user, page):
        return None
    return Button(
        TOOLS_LABEL,
        url=reverse("heretostay_paper_tools", args=[page.pk]),
        icon_name="doc-full",
        priority=priority,
    )


@hooks.register("register_page_header_buttons")
def paper_header_button(page, user, view_name=None, next_url=None):
    button = _tools_button(page, user, 68)
    if button:
        yield button


@hooks.register("register_page_listing_more_buttons")
def paper_listing_button(page, user, next_url=None):
    button = _tools_button(page, user, 45)
    if button:
        yield button
