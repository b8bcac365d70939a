"""What petitions and pledges share: the campaign page, its counter, supporter records."""

import math
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page
from wagtail_localize.fields import SynchronizedField, TranslatableField

from heretostay_wagtail.core import contrast, routes
from heretostay_wagtail.core.conf import get_setting

__all__ = [
    "CampaignCounter",
    "CampaignPage",
    "SupporterRecord",
    "Source",
    "CampaignSettings",
    "BrandingSettings",
    "RetentionAction",
    "RetentionSettings",
    "ExportJob",
    "ExportJobStatus",
    "CampaignRole",
    "CampaignAdmin",
]


class RetentionAction(models.TextChoices):
    """What retention does to a campaign's personal data once it is due (``retention/``)."""

    KEEP = "keep", _("Keep")
    ANONYMIZE = "anonymize", _("Anonymize (keep the totals, remove who)")
    DELETE = "delete", _("Delete (keep the totals)")


def user_field(verbose_name, **options):
    """Who did something to a record (entered, printed, verified it...): a reference that
    empties when the account is deleted, with no reverse relation on the user."""
    options = {"null": True, "blank": True, "related_name": "+", **options}
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, verbose_name=verbose_name, **options
    )


class CampaignCounter(models.Model):
    """Running totals for one campaign, shared by all translations of its page.

    Kept out of the page table because publishing a revision rewrites page rows.
    Incremented with ``UPDATE ... SET count = count + n`` in the same transaction that
    writes the supporter row, so the total is exact under concurrency and O(1) to read.
    """

    campaign_key = models.UUIDField(primary_key=True, editable=False)
    count = models.BigIntegerField(default=0)
    paper_tally = models.BigIntegerField(default=0)
    #: The totals the public sees, copied from the running ones at most every
    #: ``PUBLIC_COUNT_INTERVAL`` seconds (``public_totals``).
    public_count = models.BigIntegerField(default=0)
    public_paper_tally = models.BigIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    #: Counted records that retention deleted (``retention/``): they stay in ``count``,
    #: and ``heretostay_recount`` adds them to the rows it counts.
    removed_by_retention = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("campaign counter")

    def __str__(self):
        return f"{self.campaign_key}: {self.total}"

    @property
    def total(self):
        return self.count + self.paper_tally

    @classmethod
    def add(cls, campaign_key, count=0, paper_tally=0, removed_by_retention=0):
        """Atomically add to a campaign's counters, creating the row on first use."""
        changes = {}
        if count:
            changes["count"] = F("count") + count
        if paper_tally:
            changes["paper_tally"] = F("paper_tally") + paper_tally
        if removed_by_retention:
            changes["removed_by_retention"] = F("removed_by_retention") + removed_by_retention
        if not changes:
            return
        if cls.objects.filter(pk=campaign_key).update(**changes):
            return
        try:
            with transaction.atomic():
                # Published empty: the first supporters show at the first refresh too.
                cls.objects.create(campaign_key=campaign_key, published_at=timezone.now())
        except IntegrityError:
            pass  # another request created it first
        cls.objects.filter(pk=campaign_key).update(**changes)

    @classmethod
    def subtract_paper_tally(cls, campaign_key, number):
        """Atomically take ``number`` off the paper tally, never going below zero."""
        cls.objects.filter(pk=campaign_key).update(
            paper_tally=Greatest(
                F("paper_tally") - number, Value(0), output_field=models.BigIntegerField()
            )
        )

    @classmethod
    def totals(cls, campaign_key):
        """The running totals, exact: for organizers (admin, delivery PDFs), never shown
        to the public as they are (see ``public_totals``)."""
        row = cls.objects.filter(pk=campaign_key).values("count", "paper_tally").first()
        return row or {"count": 0, "paper_tally": 0}

    @classmethod
    def public_totals(cls, campaign_key, now=None):
        """The totals the public sees: the running ones as they were at the last refresh,
        refreshed when ``PUBLIC_COUNT_INTERVAL`` seconds have passed.

        Someone who reads the count, submits an email and reads again sees the count
        move by everyone's sign-ups in between, not by theirs alone: whether that email
        had signed before cannot be read off the count (unless nobody else signed in
        the interval; docs/petitions.md). Reading stays O(1).
        """
        return cls.public_totals_for([campaign_key], now=now)[campaign_key]

    @classmethod
    def public_totals_for(cls, campaign_keys, now=None):
        """``public_totals`` of many campaigns (API lists): one ``SELECT``, and one
        ``UPDATE`` publishing those due (at most once per campaign per interval)."""
        interval = get_setting("PUBLIC_COUNT_INTERVAL")
        zero = {"count": 0, "paper_tally": 0}
        result = {key: zero for key in campaign_keys}
        fields = ("campaign_key", "count", "paper_tally", "public_count", "public_paper_tally")
        rows = cls.objects.filter(pk__in=campaign_keys).values(*fields, "published_at")
        now = now or timezone.now()
        due = []
        for row in rows:
            key = row["campaign_key"]
            published_at = row["published_at"]
            fresh = (
                interval
                and published_at is not None
                and (now - published_at).total_seconds() < interval
            )
            if fresh:
                result[key] = {
                    "count": row["public_count"],
                    "paper_tally": row["public_paper_tally"],
                }
            else:
                result[key] = {"count": row["count"], "paper_tally": row["paper_tally"]}
                due.append(key)
        if interval and due:
            cls.objects.filter(pk__in=due).update(
                public_count=F("count"), public_paper_tally=F("paper_tally"), published_at=now
            )
        return result


