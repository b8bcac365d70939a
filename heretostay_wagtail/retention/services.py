"""Anonymize or delete the personal data of campaigns past their retention period.

**The policy of a campaign** (``policy_for``): each of the campaign page's three
retention fields (what to do, days after the campaign closes, days after its last
sign-up) when set, else the ``RetentionSettings`` of the page's site. Translations share
the fields (synchronized by wagtail-localize); the page in the default language is read,
else the oldest. Records whose pages are all gone follow the default site's settings, by
their last sign-up only (there is no closing date left to read).

**When a campaign is due** (``Campaign.next_due``): ``days_after_close`` days after it
closed (``closes_at``; for a petition, ``delivered_at`` when that is earlier) or
``days_after_activity`` days after its newest sign-up (of any translation, anonymized
records included), whichever comes first. A campaign whose action is *keep* is never due.

**What is done** (``apply``), campaign by campaign, identified by ``campaign_key``:

- the files of its **delivery PDFs** are deleted from storage, whatever the action
  (``paper.retention.delete_file``, reason ``retention``: the job rows stay, and each file
  gets its own ``heretostay.delete_personal_data`` entry, as when purged);
- *anonymize*: the **alert deliveries** of its alerts are detached from their pledgers
  and their error text cleared; its **pledges** and **signatures** lose who they were
  (``ANONYMIZED_SIGNATURE`` and ``ANONYMIZED_PLEDGE`` below), get a new ``public_id`` (so
  links emailed earlier, to confirm, manage or unsubscribe, no longer open them) and
  ``anonymized_at``. Rows already anonymized are skipped, so running again does nothing
  new. Their emptied emails no longer take part in dedupe: the same person may sign
  again;
- *delete*: the alert deliveries, pledges and signatures are deleted. The features'
  ``post_delete`` receivers leave the counts alone (``core.recording.kept_in_totals``) and
  the counted records deleted are added to ``CampaignCounter.removed_by_retention``,
  which ``heretostay_recount`` adds back, so the totals stay as they were.

Work goes in batches of ``BATCH_SIZE`` rows, each in its own transaction, so memory stays
constant and a large campaign never holds a long lock; a run stopped half-way is
finished by the next one. Each campaign acted on gets one ``heretostay.retention``
audit entry (on its page, else on the default site) with the action, the reason, the
days and the counts: never a name, an email or a phone. A dry run counts the same
records and writes nothing.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Max, Q, Value
from django.db.models.functions import Replace, Substr, Upper
from django.utils import timezone
from wagtail.models import Locale, Site

from heretostay_wagtail.core import audit, recording
from heretostay_wagtail.core.models import (
    CampaignCounter,
    RetentionAction,
    RetentionSettings,
)
from heretostay_wagtail.paper import retention as paper_retention
from heretostay_wagtail.paper.models import DeliveryJob
from heretostay_wagtail.petitions.models import PetitionPage, Signature
from heretostay_wagtail.pledges.models import AlertDelivery, PhoneVerification, Pledge, PledgePage

logger = logging.getLogger(__name__)

ACTION = "heretostay.retention"
#: Who may see what retention will do (the admin screen): whoever may change the settings.
PERMISSION = "heretostay.change_retentionsettings"

#: The kinds of records counted, in the order reports list them.
KINDS = ("signatures", "pledges", "alert_deliveries", "delivery_files")

#: Why a campaign is due.
CLOSED = "closed"
INACTIVE = "inactive"

#: Rows anonymized or deleted per transaction.
BATCH_SIZE = 500

#: Characters of a postal code (signatures) or area (pledges) kept by anonymization,
#: upper-cased without spaces: "62701" becomes "627", "SW1A 1AA" "SW1". Three digits of
#: a US ZIP code is what HIPAA's Safe Harbor keeps (an area of tens of thousands of
#: people at least, most of the time); enough for statistics by region.
POSTAL_PREFIX = 3


def _prefix(field_name):
    cleaned = Upper(Replace(F(field_name), Value(" "), Value("")))
    return Substr(cleaned, 1, POSTAL_PREFIX) if POSTAL_PREFIX else Value("")


#: Who a signature was, emptied; what makes statistics stays (when, how, language,
#: confirmation, opt-in, who typed it in), with a coarse postal code.
ANONYMIZED_SIGNATURE = {
    "name": "",
    "email": "",
    "email_normalized": "",
    "phone": "",
    "comment": "",
    "ip_hash": "",
    # The paper sheet it was typed from: the sheet itself carries the name.
    "sheet_code": "",
}

#: Who a pledger was and how to reach them, emptied; the alert consents are switched
#: off (nobody can alert an anonymous row). What makes statistics stays (when, how,
#: language, roles, training date, withdrawal), with a coarse area.
ANONYMIZED_PLEDGE = {
    "name": "",
    "email": "",
    "email_normalized": "",
    "phone": "",
    "ip_hash": "",
    # Languages spoken can say where someone comes from.
    "languages": "",
    "availability": "",
    "training_notes": "",
    "alert_sms": False,
    "alert_sms_consent_text": "",
    "alert_sms_consent_at": None,
    "alert_email": False,
    "alert_email_consent_text": "",
    "alert_email_consent_at": None,
    "email_verified_at": None,
    "phone_verified_at": None,
}


def _signature_changes():
    return {**ANONYMIZED_SIGNATURE, "postal_code": _prefix("postal_code")}


def _pledge_changes():
    area = _prefix("area_normalized")
    return {**ANONYMIZED_PLEDGE, "area": area, "area_normalized": area}


#: What makes a record part of its campaign's count (as the services, the post_delete
#: receivers and ``heretostay_recount`` count).
COUNTED = {
    Signature: Q(confirmed_at__isnull=False),
    Pledge: Q(confirmed_at__isnull=False, withdrawn_at__isnull=True),
}


# -- Policy -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """What to do with a campaign's personal data, and when (None: never by that rule)."""

    action: str
    days_after_close: int | None
    days_after_activity: int | None

    @classmethod
    def of_site(cls, site):
        """The ``RetentionSettings`` of ``site`` (its defaults when none were saved; read
        without creating the row, so a dry run writes nothing)."""
        settings = RetentionSettings.objects.filter(site=site).first() if site else None
        settings = settings or RetentionSettings()
        return cls(settings.action, settings.days_after_close, settings.days_after_activity)

    def overridden_by(self, page):
        """This site policy with ``page``'s own retention fields where set."""

        def pick(own, default):
            return default if own is None else own

        return Policy(
            action=page.retention_action or self.action,
            days_after_close=pick(page.retention_days_after_close, self.days_after_close),
            days_after_activity=pick(page.retention_days_after_activity, self.days_after_activity),
        )

    @property
    def keeps(self):
        return self.action not in (RetentionAction.ANONYMIZE, RetentionAction.DELETE)


