"""Fixtures of the My Campaigns and manage-pane tests (test_manage*.py, test_rights*.py):
campaigns started by two people, a co-admin, staff with and without page rights, and a
moderation workflow on the site's home page."""

import pytest
from allauth.account.models import EmailAddress

from heretostay_wagtail.core.models import CampaignAdmin, CampaignRole
from tests.conftest import grant, make_petition
from tests.grassroots import start_helpers
from tests.grassroots.start_helpers import moderation_workflow
from tests.paper.conftest import grant_page_rights


def account(django_user_model, name, *perms, verified=True):
    """A public-site account with a verified allauth address (no admin access)."""
    email = f"{name}@example.org"
    user = django_user_model.objects.create_user(name, email, "pw")
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return grant(user, *perms) if perms else user


def run_by(page, user, role=CampaignRole.STARTER):
    CampaignAdmin.objects.create(page=page, user=user, role=role, added_by=user)
    if role == CampaignRole.STARTER:
        page.owner = user
        page.save(update_fields=["owner"])
    return page


moderators = start_helpers.moderators  # the fixture, for modules that star-import this one


@pytest.fixture
def workflow(home, moderators):
    """A one-step moderation workflow on the home page and below."""
    return moderation_workflow(home, moderators, "Grassroots moderation")


@pytest.fixture
def moderator(django_user_model, moderators, home):
    user = django_user_model.objects.create_user("mod", "mod@example.org", "pw")
    grant(user, "wagtailadmin.access_admin")
    user.groups.add(moderators)
    return grant_page_rights(user)


@pytest.fixture
def alice(django_user_model):
    return account(django_user_model, "alice")


@pytest.fixture
def bob(django_user_model):
    return account(django_user_model, "bob")


@pytest.fixture
def carol(django_user_model):
    return account(django_user_model, "carol")


@pytest.fixture
def campaign(home, alice):
    """Alice's live petition."""
    return run_by(make_petition(home, title="Sanctuary for Springfield", slug="springfield"), alice)


@pytest.fixture
def other_campaign(home, bob, carol):
    """Bob's live petition, with Carol as its co-admin."""
    page = run_by(make_petition(home, title="Undocu-friendly campus", slug="campus"), bob)
    return run_by(page, carol, CampaignRole.ADMIN)


@pytest.fixture
def staff_no_page(django_user_model):
    """Staff with every global permission of the tools but no page permission."""
    user = django_user_model.objects.create_user("staffer", "staffer@example.org", "pw")
    return grant(
        user,
        "wagtailadmin.access_admin",
        "heretostay.add_paper_signatures",
        "heretostay.deliver_petition",
        "heretostay.view_signature",
        "heretostay.view_signature_contact",
    )


@pytest.fixture
def staff_with_page(django_user_model, home):
    """Staff with the same global permissions and page rights on the whole tree."""
    user = django_user_model.objects.create_user("pagestaff", "pagestaff@example.org", "pw")
    grant(
        user,
        "wagtailadmin.access_admin",
        "heretostay.add_paper_signatures",
        "heretostay.deliver_petition",
        "heretostay.view_signature",
        "heretostay.view_signature_contact",
    )
    return grant_page_rights(user)
