"""The delivery PDF: a cover with the totals, then every signer's name and place.

One WeasyPrint document for a large petition is too slow and too big (about 3 s and
90 MB per 1,000 rows), so the list is rendered in bounded parts, in parallel worker
processes when configured, joined with pypdf, and numbered continuously afterwards.
Parts whose text needs no shaping are drawn in columns by ``signer_list`` (ReportLab);
the rest, by WeasyPrint.
Emails and phone numbers are never selected from the database, so they cannot leak in.

Every build checks that the rows listed equal the rows counted on the cover: each
renderer reports, per part, the rows it drew and its pages, and a window counts a part's
rows only when every page laid out for it was kept. A PDF that would list fewer (or more)
signers than its cover is never saved: the job fails with ``ListIncomplete``.
"""

import io
import logging
import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

from django.core.files.base import ContentFile
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
from heretostay_wagtail.core.storage import private_storage
from heretostay_wagtail.paper import numbering, signer_list
from heretostay_wagtail.paper.models import DeliveryJobStatus
from heretostay_wagtail.pdf.render import html_document, html_to_pdf
from heretostay_wagtail.petitions.models import Signature

logger = logging.getLogger(__name__)

MAX_GROUP_PREFIX = 5  # "By the full 5-digit ZIP code": each group is one whole code
LINES_PER_BLOCK = 10  # lines per <pre> in HTML parts; 40 measured no faster
BLOCK_ROWS = 50  # rows judged together for the columns renderer: about one page


class ListIncomplete(RuntimeError):
    """The list in the PDF does not hold exactly the signers counted on its cover."""


def storage():
    """Delivery PDFs list supporters: the private storage (core/storage.py)."""
    return private_storage()