def policy_for(page):
    """The retention policy of ``page``'s campaign: the page's fields, else its site's."""
    return Policy.of_site(page.get_site()).overridden_by(page)


@dataclass(frozen=True)
class Due:
    """Why and since when a campaign's data is due."""

    reason: str  # CLOSED or INACTIVE
    days: int
    since: datetime  # when the campaign closed, or its newest sign-up
    at: datetime  # since + days


@dataclass
class Campaign:
    """One campaign (every translation of its page) as retention sees it."""

    key: uuid.UUID
    page: object | None  # the page read (default language first); None when all are gone
    policy: Policy
    closed_at: datetime | None = None
    last_activity: datetime | None = None

    @property
    def title(self):
        return self.page.title if self.page is not None else None

    def next_due(self):
        """The first rule to fall due (past or future), or None if none ever will."""
        policy = self.policy
        if policy.keeps:
            return None
        rules = []
        if policy.days_after_close is not None and self.closed_at is not None:
            rules.append((CLOSED, policy.days_after_close, self.closed_at))
        if policy.days_after_activity is not None and self.last_activity is not None:
            rules.append((INACTIVE, policy.days_after_activity, self.last_activity))
        due = [
            Due(reason, days, since, since + timedelta(days=days)) for reason, days, since in rules
        ]
        return min(due, key=lambda d: d.at, default=None)

    def due(self, now=None):
        """``next_due`` when it has come by ``now``, else None."""
        first = self.next_due()
        if first is None or first.at > (now or timezone.now()):
            return None
        return first


def _closed_at(page):
    dates = [page.closes_at, getattr(page, "delivered_at", None)]
    dates = [d for d in dates if d is not None]
    return min(dates) if dates else None


def _campaign_pages():
    """The page read for each campaign key: the one in the default language, else the
    oldest translation."""
    try:
        default_locale = Locale.get_default().pk
    except (Locale.DoesNotExist, LookupError):  # LANGUAGE_CODE not a content language
        default_locale = None
    pages = {}
    for model in (PetitionPage, PledgePage):
        for page in model.objects.order_by("pk"):
            key = page.translation_key
            chosen = pages.get(key)
            if chosen is None or (
                page.locale_id == default_locale and chosen.locale_id != default_locale
            ):
                pages[key] = page
    return pages


