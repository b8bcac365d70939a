"""Admin integration. Each feature registers its own hooks in ``admin/<feature>.py``."""

from wagtail import hooks

from . import audit
from .admin import cards, guides, paper, petitions, pledges  # noqa: F401  (register hooks)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    audit.register(actions)
