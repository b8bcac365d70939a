"""Defense cards as a translatable snippet in the admin."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from heretostay_wagtail.guides.models import DefenseCard


class DefenseCardViewSet(SnippetViewSet):
    model = DefenseCard
    icon = "doc-full"
    menu_label = _("Defense cards")
    menu_name = "defense_cards"
    add_to_admin_menu = True
    list_display = ["title", "organization_name", "locale", "updated_at"]
    search_fields = ["title", "organization_name"]


register_snippet(DefenseCardViewSet)
