"""System checks on a host's settings that would make the package unsafe in production.

Run by ``manage.py check`` (and ``check --deploy``), and before ``runserver`` and
``migrate``. IDs: ``heretostay.W0xx`` warnings, ``heretostay.E0xx`` errors; W010 lives
in ``core/messages.py``.
"""

from django.conf import settings
from django.core import checks

#: Task backends that run a task inside the call that enqueues it.
IN_PROCESS_TASK_BACKENDS = (
    "django_tasks.backends.immediate.ImmediateBackend",
    "django.tasks.backends.immediate.ImmediateBackend",
)


@checks.register(checks.Tags.security, deploy=True)
def check_tasks_backend(app_configs=None, **kwargs):
    """Warn when emails would be sent inside requests in production.

    With an in-process task backend, the confirmation or "you already signed" email is
    sent while the supporter waits: sign-ups slow down with the mail server, a mail
    outage slows every sign-up, and the answer's timing can differ between a new and a
    repeat email. A queue (e.g. django-tasks-db and its ``db_worker``) fixes all three.
    """
    backend = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in IN_PROCESS_TASK_BACKENDS:
        return []
    return [
        checks.Warning(
            "The default task backend runs tasks inside the request "
            f"({backend}): emails are sent while supporters wait, and alerts and "
            "delivery PDFs are made in the request.",
            hint=(
                "Use a queue, e.g. TASKS = {'default': {'BACKEND': "
                "'django_tasks_db.DatabaseBackend'}} with 'django_tasks_db' in "
                "INSTALLED_APPS and `manage.py db_worker` running (docs/deploying.md)."
            ),
            id="heretostay.W020",
        )
    ]