class Source(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    PAPER = "paper", _("Paper")
    IMPORT = "import", _("Import")


class CampaignPage(RoutablePageMixin, Page):
    """Abstract page for anything supporters sign up to: goal, dates, image, sharing.

    Subclasses set ``throttle_scope`` and templates; the feature's ``views`` module
    registers the form and the service that take supporters (``core/routes.py``).
    """

    throttle_scope = None

    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("image"),
        help_text=_("Shown at the top of the page and when the page is shared."),
    )
    goal = models.PositiveIntegerField(
        _("goal"), default=1000, help_text=_("How many supporters you are aiming for.")
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    thank_you_message = models.TextField(
        _("thank-you message"),
        max_length=2000,
        blank=True,
        help_text=_("Shown after someone signs up. Leave blank for a standard message."),
    )
    share_text = models.CharField(
        _("share text"),
        max_length=280,
        blank=True,
        help_text=_("Suggested text for social media posts."),
    )
    share_email_subject = models.CharField(_("share email subject"), max_length=200, blank=True)
    share_email_body = models.TextField(_("share email message"), max_length=2000, blank=True)
    #: The share email's message when ``share_email_body`` is blank, in the page's language.
    default_share_email_body = _("I just signed this and hope you will too:")
    consent_text = models.CharField(
        _("mailing-list consent text"),
        max_length=500,
        blank=True,
        help_text=_("Label of the opt-in checkbox. Leave blank for the standard wording."),
    )
    # Retention (``retention/``): blank or empty uses the site's retention settings.
    retention_action = models.CharField(
        _("after the campaign, personal data is"),
        max_length=10,
        choices=RetentionAction.choices,
        blank=True,
        help_text=_("Leave blank to follow the site's retention settings."),
    )
    retention_days_after_close = models.PositiveIntegerField(
        _("days after the campaign closes"),
        null=True,
        blank=True,
        help_text=_("Leave blank to follow the site's retention settings."),
    )
    retention_days_after_activity = models.PositiveIntegerField(
        _("days after the last sign-up"),
        null=True,
        blank=True,
        help_text=_("Leave blank to follow the site's retention settings."),
    )

    counter_field = "count"

    # wagtail-localize: supporter-facing text is translated; the numbers and dates that make
    # the campaign one campaign across languages are copied from the source page on every
    # sync and cannot be overridden per language. A translator may swap the image (a picture
    # with words in it). Subclasses extend this list: ``CampaignPage.override_translatable_fields + [...]``.
    override_translatable_fields = [
        TranslatableField("thank_you_message"),
        TranslatableField("share_text"),
        TranslatableField("share_email_subject"),
        TranslatableField("share_email_body"),
        TranslatableField("consent_text"),
        SynchronizedField("goal", overridable=False),
        SynchronizedField("opens_at", overridable=False),
        SynchronizedField("closes_at", overridable=False),
        SynchronizedField("image"),
        SynchronizedField("retention_action", overridable=False),
        SynchronizedField("retention_days_after_close", overridable=False),
        SynchronizedField("retention_days_after_activity", overridable=False),
    ]

    campaign_panels = [
        FieldRowPanel([FieldPanel("goal"), FieldPanel("opens_at"), FieldPanel("closes_at")]),
        MultiFieldPanel(
            [
                FieldPanel("share_text"),
                FieldPanel("share_email_subject"),
                FieldPanel("share_email_body"),
            ],
            heading=_("Sharing"),
        ),
        FieldPanel("thank_you_message"),
        FieldPanel("consent_text"),
        MultiFieldPanel(
            [
                FieldPanel("retention_action"),
                FieldRowPanel(
                    [
                        FieldPanel("retention_days_after_close"),
                        FieldPanel("retention_days_after_activity"),
                    ]
                ),
            ],
            heading=_("Retention of personal data"),
            classname="collapsed",
        ),
    ]

    class Meta:
        abstract = True

    # -- routes ---------------------------------------------------------------
    @path("")
    def signup(self, request):
        """The page and its sign-up form (``core/views.py``: ``campaign_signup``)."""
        return routes.serve(self, "signup", request)

    @path("thanks/", name="thanks")
    def thanks(self, request):
        """The thank-you page after a sign-up (``core/views.py``: ``campaign_thanks``)."""
        return routes.serve(self, "thanks", request)

    @path("count/", name="count")
    def live_count(self, request):
        """Public JSON figures (no personal data), e.g. for embeds and scripts."""
        return routes.serve(self, "count", request)

    def get_cached_paths(self):
        """The page's own URLs that a front-end cache keeps, purged on publish by
        ``wagtail.contrib.frontend_cache`` when a site installs it: the page, its
        thank-you page and its count (the count's goal and target change with edits)."""
        return ["/", "/thanks/", "/count/"]

    @property
    def form_class(self):
        """The one validator of this kind of page (``SignatureForm``, ``PledgeForm``)."""
        return routes.signup_for(self).form_class

    def record(self, form, ip):
        """Store a valid ``form`` through the feature's one service."""
        return routes.signup_for(self).record(self, form, ip)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["double_opt_in"] = get_setting("DOUBLE_OPT_IN")
        return context

    # -- identity and counting ------------------------------------------------
    @property
    def campaign_key(self):
        """One campaign across all translations: the pages' shared translation key."""
        return self.translation_key

    def get_totals(self):
        """The exact running totals, for organizers (the editor's panel, delivery)."""
        if not hasattr(self, "_totals"):
            self._totals = CampaignCounter.totals(self.campaign_key)
        return self._totals

    def get_public_totals(self):
        """The totals the public sees, refreshed in batches (``CampaignCounter``)."""
        if not hasattr(self, "_public_totals"):
            self._public_totals = CampaignCounter.public_totals(self.campaign_key)
        return self._public_totals

    @property
    def supporter_count(self):
        """The public count: online and paper supporters, as last refreshed."""
        totals = self.get_public_totals()
        return totals["count"] + totals["paper_tally"]

    def progress(self):
        """Count, goal, percentage, and the next milestone once the goal is passed (of
        the public count)."""
        count = self.supporter_count
        target = self.goal or 0
        if target and count >= target:
            for factor in get_setting("MILESTONE_FACTORS"):
                milestone = _round_milestone(target * factor)
                if milestone > count:
                    target = milestone
                    break
            else:
                target = _round_milestone(count * 1.5)
        percent = min(100, math.floor(count * 100 / target)) if target else 0
        return {
            "count": count,
            "goal": self.goal,
            "target": target,
            "percent": percent,
            "goal_reached": bool(self.goal) and count >= self.goal,
        }

    # -- open / closed --------------------------------------------------------
    def closed_reason(self, now=None):
        """None when accepting supporters, else a translated reason for supporters."""
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return _("This campaign has not opened yet.")
        if self.closes_at and now >= self.closes_at:
            return _("This campaign is closed.")
        return None

    @property
    def is_open(self):
        return self.closed_reason() is None

    def get_consent_text(self):
        return self.consent_text or str(
            _("Yes, keep me updated about this campaign and related work by email.")
        )


def _round_milestone(value):
    """Round up to a friendly number: 1,500 / 2,000 / 25,000 / 100,000."""
    value = int(math.ceil(value))
    if value < 10:
        return value
    magnitude = 10 ** (len(str(value)) - 2)
    return int(math.ceil(value / magnitude) * magnitude)


def entered_by_index(name):
    """The index of a supporter record's ``entered_by``, on the records staff entered
    (paper entry, imports) only: it serves deleting a user (``SET_NULL``) as a full index
    would, and web and API sign-ups never write to it."""
    return models.Index(
        fields=["entered_by"], name=name, condition=models.Q(entered_by__isnull=False)
    )


def campaign_page_field(model, verbose_name, related_name):
    """A supporter record's page: which translation of the campaign it came through.

    Django empties it when the page is deleted (``SET_NULL``), with no foreign-key
    constraint in the database: the constraint's check on each insert locked the page's
    row (``FOR KEY SHARE``), so that concurrent sign-ups on one campaign shared the lock
    through a PostgreSQL multixact, the costliest part of the insert after the row
    itself (issue 15). The record's campaign is ``campaign_key``, never the page. A feature
    calls ``unlink_records_of_deleted_pages`` for its record model, which empties the link
    of a record committed while its page was being deleted."""
    return models.ForeignKey(
        model,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
        verbose_name=verbose_name,
        db_constraint=False,
    )


def unlink_records_of_deleted_pages(record_model):
    """Keep ``record_model``'s ``page`` empty once its page is deleted.

    Django's ``SET_NULL`` empties the records it finds while deleting the page, but with
    no constraint (``campaign_page_field``) a sign-up committed alongside that deletion
    could keep the deleted page's id, and reading its ``page`` would then fail. The same
    update runs again once the deletion has committed, which catches such a record."""
    page_model = record_model._meta.get_field("page").related_model

    def unlink(sender, instance, using, **kwargs):
        pk = instance.pk

        def again():
            record_model._base_manager.using(using).filter(page_id=pk).update(page=None)

        transaction.on_commit(again, using=using)

    # For the page model alone (a subclass's deletion deletes its row of this model too,
    # with this signal): a receiver for every sender would cost every other model
    # Django's fast delete, which deletes without loading the rows.
    models.signals.post_delete.connect(
        unlink,
        sender=page_model,
        weak=False,
        dispatch_uid=f"heretostay_unlink_{record_model._meta.label_lower}",
    )


class SupporterRecord(models.Model):
    """Abstract personal-data record of one supporter action (a signature, a pledge).

    Holds the minimum: never immigration status or country of origin; the IP address
    only as a salted hash. Consent is recorded with its exact text, time and source.
    """

    campaign_key = models.UUIDField(_("campaign"), editable=False)
    language = models.CharField(_("language"), max_length=15, editable=False)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    email_normalized = models.CharField(max_length=254, editable=False)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.WEB
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    opted_in = models.BooleanField(_("joined mailing list"), default=False)
    consent_text = models.TextField(_("consent text shown"), blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    ip_hash = models.CharField(_("IP hash"), max_length=64, blank=True, editable=False)
    #: Empty for every web and API record: indexed only where set (``entered_by_index``),
    #: so that sign-ups do not each add an entry to an index of NULLs.
    entered_by = user_field(_("entered by"), db_index=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    send_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    #: Set when retention removed who this was (name, email, phone...): the row stays so
    #: totals and statistics survive; its emptied email no longer takes part in dedupe.
    anonymized_at = models.DateTimeField(_("anonymized"), null=True, blank=True, editable=False)

    #: Not in Wagtail's reference index: a supporter is not a "usage" of the campaign page
    #: (every signature showed up in the page's Usage tab), and indexing cost each
    #: sign-up five rows and a queued task.
    wagtail_reference_index_ignore = True

    class Meta:
        abstract = True

    def __str__(self):
        """Not the name: Wagtail labels audit-log entries (``wagtail.delete``,
        ``wagtail.edit``) with ``str(instance)``, and the log must never hold a supporter's
        name, email or phone. The screens that show a record show its fields."""
        return f"{capfirst(self._meta.verbose_name)} {str(self.public_id)[:8]}"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


@register_setting(icon="group")
class CampaignSettings(BaseSiteSetting):
    privacy_policy_url = models.URLField(_("privacy policy URL"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    starters_see_contacts = models.BooleanField(
        _("campaign starters see signers' emails and phones"),
        default=False,
        help_text=_(
            "Off: people who start or co-administer a campaign see its signers' names, postal "
            "codes and comments only. On: they also see emails and phones."
        ),
    )

    class Meta:
        verbose_name = _("campaign settings")


class CampaignRole(models.TextChoices):
    STARTER = "starter", _("Starter")
    ADMIN = "admin", _("Campaign admin")


class CampaignAdmin(models.Model):
    """Someone who runs one campaign page from the public site (My Campaigns) without
    Wagtail admin access: the person who started it, or a co-admin they invited."""

    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="heretostay_campaign_admins",
        verbose_name=_("campaign"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="heretostay_campaign_roles",
        verbose_name=_("user"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=CampaignRole.choices, default=CampaignRole.ADMIN
    )
    added_by = user_field(_("added by"))
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("campaign admin")
        verbose_name_plural = _("campaign admins")
        constraints = [
            models.UniqueConstraint(fields=["page", "user"], name="heretostay_campaign_admin_once")
        ]

    def __str__(self):
        # Never the user's name or email (audit log labels use str()).
        return f"{self.get_role_display()} #{self.pk}"


def validate_hex_color(value):
    try:
        contrast.normalize_hex(value)
    except ValueError:
        raise ValidationError(
            _("Enter a colour as # and six hexadecimal digits, for example #a3122b."),
            code="invalid",
        ) from None


@register_setting(icon="image")
class BrandingSettings(BaseSiteSetting):
    """The organization's name, logo, colours and contact line, per site.

    Used by public pages (header, footer, colours), emails (signature), the delivery
    PDF's cover and defense cards. The accent colour and its text colour must contrast
    at least 4.5:1 (WCAG AA), checked in ``clean``.
    """

    DEFAULT_ACCENT = "#a3122b"
    DEFAULT_ACCENT_TEXT = "#ffffff"
    #: The logo's size on the delivery PDF's cover (read from media).
    LOGO_PDF_SPEC = "max-720x240"

    organization_name = models.CharField(
        _("organization name"),
        max_length=200,
        blank=True,
        help_text=_(
            "Shown in the header of public pages, in emails and on the cover of delivery PDFs."
        ),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
        help_text=_(
            "Shown in the header of public pages and on the cover of delivery PDFs. "
            "A PNG or JPEG, wider than tall, works best."
        ),
    )
    accent_color = models.CharField(
        _("accent colour"),
        max_length=7,
        default=DEFAULT_ACCENT,
        validators=[validate_hex_color],
        help_text=_("Buttons, links and highlights: # and six hexadecimal digits."),
    )
    accent_text_color = models.CharField(
        _("text colour on the accent colour"),
        max_length=7,
        default=DEFAULT_ACCENT_TEXT,
        validators=[validate_hex_color],
        help_text=_(
            "Text on buttons. It must contrast with the accent colour at least 4.5:1 (WCAG AA)."
        ),
    )
    contact_line = models.CharField(
        _("contact line"),
        max_length=150,
        blank=True,
        help_text=_(
            "One line at the foot of public pages, emails and defense cards, for example "
            "“Hotline 555-0100 · info@example.org”."
        ),
    )

    panels = [
        FieldPanel("organization_name"),
        FieldPanel("logo"),
        FieldRowPanel([FieldPanel("accent_color"), FieldPanel("accent_text_color")]),
        FieldPanel("contact_line"),
    ]

    class Meta:
        verbose_name = _("branding")

    def clean(self):
        super().clean()
        try:
            self.accent_color = contrast.normalize_hex(self.accent_color)
            self.accent_text_color = contrast.normalize_hex(self.accent_text_color)
        except ValueError:
            return  # the field's own validator reports it
        ratio = contrast.contrast_ratio(self.accent_color, self.accent_text_color)
        if ratio < contrast.AA_NORMAL_TEXT:
            field = self._meta.get_field("accent_text_color")
            raise ValidationError(
                {
                    "accent_text_color": ValidationError(
                        _(
                            "%(field)s: %(text)s on %(accent)s has a contrast ratio of "
                            "%(ratio)s:1, below the 4.5:1 that WCAG AA requires for text. "
                            "Choose a darker or a lighter colour."
                        ),
                        code="contrast",
                        params={
                            "field": capfirst(field.verbose_name),
                            "text": self.accent_text_color,
                            "accent": self.accent_color,
                            # Rounded down, so 4.496 never reads as 4.50.
                            "ratio": formats.number_format(math.floor(ratio * 100) / 100, 2),
                        },
                    )
                }
            )

    # -- what templates use -----------------------------------------------------
    @property
    def colors(self):
        """The accent and its text colour, normalized; the defaults if either is invalid
        or the pair fails AA (a value written around the form), so nothing unchecked
        ever reaches a page's inline style."""
        try:
            accent = contrast.normalize_hex(self.accent_color)
            text = contrast.normalize_hex(self.accent_text_color)
        except ValueError:
            return self.DEFAULT_ACCENT, self.DEFAULT_ACCENT_TEXT
        if not contrast.passes_aa(accent, text):
            return self.DEFAULT_ACCENT, self.DEFAULT_ACCENT_TEXT
        return accent, text

    @property
    def link_color(self):
        """The accent as text on the white page: the darker of the pair, which contrasts
        with white at least as much as the pair with each other (so at least 4.5:1)."""
        return contrast.darker(*self.colors)

    @property
    def is_default_colors(self):
        return self.colors == (self.DEFAULT_ACCENT, self.DEFAULT_ACCENT_TEXT)

    @property
    def css_variables(self):
        """Custom properties for an inline ``<style>`` (hex digits only: safe in CSS)."""
        accent, text = self.colors
        return f"--hts-accent: {accent}; --hts-accent-ink: {text}; --hts-link: {self.link_color};"


@register_setting(icon="lock")
class RetentionSettings(BaseSiteSetting):
    """How long each site keeps the personal data of its campaigns (``retention/``).

    A campaign's data is due ``days_after_close`` days after it closes or
    ``days_after_activity`` days after its last sign-up, whichever comes first; a campaign
    page may override each of the three. What is due is anonymized (names, emails, phones,
    comments, addresses and IP hashes emptied; the rows and the totals stay) or deleted
    (the totals stay); delivery PDFs are files, so they are deleted either way.
    ``manage.py heretostay_retention`` (with ``--dry-run``) or the ``apply_retention``
    task does it; nothing happens until one of them is scheduled.
    """

    action = models.CharField(
        _("after a campaign, personal data is"),
        max_length=10,
        choices=RetentionAction.choices,
        default=RetentionAction.KEEP,
        help_text=_(
            "Anonymizing or deleting keeps every campaign's totals. Campaigns can override "
            "this in their Campaign tab."
        ),
    )
    days_after_close = models.PositiveIntegerField(
        _("days after a campaign closes"),
        null=True,
        blank=True,
        default=365,
        help_text=_("Leave blank to never act on closed campaigns."),
    )
    days_after_activity = models.PositiveIntegerField(
        _("days after a campaign's last sign-up"),
        null=True,
        blank=True,
        help_text=_(
            "For campaigns with no closing date that nobody signs any more. Leave blank to "
            "never act on them."
        ),
    )

    panels = [
        FieldPanel("action"),
        FieldRowPanel([FieldPanel("days_after_close"), FieldPanel("days_after_activity")]),
    ]

    class Meta:
        verbose_name = _("retention of personal data")


class ExportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Exporting")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class ExportJob(models.Model):
    """An export too large for a web request, written to storage by a background task.

    Made by ``core/exports.py::export_supporters`` (the one gate: permission, contacts,
    audit) and read back only through it (``exports.job_file_response``): the file's
    name in storage is private and unguessable, and it is deleted at ``expires_at``.
    ``filters`` are the request's filters as the audit log keeps them (searches
    redacted); ``query`` is what the task needs to rebuild the queryset.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    model = models.CharField(_("records"), max_length=100)
    #: The dotted path of the export's columns (``petitions.exports.COLUMNS``).
    columns = models.CharField(max_length=200, editable=False)
    #: What the audit entries of the export and its downloads are logged on: the
    #: campaign's page when one campaign was exported, else None (the default site).
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("campaign"),
    )
    format = models.CharField(_("format"), max_length=10)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    query = models.JSONField(default=dict, blank=True, editable=False)
    contacts = models.BooleanField(_("with emails and phones"), default=False)
    permission = models.CharField(max_length=150, editable=False)
    filename = models.CharField(_("file name"), max_length=150)
    #: The language of the headings and the time zone of the dates: the request's.
    language = models.CharField(max_length=20, blank=True, editable=False)
    time_zone = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExportJobStatus.choices,
        default=ExportJobStatus.QUEUED,
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file_name = models.CharField(_("file"), max_length=255, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.model} {self.format} #{self.pk}"

    @property
    def progress(self):
        """Percentage done, for the job page."""
        if self.status == ExportJobStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.rows_done * 100 // self.total_rows)

    @property
    def is_finished(self):
        return self.status in (
            ExportJobStatus.DONE,
            ExportJobStatus.FAILED,
            ExportJobStatus.EXPIRED,
        )

    def is_downloadable(self, now=None):
        return (
            self.status == ExportJobStatus.DONE
            and bool(self.file_name)
            and (self.expires_at is None or self.expires_at > (now or timezone.now()))
        )
