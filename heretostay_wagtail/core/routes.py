"""Page routes answered by a feature's views.

Page models import only ``core`` (docs/architecture.md), yet what a petition page does
when someone signs, or a pledge page when a pledger follows their link, needs that
feature's forms and services. So each feature's ``views`` module registers them here:

    routes.register_signup(PetitionPage, form_class=SignatureForm, record=sign_on_page)

    @routes.page_view(PetitionPage, "confirm")
    def confirm_signature(request, petition, token): ...

and the page's route method calls ``routes.serve(self, "confirm", request, token)``. The
app's ``ready()`` imports every feature's ``views``, so all are registered before the
first request.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Signup:
    """How a campaign page takes supporters: the one validator and the one service."""

    #: ``form_class(page, data=None, source=Source.WEB)``, e.g. ``SignatureForm``.
    form_class: type
    #: ``record(page, form, ip)`` stores a valid form through the feature's service.
    record: Callable[[Any, Any, str], Any]


_signups: dict[type, Signup] = {}
_views: dict[tuple[type, str], Callable] = {}


def register_signup(page_model, *, form_class, record):
    _signups[page_model] = Signup(form_class=form_class, record=record)


def page_view(page_model, name):
    """Register ``view(request, page, *args, **kwargs)`` for route ``name`` of ``page_model``."""

    def register(view):
        _views[(page_model, name)] = view
        return view

    return register


def _lookup(registry, page, key):
    for cls in type(page).__mro__:
        found = registry.get(key(cls))
        if found is not None:
            return found
    raise ImproperlyConfigured(
        f"Nothing is registered for {type(page).__name__}: is its feature's views module "
        "imported (HeretostayConfig.ready)?"
    )


def signup_for(page):
    return _lookup(_signups, page, lambda cls: cls)


def serve(page, name, request, *args, **kwargs):
    return _lookup(_views, page, lambda cls: (cls, name))(request, page, *args, **kwargs)
