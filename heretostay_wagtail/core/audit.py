"""Audit-log actions of the package, written to Wagtail's own audit log.

Every export or download of personal data, every deletion of a supporter record and
every delivery goes through :func:`log` so organizers can answer "who saw what, when".
"""

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log as wagtail_log

# action name -> (label, past-tense message)
ACTIONS = {
    # Every listing, record or API response showing supporters' personal data: data
    # says which kind (``model``), how many records (``records``) and, for listings,
    # whether contacts were shown (``contacts``); never whom.
    "heretostay.view": (_("View personal data"), _("Viewed personal data")),
    "heretostay.export": (_("Export personal data"), _("Exported personal data")),
    "heretostay.download": (_("Download personal data"), _("Downloaded personal data")),
    "heretostay.delete_supporter": (_("Delete supporter record"), _("Deleted a supporter record")),
    "heretostay.paper_entry": (_("Enter paper signatures"), _("Entered paper signatures")),
    "heretostay.paper_tally_remove": (
        _("Remove paper count"),
        _("Removed signatures counted on paper without names"),
    ),
    "heretostay.delete_personal_data": (
        _("Delete personal data"),
        _("Deleted a file of personal data"),
    ),
    "heretostay.deliver": (_("Deliver petition"), _("Delivered the petition")),
    "heretostay.erasure": (
        _("Erase a supporter"),
        _("Erased everything about one email address or phone number"),
    ),
    "heretostay.retention": (
        _("Apply retention"),
        _("Anonymized or deleted personal data past its retention period"),
    ),
    "heretostay.alert.create": (_("Create alert"), _("Created a rapid-response alert")),
    "heretostay.alert.verify": (_("Verify alert"), _("Verified a rapid-response alert")),
    "heretostay.alert.send": (_("Send alert"), _("Sent a rapid-response alert")),
    "heretostay.alert.dispatch": (
        _("Dispatch alert"),
        _("Queued a rapid-response alert's messages"),
    ),
    "heretostay.alert.unverify": (
        _("Unverify alert"),
        _("A rapid-response alert went back to draft"),
    ),
    "heretostay.verification_request": (
        _("Ask pledgers to verify"),
        _("Emailed pledgers their link to confirm their email and phone"),
    ),
    # Moderators acting on reports of campaigns (grassroots/admin.py).
    "heretostay.report.taken_down": (
        _("Take down a reported campaign"),
        _("Took down a reported campaign"),
    ),
    "heretostay.report.dismissed": (
        _("Dismiss reports of a campaign"),
        _("Dismissed reports of a campaign"),
    ),
    "heretostay.alert.recover": (
        _("Recover alert deliveries"),
        _("Resolved alert messages a stopped worker left unfinished"),
    ),
}


def register(actions):
    for name, (label, message) in ACTIONS.items():
        actions.register_action(name, label, message)


def default_instance(user):
    """What an entry about no one page is logged on (exports, erasure): the default
    site, else the acting user."""
    from wagtail.models import Site

    return Site.objects.filter(is_default_site=True).first() or user


def log(instance, action, user=None, **data):
    """Write ``action`` on ``instance`` to Wagtail's audit log, with ``data`` as details."""
    if action not in ACTIONS:
        raise ValueError(f"Unregistered audit action {action!r}")
    return wagtail_log(instance, action, user=user, data=data)


# -- the audit entry of every view of personal data ------------------------------------


#: Filters whose values are typed free text (a name, email or phone searched for): the
#: audit log notes that a search narrowed what was seen or exported, never what was
#: searched.
REDACTED_FILTERS = frozenset({"q", "search"})
REDACTED = "[search]"


def filters_for_audit(filters):
    """Filter values as the audit log keeps them: text, with free-text searches redacted."""
    return {
        str(k): REDACTED if k in REDACTED_FILTERS else str(v) for k, v in (filters or {}).items()
    }


def campaign_page(page_model, campaign_key):
    """The default-language page of a campaign (else any translation), or None: what an
    audit entry about one campaign is logged on."""
    from wagtail.models import Locale

    pages = page_model.objects.filter(translation_key=campaign_key)
    return pages.filter(locale=Locale.get_default()).first() or pages.first()


def log_view(user, model, *, records, contacts, filters=None, instance=None, **data):
    """Write the one ``heretostay.view`` audit entry of a request that showed personal data:
    which kind (``model``), how many records, whether emails and phones were shown, and
    the filters (searches redacted). Never whom: callers pass no name, email or phone.
    ``instance`` is the campaign's page when one campaign was shown, else the default
    site (``default_instance``)."""
    if instance is None:
        instance = default_instance(user)
    return log(
        instance,
        "heretostay.view",
        user=user,
        model=model._meta.label,
        records=records,
        contacts=bool(contacts),
        filters=filters_for_audit(filters),
        **data,
    )
