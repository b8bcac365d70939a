"""The same Django permissions as the admin, checked explicitly on every staff view."""

from rest_framework.permissions import BasePermission, IsAuthenticated


def has_perm(permission):
    """A DRF permission class granting users with the Django ``permission``."""

    class HasPermission(BasePermission):
        def has_permission(self, request, view):
            return bool(request.user and request.user.has_perm(permission))

    HasPermission.__name__ = f"HasPermission[{permission}]"
    return HasPermission


__all__ = ["IsAuthenticated", "has_perm"]
