"""Finding a campaign's supporters and tools from the page tree and the page editor."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from heretostay_wagtail.models import PetitionPage
from tests.pledges.conftest import make_pledge_page

pytestmark = pytest.mark.django_db


def explorer(client, user, page):
    client.force_login(user)
    return client.get(reverse("wagtailadmin_explore", args=[page.get_parent().pk])).content.decode()


def may_edit_pages(user):
    group, _ = Group.objects.get_or_create(name="Page editors")
    GroupPagePermission.objects.create(
        group=group,
        page=Page.get_first_root_node(),
        permission=Permission.objects.get(codename="change_page"),
    )
    user.groups.add(group)
    return user


def test_explorer_row_links_to_the_petitions_signatures(client, organizer, petition):
    html = explorer(client, may_edit_pages(organizer), petition)
    url = reverse("heretostay_signatures:index") + f"?petition={petition.campaign_key}"
    assert f'href="{url}"' in html
    assert "Signatures of &#x27;Make our city a sanctuary city&#x27;" in html


def test_no_signatures_button_without_the_permission(client, editor, petition):
    html = explorer(client, may_edit_pages(editor), petition)
    assert "Make our city a sanctuary city" in html
    assert reverse("heretostay_signatures:index") not in html


def test_explorer_row_links_to_the_pledge_pages_volunteers(client, superuser, home):
    pledge = make_pledge_page(home)
    html = explorer(client, superuser, pledge)
    assert f"?campaign={pledge.campaign_key}" in html and "Volunteers" in html


def test_editor_count_panel_links_to_signatures_and_paper_tools(client, superuser, petition):
    client.force_login(superuser)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[petition.pk])).content.decode()
    panel = html[html.index("data-heretostay-signature-count") :]
    panel = panel[: panel.index("</div>")]
    assert "View signatures" in panel
    assert reverse("heretostay_paper_tools", args=[petition.pk]) in panel
    assert "Paper signatures and delivery" in panel


def test_paper_tools_link_only_for_organizers_of_paper(client, organizer, petition):
    client.force_login(may_edit_pages(organizer))
    html = client.get(reverse("wagtailadmin_pages:edit", args=[petition.pk])).content.decode()
    panel = html[html.index("data-heretostay-signature-count") :]
    panel = panel[: panel.index("</div>")]
    assert "View signatures" in panel
    assert reverse("heretostay_paper_tools", args=[petition.pk]) not in panel


def test_targets_are_labelled_one_at_a_time(client, superuser, petition):
    client.force_login(superuser)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[petition.pk])).content.decode()
    assert "Add Target" in html and "Add Targets" not in html
    assert "Targets 1" not in html


def form_class():
    return PetitionPage.get_edit_handler().get_form_class()


def test_place_is_marked_required_for_local_petitions(home):
    form = form_class()(parent_page=home, for_user=None)
    assert form.fields["place_name"].required  # local is the default scope
    national = form_class()(data={"scope": "national"}, parent_page=home, for_user=None)
    assert not national.fields["place_name"].required
    local = form_class()(data={"scope": "local", "place_name": ""}, parent_page=home, for_user=None)
    assert local.fields["place_name"].required
    assert str(local.fields["place_name"].error_messages["required"]) == (
        "Local petitions need a place."
    )


def test_place_shows_the_required_mark_in_the_editor(client, superuser, home):
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:add", args=["heretostay", "petitionpage", home.pk])
    html = client.get(url).content.decode()
    label = html[html.index('for="id_place_name"') :]
    label = label[: label.index("</label>")]
    assert "w-required-mark" in label
