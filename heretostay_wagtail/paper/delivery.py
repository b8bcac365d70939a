"""The delivery PDF: a cover with the totals, then every signer's name and place.

One WeasyPrint document for a large petition is too slow and too big (about 3 s and
90 MB per 1,000 rows), so the list is rendered in bounded parts, in parallel worker
processes when configured, joined with pypdf, and numbered continuously afterwards.
Parts whose text needs no shaping are drawn in columns by ``signer_list`` (ReportLab);
the rest, by WeasyPrint.
Emails and phone numbers are never selected from the database, so they cannot leak in.
"""

import io
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
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pypdf import PdfReader, PdfWriter

from heretostay_wagtail.core import branding as core_branding
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.models import CampaignCounter, Source
from heretostay_wagtail.paper import numbering, signer_list
from heretostay_wagtail.paper.models import DeliveryJobStatus
from heretostay_wagtail.pdf.render import html_document, html_to_pdf
from heretostay_wagtail.petitions.models import Signature

logger = logging.getLogger(__name__)

MAX_GROUP_PREFIX = 5  # "By the full 5-digit ZIP code": each group is one whole code
LINES_PER_BLOCK = 10  # lines per <pre> in HTML parts; 40 measured no faster
BLOCK_ROWS = 50  # rows judged together for the columns renderer: about one page


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
    """Region index → heading, in the active language; None when not grouped by region
    (postal-code groups are headed by ``_group_label``)."""
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
    # Emails and PDFs are made outside requests: the branding of the petition's site.
    branding = core_branding.for_page(petition)
    tz = timezone.get_current_timezone()
    same_day = bool(dates["first"]) and (
        dates["first"].astimezone(tz).date() == dates["last"].astimezone(tz).date()
    )
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
        "organization": branding.organization_name,
        "contact_line": branding.contact_line,
        # A media URL, read by the safe fetcher (``pdf/fetcher.py``); never fetched remotely.
        "logo_url": core_branding.logo_url(branding),
        "total": totals["count"] + totals["paper_tally"],
        "online": max(0, totals["count"] - typed_on_paper),
        "typed_on_paper": typed_on_paper,
        "paper_tally": totals["paper_tally"],
        "listed": job.total_rows,
        "first": dates["first"],
        "last": dates["last"],
        "same_day": same_day,
        "generated": timezone.now(),
        "job": job,
        "group_counts": groups,
        "group_labels": [(_group_label(group, labels, job.group_by), n) for group, n in groups],
    }


def _group_label(group, labels=None, group_by=0):
    """A group's heading: ``labels[group]`` for regions; else the postal code itself when
    grouping by the full code (``group_by`` of ``MAX_GROUP_PREFIX``), or its prefix."""
    if labels is not None:
        return labels[group]
    if not group:
        return _("No postal code")
    if group_by >= MAX_GROUP_PREFIX:
        return _("Postal code %(code)s") % {"code": group}
    return _("Postal codes starting %(prefix)s") % {"prefix": group}