def _last_activity():
    """The newest sign-up of every campaign with records: {campaign_key: created_at}."""
    newest = {}
    for model in (Signature, Pledge):
        rows = model.objects.order_by().values("campaign_key").annotate(last=Max("created_at"))
        for row in rows:
            key, last = row["campaign_key"], row["last"]
            if key not in newest or last > newest[key]:
                newest[key] = last
    return newest


def campaigns():
    """Every campaign with pages or records, with its policy and dates, by title."""
    site_policies = {}

    def site_policy(site):
        site_pk = site.pk if site is not None else None
        if site_pk not in site_policies:
            site_policies[site_pk] = Policy.of_site(site)
        return site_policies[site_pk]

    default_site = Site.objects.filter(is_default_site=True).first()
    pages = _campaign_pages()
    newest = _last_activity()
    found = []
    for key, page in pages.items():
        policy = site_policy(page.get_site() or default_site).overridden_by(page)
        found.append(Campaign(key, page, policy, _closed_at(page), newest.get(key)))
    orphaned = site_policy(default_site)
    for key in newest.keys() - pages.keys():
        found.append(Campaign(key, None, orphaned, None, newest[key]))
    found.sort(key=lambda c: (c.title is None, (c.title or "").lower(), str(c.key)))
    return found


def due_campaigns(now=None):
    """[(campaign, due)] of the campaigns whose data retention acts on by ``now``."""
    now = now or timezone.now()
    result = []
    for campaign in campaigns():
        due = campaign.due(now)
        if due is not None:
            result.append((campaign, due))
    return result


# -- What is acted on -------------------------------------------------------------------


def _records(model, key, action, before):
    """The campaign's records of ``model`` to act on: those made by ``before`` (the run's
    start: someone signing during a run is not anonymized a moment later)."""
    records = model.objects.filter(campaign_key=key, created_at__lte=before)
    if action == RetentionAction.ANONYMIZE:
        records = records.filter(anonymized_at__isnull=True)
    return records


def _alert_deliveries(key, action):
    deliveries = AlertDelivery.objects.filter(
        Q(alert__campaign_key=key) | Q(pledge__campaign_key=key)
    )
    if action == RetentionAction.ANONYMIZE:
        deliveries = deliveries.filter(Q(pledge__isnull=False) | ~Q(error=""))
    return deliveries


def _delivery_jobs(key):
    return (
        DeliveryJob.objects.filter(page__translation_key=key)
        .exclude(file_name="")
        .select_related("page")
        .order_by("pk")
    )


def count(key, action, before=None):
    """How many records of each kind (``KINDS``) retention would act on."""
    before = before or timezone.now()
    return {
        "signatures": _records(Signature, key, action, before).count(),
        "pledges": _records(Pledge, key, action, before).count(),
        "alert_deliveries": _alert_deliveries(key, action).count(),
        "delivery_files": _delivery_jobs(key).count(),
    }


def _in_batches(queryset, work, lock=False):
    """Call ``work(pks)`` on at most ``BATCH_SIZE`` primary keys of ``queryset`` at a
    time, each batch in its own transaction (its rows locked with ``SELECT ... FOR
    UPDATE`` where the database can), until ``queryset`` selects nothing: ``work`` must
    take its rows out of it. Returns the sum of what ``work`` returned (rows changed)."""
    done = 0
    while True:
        with transaction.atomic():
            selection = queryset.select_for_update() if lock else queryset
            pks = list(selection.order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE])
            if not pks:
                return done
            changed = work(pks)
        done += changed
        if not changed:  # nothing left that this run can change
            return done


def _anonymize(model, key, changes, before):
    def work(pks):
        rows = model.objects.filter(pk__in=pks, anonymized_at__isnull=True)
        updated = rows.update(**changes, anonymized_at=timezone.now())
        if model is Pledge:
            # Phone codes keep a keyed digest of the number: they go with it.
            PhoneVerification.objects.filter(pledge_id__in=pks).delete()
        # New public ids: links emailed earlier (confirm, manage, unsubscribe) no longer
        # open the anonymous rows, nor do ids given out by exports or the API lead to them.
        model.objects.bulk_update(
            [model(pk=pk, public_id=uuid.uuid4()) for pk in pks], ["public_id"]
        )
        return updated

    records = _records(model, key, RetentionAction.ANONYMIZE, before)
    return _in_batches(records, work, lock=True)


