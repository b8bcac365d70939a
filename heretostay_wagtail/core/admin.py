"""What every supporter listing in the Wagtail admin shares.

Supporter records (signatures, pledges) are created only by their feature's service,
which validates, dedupes, counts and records consent. So the admin never offers to add
one, whatever permissions a group holds: ``SupporterPermissionPolicy`` refuses the
actions a listing must not offer, and Wagtail's generic views then hide their buttons
and refuse their URLs. One mechanism for every supporter listing.
"""

from django.utils.functional import cached_property
from wagtail.admin.active_filters import ChoiceFilterAdapter, register_filter_adapter_class
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from heretostay_wagtail.core.filters import CampaignFilter

# The active-filter pill above a listing names the campaign ("Petition: Make our city a
# sanctuary city"), not its key, as for any choice filter.
register_filter_adapter_class(CampaignFilter, adapter_class=ChoiceFilterAdapter)


class SupporterPermissionPolicy(ModelPermissionPolicy):
    """Django model permissions, less the actions in ``refused`` (for everyone); and
    every action needs ``view`` as well, since each screen (delete, history, edit) shows
    the supporter's name: ``delete_signature`` alone opens none of them."""

    def __init__(self, model, *, refused=("add",), **kwargs):
        super().__init__(model, **kwargs)
        self.refused = frozenset(refused)

    def _may_view(self, user):
        return super().user_has_permission(user, "view")

    def user_has_permission(self, user, action):
        if action in self.refused:
            return False
        return super().user_has_permission(user, action) and self._may_view(user)

    def user_has_any_permission(self, user, actions):
        allowed = [action for action in actions if action not in self.refused]
        return (
            bool(allowed)
            and super().user_has_any_permission(user, allowed)
            and self._may_view(user)
        )

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action not in self.refused]
        if not allowed:
            return self.user_model.objects.none()
        return super().users_with_any_permission(allowed)


def register_supporter_policy(model, refused=("add",)):
    """Register ``model``'s policy with Wagtail, so every admin view uses it."""
    policy = SupporterPermissionPolicy(model, refused=refused)
    register_permission_policy(model, policy)
    return policy


class SupporterViewSet(ModelViewSet):
    """A listing of supporter records; register the model's policy first."""

    copy_view_enabled = False
    search_backend_name = None  # plain database search: supporter data stays out of indexes


class SupporterIndexView(generic.IndexView):
    """A supporter listing filtered by the feature's one FilterSet, less the filters
    only API clients use (the FilterSet's ``api_only``: no control for them here)."""

    @cached_property
    def filters(self):
        filters = super().filters
        if filters is not None:
            for name in getattr(filters, "api_only", ()):
                filters.form.fields.pop(name, None)
        return filters


LISTING_COLUMNS = {"text": Column, "date": DateColumn, "boolean": BooleanColumn}


def listing_columns(columns):
    """An admin listing's ``list_display`` from a feature's export columns: those marked
    ``listing``, the "title" one first. It is given by field name, so Wagtail makes it the
    row's link with its buttons (inspect, edit, delete as permitted)."""
    display = [column.key for column in columns if column.listing == "title"]
    for column in columns:
        if column.listing and column.listing != "title":
            display.append(
                LISTING_COLUMNS[column.listing](
                    column.key,
                    label=column.heading,
                    accessor=column.display or column.get,
                    sort_key=column.sort_key,
                )
            )
    return display
