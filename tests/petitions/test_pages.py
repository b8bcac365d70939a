"""Creating petitions in the Wagtail admin and rendering them, as an organizer would."""

from django.contrib.auth.models import Group, Permission
from django.test import override_settings
from django.urls import reverse
from wagtail.models import GroupPagePermission, Locale, Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from heretostay_wagtail.models import PetitionPage, Source
from heretostay_wagtail.petitions import services as signing
from tests.conftest import make_petition
from tests.testapp.models import HomePage


class PetitionPageTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        Locale.objects.get_or_create(language_code="en")
        root = Page.get_first_root_node()
        cls.home = root.add_child(instance=HomePage(title="Home", slug="home-test"))
        Site.objects.all().delete()
        Site.objects.create(
            hostname="testserver", port=80, root_page=cls.home, is_default_site=True
        )
        cls.petition = make_petition(cls.home)
        cls.superuser = cls.create_superuser_static()

    @staticmethod
    def create_superuser_static():
        from django.contrib.auth import get_user_model

        return get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")

    def setUp(self):
        self.client.force_login(self.superuser)

    def form(self, **overrides):
        values = {
            "title": "Protect students at school",
            "slug": "protect-students",
            "targets": inline_formset([{"name": "School Board", "role": "Board"}]),
            "ask": "Adopt a safe-schools policy.",
            "why": rich_text("<p>Children learn best without fear.</p>"),
            "scope": "local",
            "place_name": "Springfield",
            "postal_code": "",
            "body": streamfield([]),
            "status": "open",
            "ask_postal_code": "required",
            "ask_phone": "optional",
            "ask_comment": "off",
            "goal": "500",
            "share_text": "Sign for safe schools",
            "share_email_subject": "",
            "share_email_body": "",
            "thank_you_message": "",
            "consent_text": "",
        }
        values.update(overrides)
        return nested_form_data(values)

    def test_petitions_can_be_created_under_the_home_page(self):
        self.assertCanCreateAt(HomePage, PetitionPage)
        self.assertCanCreate(self.home, PetitionPage, self.form())
        page = PetitionPage.objects.get(slug="protect-students")
        self.assertEqual(page.target_names, ["School Board"])
        self.assertEqual(page.ask_comment, "off")

    def test_local_petition_needs_a_place(self):
        response = self.client.post(
            reverse("wagtailadmin_pages:add", args=["heretostay", "petitionpage", self.home.pk]),
            self.form(place_name="", slug="no-place"),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Local petitions need a place.")
        self.assertFalse(PetitionPage.objects.filter(slug="no-place").exists())

    @override_settings(ROOT_URLCONF="tests.petitions.urls")
    def test_petition_is_routable_renderable_and_editable(self):
        self.assertPageIsRoutable(self.petition)
        self.assertPageIsRoutable(self.petition, "thanks/")
        self.assertPageIsRenderable(self.petition)
        self.assertPageIsRenderable(self.petition, "thanks/")
        # Wagtail cannot derive StreamField form data by itself: give it the edit form's data.
        data = self.form(title=self.petition.title, slug=self.petition.slug)
        self.assertPageIsEditable(self.petition, post_data=data)
        self.assertPageIsPreviewable(self.petition, post_data=data)

    def test_rendered_page_shows_the_petition_and_an_accessible_form(self):
        response = self.client.get(self.petition.url)
        self.assertContains(response, "<h1>Make our city a sanctuary city</h1>", html=False)
        self.assertContains(response, "Mayor Ana Ruiz")
        self.assertContains(response, "Pass a sanctuary ordinance.")
        self.assertContains(response, 'for="id_email"')
        self.assertContains(response, 'autocomplete="postal-code"')
        self.assertContains(response, 'name="website"')  # honeypot, hidden from people
        self.assertContains(response, 'property="og:title"')
        self.assertContains(response, "Goal: 100")
        # The opt-in box is never ticked for the supporter.
        self.assertNotContains(response, 'name="opt_in" checked')
        # Progressive enhancement script is optional: the form posts to the page itself.
        self.assertContains(response, 'method="post"')
        self.assertContains(response, "heretostay/js/campaign.js")

    def test_editor_sees_live_count_and_link_to_signatures(self):
        for i in range(3):
            signing.sign(
                self.petition,
                {"name": f"S{i}", "email": f"s{i}@example.org"},
                source=Source.WEB,
            )
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.petition.pk]))
        self.assertContains(response, "<strong>3</strong> signatures so far (goal: 100).")
        self.assertContains(response, f"?petition={self.petition.campaign_key}")

    def test_editor_without_signature_permission_sees_count_but_no_link(self):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user("ed", "ed@example.org", "pw")
        group = Group.objects.create(name="Petition editors")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        GroupPagePermission.objects.create(
            group=group, page=self.home, permission=Permission.objects.get(codename="change_page")
        )
        user.groups.add(group)
        self.client.force_login(user)
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.petition.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "signatures so far")
        self.assertNotContains(response, f"?petition={self.petition.campaign_key}")