def _delete(model, key, before):
    """Delete the campaign's records of ``model`` without lowering its totals."""

    def work(pks):
        rows = model.objects.filter(pk__in=pks)
        counted = rows.filter(COUNTED[model]).count()
        with recording.kept_in_totals():
            # Django's delete: many-to-many rows (a pledge's roles) go with the records,
            # and alert deliveries still pointing at them are detached.
            _total, per_model = rows.delete()
        CampaignCounter.add(key, removed_by_retention=counted)
        return per_model.get(model._meta.label, 0)

    return _in_batches(_records(model, key, RetentionAction.DELETE, before), work, lock=True)


def _act_on_alert_deliveries(key, action):
    def work(pks):
        rows = AlertDelivery.objects.filter(pk__in=pks)
        if action == RetentionAction.DELETE:
            return rows.delete()[0]
        return rows.update(pledge=None, error="")

    return _in_batches(_alert_deliveries(key, action), work)


def _delete_files(key, days):
    """Delete the campaign's delivery PDF files; returns (deleted, failed)."""
    deleted = failed = 0
    for job in list(_delivery_jobs(key)):  # a few per petition
        outcome = paper_retention.delete_file(job, reason=paper_retention.RETENTION, days=days)
        if outcome == paper_retention.DELETED:
            deleted += 1
        elif outcome == paper_retention.FAILED:
            failed += 1
    return deleted, failed


# -- Applying ---------------------------------------------------------------------------


@dataclass
class CampaignResult:
    """What retention did (or, in a dry run, would do) to one campaign."""

    key: uuid.UUID
    title: str | None
    page: object | None
    action: str
    reason: str
    days: int
    counts: dict
    #: Delivery PDF files storage could not delete (the next run tries again).
    failed_files: int = 0

    @property
    def acted(self):
        return any(self.counts.values())

    @property
    def total(self):
        return sum(self.counts.values())


@dataclass
class RetentionResult:
    dry_run: bool = False
    #: The campaigns with something to act on (or files that failed), by title.
    campaigns: list = field(default_factory=list)

    @property
    def totals(self):
        return {kind: sum(c.counts[kind] for c in self.campaigns) for kind in KINDS}

    @property
    def failed_files(self):
        return sum(c.failed_files for c in self.campaigns)

    @property
    def complete(self):
        return not self.failed_files

    def as_dict(self):
        """For the task's result (JSON): counts only, never names or titles."""
        return {
            "dry_run": self.dry_run,
            "campaigns": len(self.campaigns),
            "totals": self.totals,
            "failed_files": self.failed_files,
        }


def _act(campaign, due, before):
    key, action = campaign.key, campaign.policy.action
    counts = dict.fromkeys(KINDS, 0)
    counts["delivery_files"], failed = _delete_files(key, due.days)
    counts["alert_deliveries"] = _act_on_alert_deliveries(key, action)
    if action == RetentionAction.DELETE:
        counts["pledges"] = _delete(Pledge, key, before)
        counts["signatures"] = _delete(Signature, key, before)
    else:
        counts["pledges"] = _anonymize(Pledge, key, _pledge_changes(), before)
        counts["signatures"] = _anonymize(Signature, key, _signature_changes(), before)
    return counts, failed


def _log(result, user):
    instance = result.page if result.page is not None else audit.default_instance(user)
    if instance is None:
        logger.warning("Retention of campaign %s not audit-logged: no default site", result.key)
        return
    data = {
        "campaign": str(result.key),
        "retention": result.action,
        "reason": result.reason,
        "days": result.days,
        **result.counts,
    }
    if result.failed_files:
        data["failed_files"] = result.failed_files
    audit.log(instance, ACTION, user=user, **data)


def apply(dry_run=False, now=None, user=None):
    """Anonymize or delete the data of every campaign due by ``now``.

    Returns a ``RetentionResult``: per campaign acted on (or, with ``dry_run``, that
    would be), the counts by kind (``KINDS``). A dry run counts the records a real run
    would then act on, and writes nothing: no change, no audit entry. Records made after
    the run started (or after ``now``, if earlier) are left alone.
    """
    started = timezone.now()
    now = now or started
    before = min(now, started)
    result = RetentionResult(dry_run=dry_run)
    for campaign, due in due_campaigns(now):
        action = campaign.policy.action
        if dry_run:
            counts, failed = count(campaign.key, action, before), 0
        else:
            counts, failed = _act(campaign, due, before)
        outcome = CampaignResult(
            key=campaign.key,
            title=campaign.title,
            page=campaign.page,
            action=action,
            reason=due.reason,
            days=due.days,
            counts=counts,
            failed_files=failed,
        )
        if not outcome.acted and not failed:
            continue
        if not dry_run:
            _log(outcome, user)
        result.campaigns.append(outcome)
    return result
