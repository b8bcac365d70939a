"""Fixtures of the start-a-campaign, moderation, reporting and index tests
(test_start*.py, test_moderation.py, test_reports.py, test_index.py): a campaign index
with "Start a campaign" on, in English and Spanish, and a moderation workflow on it."""

import io
import struct
import zlib

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from PIL import Image
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from heretostay_wagtail.grassroots.models import CampaignIndexPage
from tests.conftest import grant, translate_live

DRAFT = {
    "name": {"title": "Make Springfield a sanctuary city"},
    "target": {"target_name": "Mayor Ana Ruiz", "target_role": "Mayor"},
    "ask": {"ask": "Sign a sanctuary ordinance."},
    "why": {"why": "Families should not live in fear.\n\nOur neighbours are here to stay."},
    "where": {"scope": "local", "place_name": "Springfield", "postal_code": "62701"},
}


@pytest.fixture
def index(home):
    page = CampaignIndexPage(
        title="Campaigns", slug="campaigns", allow_starting=True, intro="<p>Start one.</p>"
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def index_es(index, home_es, locales, django_capture_on_commit_callbacks):
    return translate_live(
        index, locales["es"], {"Campaigns": "Campañas"}, django_capture_on_commit_callbacks
    )


@pytest.fixture
def moderators(db):
    group, _ = Group.objects.get_or_create(name="Moderators")
    return group


def moderation_workflow(page, moderators, name):
    """A one-step workflow, the Moderators group approving, on ``page`` and below."""
    task = GroupApprovalTask.objects.create(name="Moderators approve")
    task.groups.set([moderators])
    flow = Workflow.objects.create(name=name)
    WorkflowTask.objects.create(workflow=flow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=flow, page=page)
    return flow


@pytest.fixture
def review_workflow(index, moderators):
    """A one-step "Moderators approval" workflow on the campaign index."""
    return moderation_workflow(index, moderators, "Campaign review")


@pytest.fixture
def moderator(superuser, moderators):
    superuser.groups.add(moderators)
    return superuser


def account(django_user_model, name, verified=True):
    email = f"{name}@example.org"
    user = django_user_model.objects.create_user(name, email, "a-long-password-1")
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


@pytest.fixture
def starter(django_user_model):
    return account(django_user_model, "starter")


def start_url(index, step=""):
    return f"/campaigns/start/{index.pk}/" + (f"{step}/" if step else "")


def fill_steps(client, index, draft=DRAFT):
    """Post every step of the flow; returns the last response (a redirect)."""
    response = None
    for step, data in draft.items():
        response = client.post(start_url(index, step), data)
        assert response.status_code == 302, (step, response.content[:2000])
    return response


def picture_bytes(size=(400, 300), fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 40)).save(buffer, fmt)
    return buffer.getvalue()


def png_claiming(width, height):
    """A tiny PNG whose header says ``width`` x ``height`` (a decompression bomb's shape)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


__all__ = [
    "DRAFT",
    "index",
    "index_es",
    "moderators",
    "review_workflow",
    "moderator",
    "account",
    "starter",
    "start_url",
    "fill_steps",
    "picture_bytes",
    "png_claiming",
    "grant",
]
