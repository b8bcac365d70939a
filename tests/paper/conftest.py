"""Fixtures for paper signatures and delivery: an organizer with the paper permissions."""

import io

import pytest
from django.contrib.auth.models import Permission
from pypdf import PdfReader

from heretostay_wagtail.models import Source
from heretostay_wagtail.petitions import services as signing
from tests.conftest import grant


def grant_page_rights(user, page=None):
    """Wagtail page permissions (edit and publish) on ``page`` and below, default the whole
    tree: the paper tools need them on a petition as well as the global permission
    (``core/rights.py``)."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupPagePermission, Page

    group, created = Group.objects.get_or_create(name="Page editors")
    if created:
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.create(
                group=group,
                page=page or Page.get_first_root_node(),
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    user.groups.add(group)
    return user


@pytest.fixture
def paper_organizer(django_user_model, home):
    user = django_user_model.objects.create_user("paperorg", "paperorg@example.org", "pw")
    grant(
        user,
        "wagtailadmin.access_admin",
        "heretostay.add_paper_signatures",
        "heretostay.deliver_petition",
    )
    return grant_page_rights(user)


@pytest.fixture
def paper_client(client, paper_organizer):
    client.force_login(paper_organizer)
    return client


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def flat(text):
    """Text with every run of whitespace as one space: columns and headings wrap."""
    return " ".join(text.split())


def pdf_pages(data):
    return PdfReader(io.BytesIO(data)).pages


def sign(petition, name, email, postal_code="94103", phone="", comment="", **kwargs):
    data = {
        "name": name,
        "email": email,
        "postal_code": postal_code,
        "phone": phone,
        "comment": comment,
        "opt_in": False,
    }
    return signing.sign(petition, data, source=kwargs.pop("source", Source.WEB), **kwargs)


@pytest.fixture
def make_petition_fixture(home):
    from tests.conftest import make_petition

    return lambda **kwargs: make_petition(home, **kwargs)