def signer_queryset(job):
    """The signers a delivery lists: not those retention anonymized (no name left to
    list; they stay in the petition's totals)."""
    qs = Signature.objects.filter(campaign_key=job.page.campaign_key, anonymized_at__isnull=True)
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
        self.streamed = 0  # rows read from the database, and per group (when grouped)
        self.streamed_by_group = Counter()

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
            self.streamed += 1
            if self.grouped:
                self.streamed_by_group[row[0]] += 1
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
        starts a page and carries an id, so its pages can be told apart afterwards, and
        the number of rows written into each part.

        Signers are plain lines in small ``<pre>`` blocks: per-row boxes (table rows,
        flex rows, even one paragraph each) cost WeasyPrint several times more.
        """
        sections, written = [], []
        for index, (rows, carried) in enumerate(parts):
            sections.append(f'<section id="part-{index}" class="part">')
            markup, count = self._html_rows(rows, carried)
            sections.extend(markup)
            sections.append("</section>")
            written.append(count)
        return f"{self.head}{''.join(sections)}</body></html>", written

    def _html_rows(self, rows, carried):
        parts, lines, current = [], [], carried
        first = True
        written = 0

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
            written += 1
            if comment:
                flush()
                parts.append(f'<p class="c">{escape(comment)}</p>')
            elif len(lines) >= LINES_PER_BLOCK:
                flush()
        flush()
        return parts, written

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


def _part_pages(document, parts):
    """Pages of each of the ``parts`` sections of a laid-out WeasyPrint document.

    WeasyPrint gives a page the anchor of every element with a fragment on it, so a part
    that runs over several pages carries its id on each of them (counting every page with
    an id as a part's first page kept one page per part: issue 14). A page belongs to the
    last part whose id it or an earlier page carries; whether continuation pages carry
    the id or not, every page is counted once. A part counted on no page is reported as
    0 pages, which the caller treats as not listed.
    """
    pages, current = [0] * parts, None
    for page in document.pages:
        found = [int(name[5:]) for name in page.anchors if name.startswith("part-")]
        if found:
            current = max(found)
        if current is None or current >= parts:
            return None  # a page before the first part, or an unknown part
        pages[current] += 1
    return pages


def _render_window(task):
    """One window of the list: ``(PDF bytes, rows listed, problem)``.

    Its column parts are drawn by ReportLab, its HTML parts laid out by WeasyPrint, and
    the pages put back in list order. Each renderer reports, per part, its pages and the
    rows it drew; a part's rows count as listed only when its pages are all there, and
    every page of both documents must be kept exactly once. ``problem`` says what did
    not add up (None when everything did), for ``build`` to log and fail the job.
    """
    kinds, columns, html, context = task
    sources = {}  # kind: (PDF bytes, [(pages, rows) per part])
    if columns:
        sources["columns"] = signer_list.render(columns, context)
    if html:
        markup, written = html
        document = html_document(markup)
        pages = _part_pages(document, len(written))
        if pages is None:
            return None, 0, f"HTML pages not attributable to its {len(written)} parts"
        sources["html"] = (document.write_pdf(), list(zip(pages, written, strict=True)))
    return _merge(kinds, sources)


def _merge(kinds, sources):
    """Interleave the renderers' pages in list order and count the rows listed.

    A part's rows count only when the part has pages and its renderer's document holds
    exactly the pages reported for its parts, so none was dropped or repeated.
    """
    readers = {kind: PdfReader(io.BytesIO(pdf)).pages for kind, (pdf, _parts) in sources.items()}
    problems, whole = [], {}
    for kind, (_pdf, parts) in sources.items():
        reported = sum(pages for pages, _rows in parts)
        expected = kinds.count(kind)
        whole[kind] = reported == len(readers[kind]) and len(parts) == expected
        if not whole[kind]:
            problems.append(
                f"{kind}: {len(parts)} of {expected} parts, "
                f"{reported} of {len(readers[kind])} pages accounted for"
            )
    counts = {kind: iter(parts) for kind, (_pdf, parts) in sources.items()}
    positions = dict.fromkeys(sources, 0)
    listed, kept = 0, []
    for kind in kinds:
        pages, rows = next(counts[kind], (0, 0))
        span = readers[kind][positions[kind] : positions[kind] + pages]
        positions[kind] += pages
        kept.extend(span)
        if pages < 1 or len(span) != pages:
            problems.append(f"{kind} part of {rows} rows: {len(span)} of {pages} pages")
        elif whole[kind]:
            listed += rows
    problem = "; ".join(problems) or None
    if len(sources) == 1:  # nothing to interleave: the renderer's own file
        ((pdf, _parts),) = sources.values()
        return pdf, listed, problem
    writer = PdfWriter()
    for page in kept:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), listed, problem


def render_list(writer, rows, on_progress, processes):
    """``(PDF bytes, rows listed, problem)`` of each window of the list, in order; at
    most ``2 × processes`` in flight. HTML is built here, where the page's language is
    active; column parts carry labels translated here too."""

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


def _frozen(qs, job):
    """The signers as of now: those who sign (or, for a list of confirmed signers only,
    confirm) while the PDF is built are left out of the counts and the list alike; the
    next PDF has them."""
    now = timezone.now()
    last = qs.aggregate(last=Max("pk"))["last"] or 0
    qs = qs.filter(pk__lte=last)
    return qs.filter(confirmed_at__lte=now) if job.only_confirmed else qs


def check_listed(job, writer, listed, group_counts, problems):
    """Raise ``ListIncomplete`` unless the rows listed equal the rows counted on the
    cover (``job.total_rows``), as do the rows read and, per group, the headings' counts."""
    counted = job.total_rows
    mismatched_groups = {
        group: (group_counts.get(group, 0), writer.streamed_by_group.get(group, 0))
        for group in set(group_counts) | set(writer.streamed_by_group)
        if group_counts.get(group, 0) != writer.streamed_by_group.get(group, 0)
    }
    if listed == counted == writer.streamed and not problems and not mismatched_groups:
        return
    logger.error(
        "Delivery PDF %s not saved: cover counts %s signers, %s read, %s listed; "
        "groups (counted, read) that differ: %s; %s",
        job.pk,
        counted,
        writer.streamed,
        listed,
        mismatched_groups,
        "; ".join(problems) or "every page kept",
    )
    raise ListIncomplete(
        _(
            "The PDF was not saved: its list of signers (%(listed)s) does not match the "
            "number on its cover (%(counted)s). Generate it again; if this happens again, "
            "report it to your site's developers."
        )
        % {"listed": listed, "counted": counted}
    )


def build(job):
    """Render the delivery PDF of ``job`` into storage, recording progress on the job."""
    petition = job.page.specific
    language = petition.locale.language_code
    qs = _frozen(signer_queryset(job), job)
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

        listed, problems = 0, []
        windows = render_list(
            writer, _ordered_rows(qs, job), progress, get_setting("PDF_PROCESSES")
        )
        for number, (window_pdf, window_listed, problem) in enumerate(windows, 1):
            parts.append(window_pdf)
            listed += window_listed
            if problem:
                problems.append(f"window {number}: {problem}")
    check_listed(job, writer, listed, group_counts, problems)
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