class ListWriter:
    """Cuts the streamed rows into parts of the list, each rendered on its own.

    Rows are taken in blocks of about a page. A block whose text :mod:`.signer_list` can
    draw goes into a "columns" part (ReportLab, aligned columns, fast); any other block
    goes into an "html" part (WeasyPrint, every script shaped right, about twenty times
    slower). Consecutive blocks of one kind share a part, so a list in Latin script is a
    few large column parts and the page breaks between parts stay rare.
    """

    def __init__(self, job, petition, group_counts, html_size, columns_size, labels=None):
        self.html_size = html_size
        self.columns_size = columns_size
        self.group_counts = group_counts
        self.grouped = job.grouped
        self.group_by = job.group_by
        self.with_comments = job.include_comments
        self.head = render_to_string(
            "heretostay/pdf/delivery_list_head.html",
            {"petition": petition, "include_comments": job.include_comments},
        )
        self.continued_label = _("continued")
        self.labels = labels
        self.headings = {group: self._heading_texts(group) for group in group_counts}
        self.context = {
            "title": Truncator(petition.title).chars(90),
            "labels": {
                "name": _("Name"),
                "postal_code": _("Postal code"),
                "signed": _("Signed"),
                "comment": _("Comment"),
            },
            "headings": self.headings,
            "continued": self.continued_label,
            "grouped": self.grouped,
            "with_comments": self.with_comments,
        }
        self.columns_ok = not translation.get_language_bidi() and signer_list.drawable(
            self.context["title"], self.continued_label, *self.context["labels"].values()
        )
        self._heading_drawable = {}
        self._dates = {}
        self.tz = timezone.get_current_timezone()

    def _heading_texts(self, group):
        count = self.group_counts.get(group, 0)
        return (
            _group_label(group, self.labels, self.group_by),
            ngettext("%(count)s signature", "%(count)s signatures", count) % {"count": count},
        )

    def _date(self, value):
        day = value.astimezone(self.tz).date()
        if day not in self._dates:
            self._dates[day] = formats.date_format(day, "SHORT_DATE_FORMAT")
        return self._dates[day]

    def windows(self, rows):
        """Yield ``(parts, row count)``: runs of parts small enough for one worker.

        A part is ``(kind, rows, carried group)``. A window closes at ``columns_size``
        rows, or ``html_size`` rows for WeasyPrint, so its memory stays bounded; all its
        HTML parts are laid out as one WeasyPrint document, which costs far less than one
        document per part when other scripts are sprinkled through a long list.
        """
        window, window_rows, html_rows = [], 0, 0
        for part in self._parts(rows):
            window.append(part)
            window_rows += len(part[1])
            if part[0] == "html":
                html_rows += len(part[1])
            if window_rows >= self.columns_size or html_rows >= self.html_size:
                yield window, window_rows
                window, window_rows, html_rows = [], 0, 0
        if window:
            yield window, window_rows

    def _parts(self, rows):
        kind, part, block, carried = None, [], [], None
        normalize = signer_list.normalize
        comments = self.with_comments
        limit = min(self.columns_size, self.html_size)

        def add(block):
            nonlocal kind, part, carried
            block_kind = self._kind(block)
            if part and (block_kind != kind or len(part) + len(block) > limit):
                yield kind, part, carried
                carried = part[-1][0]
                part = []
            kind = block_kind
            part.extend(block)

        for row in rows:
            # Line breaks collapse to spaces, as HTML would: comments are often typed on
            # several lines, and a control character would send the block to WeasyPrint.
            comment = normalize(" ".join(row[4].split())) if comments and row[4] else ""
            name = normalize(" ".join(row[1].split()))
            if self.grouped and row[0] not in self.headings:  # signed after the counts were taken
                self.headings[row[0]] = self._heading_texts(row[0])
            block.append((row[0], name, row[2] or "", self._date(row[3]), comment))
            if len(block) >= BLOCK_ROWS:
                yield from add(block)
                block = []
        if block:
            yield from add(block)
        if part:
            yield kind, part, carried

    def _kind(self, block):
        if self.columns_ok and all(
            signer_list.drawable(name, postal_code, comment) and self._drawable_heading(group)
            for group, name, postal_code, _date, comment in block
        ):
            return "columns"
        return "html"

    def _drawable_heading(self, group):
        """A region name or postal-code prefix in another script sends its rows to
        WeasyPrint, not the whole list."""
        if not self.grouped:
            return True
        if group not in self._heading_drawable:
            self._heading_drawable[group] = signer_list.drawable(*self.headings[group])
        return self._heading_drawable[group]

    def html(self, parts):
        """One HTML document for the window's WeasyPrint parts, each in a section that
        starts a page and carries an id, so its pages can be told apart afterwards.

        Signers are plain lines in small ``<pre>`` blocks: per-row boxes (table rows,
        flex rows, even one paragraph each) cost WeasyPrint several times more.
        """
        sections = []
        for index, (rows, carried) in enumerate(parts):
            sections.append(f'<section id="part-{index}" class="part">')
            sections.extend(self._html_rows(rows, carried))
            sections.append("</section>")
        return f"{self.head}{''.join(sections)}</body></html>"

    def _html_rows(self, rows, carried):
        parts, lines, current = [], [], carried
        first = True

        def flush():
            if lines:
                parts.append("<pre>" + "\n".join(lines) + "</pre>")
                lines.clear()

        for group, name, postal_code, signed, comment in rows:
            if self.grouped and (group != current or first):
                flush()
                parts.append(self._heading(group, continued=group == current))
                current = group
            first = False
            place = f" · {escape(postal_code)}" if postal_code else ""
            lines.append(f"{escape(name)}{place} · {signed}")
            if comment:
                flush()
                parts.append(f'<p class="c">{escape(comment)}</p>')
            elif len(lines) >= LINES_PER_BLOCK:
                flush()
        flush()
        return parts

    def _heading(self, group, continued):
        label, signed = self.headings[group]
        extra = f" ({escape(self.continued_label)})" if continued else ""
        return f'<h2>{escape(label)}{extra} <span class="count">{escape(signed)}</span></h2>'


