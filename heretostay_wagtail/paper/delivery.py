"""The delivery PDF: a cover with the totals, then every signer's name and place.

One WeasyPrint document for a large petition is too slow and too big (about 3 s and
90 MB per 1,000 rows), so the list is rendered in bounded chunks, in parallel worker
processes when configured, joined with pypdf, and numbered continuously afterwards.
Emails and phone numbers are never selected from the database, so they cannot leak in.
"""

import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db.models import Case, Count, IntegerField, Max, Min, Value, When
from django.db.models.functions import Replace, Substr, Upper
from django.db.models.lookups import In
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..conf import get_setting
from ..models import CampaignCounter, CampaignSettings, DeliveryJobStatus, Signature, Source
from ..pdf.render import html_to_pdf
from . import numbering

logger = logging.getLogger(__name__)

MAX_GROUP_PREFIX = 5
LINES_PER_BLOCK = 10  # 40 measured no faster in whole builds (docs/paper.md)


def storage():
    return storages[get_setting("STORAGE")]


def signer_queryset(job):
    qs = Signature.objects.filter(campaign_key=job.page.campaign_key)
    if job.only_confirmed:
        qs = qs.filter(confirmed_at__isnull=False)
    return qs


def _region_case(regions):
    """SQL giving each signer's region index; ``len(regions)`` when no region matches.

    Postal codes are compared upper-cased without spaces. One ``When`` per prefix length
    and region, longest first, so the longest matching prefix wins; a postal code shorter
    than a prefix never matches it. Signers without a postal code match nothing.
    """
    code = Replace(Upper("postal_code"), Value(" "), Value(""))
    by_length = {}
    for index, (_name, prefixes) in enumerate(regions):
        for prefix in prefixes:
            by_length.setdefault((len(prefix), index), []).append(prefix)
    whens = [
        When(In(Substr(code, 1, length), prefixes), then=Value(index))
        for (length, index), prefixes in sorted(
            by_length.items(), key=lambda item: (-item[0][0], item[0][1])
        )
    ]
    return Case(*whens, default=Value(len(regions)), output_field=IntegerField())


def _group_expression(job):
    """The database expression the list is grouped by, or None without grouping."""
    if job.regions:
        return _region_case(job.regions)
    if job.group_by:
        return Substr(Upper("postal_code"), 1, job.group_by)
    return None


def _ordered_rows(qs, job):
    """(group, name, postal code, created, comment) tuples, streamed from the database.

    ``group`` is the postal-code prefix, or the region's index in ``job.regions`` (the
    index after the last region for signers in none), or "" without grouping.
    """
    fields = ["name", "postal_code", "created_at"]
    if job.include_comments:
        fields.append("comment")
    group = _group_expression(job)
    if group is not None:
        return (
            qs.annotate(group=group)
            .order_by("group", "created_at", "pk")
            .values_list("group", *fields)
            .iterator(chunk_size=2000)
        )
    return (
        ("", *row)
        for row in qs.order_by("created_at", "pk").values_list(*fields).iterator(chunk_size=2000)
    )


def group_counts_of(qs, job):
    """Signers per group key, in one aggregate query ({} without grouping)."""
    group = _group_expression(job)
    if group is None:
        return {}
    return dict(
        qs.annotate(group=group)
        .values_list("group")
        .annotate(n=Count("pk"))
        .values_list("group", "n")
    )


def group_labels(job):
    """Region index → heading, in the active language; None when not grouped by region."""
    if not job.regions:
        return None
    labels = {index: name for index, (name, _prefixes) in enumerate(job.regions)}
    labels[len(job.regions)] = _("Not in any region")
    return labels


def cover_context(job, petition, qs, group_counts=None, labels=None):
    """The cover's data; ``group_counts`` and ``labels`` as from ``build``."""
    totals = CampaignCounter.totals(petition.campaign_key)
    typed_on_paper = Signature.objects.filter(
        campaign_key=petition.campaign_key, source=Source.PAPER, confirmed_at__isnull=False
    ).count()
    dates = qs.aggregate(first=Min("created_at"), last=Max("created_at"))
    site = petition.get_site()
    organization = CampaignSettings.for_site(site).organization_name if site else ""
    group_counts = group_counts or {}
    if labels is not None:
        # Every region in the order defined, empty ones too; "not in any region" last.
        unmatched = len(job.regions)
        groups = [(index, group_counts.get(index, 0)) for index in range(unmatched)]
        if group_counts.get(unmatched):
            groups.append((unmatched, group_counts[unmatched]))
    else:
        groups = sorted(group_counts.items())
    return {
        "petition": petition,
        "targets": list(petition.targets.all()),
        "organization": organization,
        "total": totals["count"] + totals["paper_tally"],
        "online": max(0, totals["count"] - typed_on_paper),
        "typed_on_paper": typed_on_paper,
        "paper_tally": totals["paper_tally"],
        "listed": job.total_rows,
        "first": dates["first"],
        "last": dates["last"],
        "generated": timezone.now(),
        "job": job,
        "group_counts": groups,
        "group_labels": [(_group_label(group, labels), n) for group, n in groups],
    }


def _group_label(group, labels=None):
    """A group's heading: ``labels[group]`` for regions, else from the postal-code prefix."""
    if labels is not None:
        return labels[group]
    if not group:
        return _("No postal code")
    return _("Postal codes starting %(prefix)s") % {"prefix": group}


