"""DRF throttles backed by the package's cache-based limiter (``throttling.hit``).

Rates come from ``HERETOSTAY["THROTTLE_RATES"]``, never from the host's DRF settings,
and the web form and the API share the ``sign``/``confirm`` budgets of an address.
"""

from rest_framework.throttling import BaseThrottle

from heretostay_wagtail.core import throttling


class PackageThrottle(BaseThrottle):
    scope = None

    def get_ident(self, request):
        return None  # per client IP (hashed), as for the web forms

    def allow_request(self, request, view):
        return throttling.hit(request, self.scope, ident=self.get_ident(request))

    def wait(self):
        return throttling.retry_after(self.scope)


class PublicThrottle(PackageThrottle):
    scope = "api_public"


class SignThrottle(PackageThrottle):
    scope = "sign"


class ConfirmThrottle(PackageThrottle):
    scope = "confirm"


class StaffThrottle(PackageThrottle):
    """Counted per user, so an office behind one address shares nothing."""

    scope = "api_staff"

    def get_ident(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return None