def _executor(processes):
    if processes <= 1:
        return None
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork render in-process
        return None
    return ProcessPoolExecutor(max_workers=processes, mp_context=context)


def _render_window(task):
    """PDF bytes of one window: its column parts drawn by ReportLab, its HTML parts laid
    out by WeasyPrint, pages put back in list order."""
    kinds, columns, html, context = task
    columns_pdf, column_pages = signer_list.render(columns, context) if columns else (None, [])
    html_pdf, html_pages = None, []
    if html:
        document = html_document(html)
        starts = [
            number
            for number, page in enumerate(document.pages)
            if any(anchor.startswith("part-") for anchor in page.anchors)
        ]
        ends = [*starts[1:], len(document.pages)]
        html_pages = [end - start for start, end in zip(starts, ends, strict=True)]
        html_pdf = document.write_pdf()
    if not html_pdf or not columns_pdf:
        return html_pdf or columns_pdf
    sources = {
        "columns": (PdfReader(io.BytesIO(columns_pdf)).pages, iter(column_pages)),
        "html": (PdfReader(io.BytesIO(html_pdf)).pages, iter(html_pages)),
    }
    positions = {"columns": 0, "html": 0}
    writer = PdfWriter()
    for kind in kinds:
        pages, counts = sources[kind]
        count = next(counts)
        for page in pages[positions[kind] : positions[kind] + count]:
            writer.add_page(page)
        positions[kind] += count
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_list(writer, rows, on_progress, processes):
    """PDF bytes of each window of the list, in order; at most ``2 × processes`` in
    flight. HTML is built here, where the page's language is active; column parts carry
    labels translated here too."""

    def tasks():
        for window, count in writer.windows(rows):
            kinds = [kind for kind, _rows, _carried in window]
            columns = [(rows, carried) for kind, rows, carried in window if kind == "columns"]
            html = [(rows, carried) for kind, rows, carried in window if kind == "html"]
            yield (kinds, columns, writer.html(html) if html else None, writer.context), count

    pool = _executor(processes)
    if pool is None:
        for task, count in tasks():
            yield _render_window(task)
            on_progress(count)
        return
    with pool:
        pending = []
        for task, count in tasks():
            pending.append((pool.submit(_render_window, task), count))
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
        writer = ListWriter(
            job,
            petition,
            group_counts,
            html_size=get_setting("DELIVERY_CHUNK_ROWS"),
            columns_size=get_setting("DELIVERY_COLUMNS_ROWS"),
            labels=labels,
        )

        def progress(rows):
            job.rows_done += rows
            type(job).objects.filter(pk=job.pk).update(rows_done=job.rows_done)

        parts.extend(
            render_list(writer, _ordered_rows(qs, job), progress, get_setting("PDF_PROCESSES"))
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
    return {
        "petition": petition,
        "targets": list(petition.targets.all()),
        **core_branding.email_context(core_branding.for_page(petition)),
    }


def mark_delivered(petition, when):
    """Set status "delivered" on every translation, live and in a pending draft.

    Updating the draft too keeps the next publish from quietly reopening the petition.
    """
    from heretostay_wagtail.petitions.models import PetitionPage, PetitionStatus

    for page in PetitionPage.objects.filter(translation_key=petition.translation_key):
        PetitionPage.objects.filter(pk=page.pk).update(
            status=PetitionStatus.DELIVERED, delivered_at=when
        )
        revision = page.latest_revision
        if revision is not None and isinstance(revision.content, dict):
            revision.content["status"] = PetitionStatus.DELIVERED
            revision.content["delivered_at"] = when.isoformat()
            revision.save(update_fields=["content"])