class ChunkWriter:
    """Turns streamed rows into HTML documents of at most ``size`` signers each."""

    def __init__(self, job, petition, group_counts, size, labels=None):
        self.job = job
        self.size = size
        self.group_counts = group_counts
        self.labels = labels
        self.head = render_to_string(
            "heretostay/pdf/delivery_list_head.html",
            {"petition": petition, "include_comments": job.include_comments},
        )
        self.continued_label = escape(_("continued"))
        self._dates = {}
        self.tz = timezone.get_current_timezone()

    def _date(self, value):
        day = value.astimezone(self.tz).date()
        if day not in self._dates:
            self._dates[day] = formats.date_format(day, "SHORT_DATE_FORMAT")
        return self._dates[day]

    def _heading(self, group, continued):
        label = escape(_group_label(group, self.labels))
        count = self.group_counts.get(group, 0)
        extra = f" ({self.continued_label})" if continued else ""
        signed = escape(
            ngettext("%(count)s signature", "%(count)s signatures", count) % {"count": count}
        )
        return f'<h2>{label}{extra} <span class="count">{signed}</span></h2>'

    def chunks(self, rows):
        """Yield ``(html, row count)``; a group split across chunks is marked continued.

        Signers are plain text lines in small ``<pre>`` blocks: per-row boxes (table rows,
        flex rows, even one paragraph each) cost WeasyPrint several times more, and the
        list is nearly all of the work for a large petition.
        """
        parts, lines, count, current = [], [], 0, None
        with_comments = self.job.include_comments
        grouped = self.job.grouped

        def flush():
            if lines:
                parts.append("<pre>" + "\n".join(lines) + "</pre>")
                lines.clear()

        for row in rows:
            group = row[0]
            if grouped and (group != current or not (parts or lines)):
                flush()
                parts.append(self._heading(group, continued=group == current))
                current = group
            place = f" · {escape(row[2])}" if row[2] else ""
            lines.append(f"{escape(row[1])}{place} · {self._date(row[3])}")
            if with_comments and row[4]:
                flush()
                parts.append(f'<p class="c">{escape(row[4])}</p>')
            elif len(lines) >= LINES_PER_BLOCK:
                flush()
            count += 1
            if count >= self.size:
                flush()
                yield self._document(parts), count
                parts, count = [], 0
        flush()
        if parts:
            yield self._document(parts), count

    def _document(self, parts):
        return f"{self.head}{''.join(parts)}</body></html>"


def _render_chunk(html):
    return html_to_pdf(html)


def _executor(processes):
    if processes <= 1:
        return None
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork render in-process
        return None
    return ProcessPoolExecutor(max_workers=processes, mp_context=context)


def render_list(chunks, on_progress, processes):
    """PDF bytes of each chunk, in order; at most ``2 × processes`` chunks in flight."""
    pool = _executor(processes)
    if pool is None:
        for html, count in chunks:
            yield _render_chunk(html)
            on_progress(count)
        return
    with pool:
        pending = []
        for html, count in chunks:
            pending.append((pool.submit(_render_chunk, html), count))
            while len(pending) >= processes * 2:
                future, done = pending.pop(0)
                yield future.result()
                on_progress(done)
        for future, done in pending:
            yield future.result()
            on_progress(done)


def build(job):
    """Render the delivery PDF of ``job`` into storage, recording progress on the job."""
    petition = job.page.specific
    language = petition.locale.language_code
    qs = signer_queryset(job)
    job.status = DeliveryJobStatus.RUNNING
    job.total_rows = qs.count()
    job.rows_done = 0
    job.error = ""
    job.save(update_fields=["status", "total_rows", "rows_done", "error"])
    group_counts = group_counts_of(qs, job)
    with translation.override(language):
        labels = group_labels(job)
        context = cover_context(job, petition, qs, group_counts, labels)
        parts = [html_to_pdf(render_to_string("heretostay/pdf/delivery_cover.html", context))]
        writer = ChunkWriter(
            job, petition, group_counts, get_setting("DELIVERY_CHUNK_ROWS"), labels=labels
        )

        def progress(rows):
            job.rows_done += rows
            type(job).objects.filter(pk=job.pk).update(rows_done=job.rows_done)

        parts.extend(
            render_list(
                writer.chunks(_ordered_rows(qs, job)),
                progress,
                get_setting("PDF_PROCESSES"),
            )
        )
    pdf = numbering.join_and_number(parts)
    name = f"heretostay/delivery/{slugify(petition.slug)}-{job.pk}.pdf"
    job.file_name = storage().save(name, ContentFile(pdf))
    job.status = DeliveryJobStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file_name", "status", "finished_at", "rows_done"])
    return job


def filename(job):
    return f"{slugify(job.page.slug) or 'petition'}-delivery.pdf"


def read(job):
    with storage().open(job.file_name, "rb") as fh:
        return fh.read()


def email_context(petition):
    return {"petition": petition, "targets": list(petition.targets.all())}


def mark_delivered(petition, when):
    """Set status "delivered" on every translation, live and in a pending draft.

    Updating the draft too keeps the next publish from quietly reopening the petition.
    """
    from ..models import PetitionPage, PetitionStatus

    for page in PetitionPage.objects.filter(translation_key=petition.translation_key):
        PetitionPage.objects.filter(pk=page.pk).update(
            status=PetitionStatus.DELIVERED, delivered_at=when
        )
        revision = page.latest_revision
        if revision is not None and isinstance(revision.content, dict):
            revision.content["status"] = PetitionStatus.DELIVERED
            revision.content["delivered_at"] = when.isoformat()
            revision.save(update_fields=["content"])
