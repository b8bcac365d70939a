"""Demo pledge from seed 000, its volunteer roles, a few fictional pledgers, and a
second organizer so the two-person rule for alerts can be tried."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import Locale

from heretostay_wagtail.core.localize import translate
from heretostay_wagtail.models import Pledge, PledgePage, Source, VolunteerRole
from heretostay_wagtail.pledges import services as pledging

STATEMENT = "I pledge to physically show up for immigrants in my community when they need me."
EXPLANATION = (
    "<p>When someone calls our hotline to report immigration enforcement, a verification "
    "team checks the report first: most reports are false alarms. When a report is "
    "confirmed, we alert trained volunteers near that place by text message, so they can "
    "go to observe, document and accompany the family.</p>"
    "<p>After you pledge we will invite you to a training. You can change your choices "
    "or withdraw at any time with the link we email you.</p>"
)

SPANISH = {
    "Here to Stay: the pledge": "Aquí Nos Quedamos: el compromiso",
    STATEMENT: (
        "Me comprometo a presentarme físicamente por las personas inmigrantes de mi comunidad "
        "cuando me necesiten."
    ),
    (
        "When someone calls our hotline to report immigration enforcement, a verification "
        "team checks the report first: most reports are false alarms. When a report is "
        "confirmed, we alert trained volunteers near that place by text message, so they can "
        "go to observe, document and accompany the family."
    ): (
        "Cuando alguien llama a nuestra línea directa para reportar una acción de las "
        "autoridades de inmigración, un equipo de verificación comprueba primero el reporte: "
        "la mayoría son falsas alarmas. Cuando se confirma, alertamos por mensaje de texto a "
        "las personas voluntarias capacitadas cerca de ese lugar, para que vayan a observar, "
        "documentar y acompañar a la familia."
    ),
    (
        "After you pledge we will invite you to a training. You can change your choices "
        "or withdraw at any time with the link we email you."
    ): (
        "Después de comprometerte te invitaremos a una capacitación. Puedes cambiar tus "
        "opciones o retirarte cuando quieras con el enlace que te enviamos por correo."
    ),
    "I pledged to show up for my immigrant neighbors. Join the rapid-response network.": (
        "Me comprometí a presentarme por mis vecinos inmigrantes. Únete a la red de "
        "respuesta rápida."
    ),
}

#: Fictional pledgers (example.org addresses, 555-01xx numbers) so the roster has rows.
PEOPLE = [
    ("Ana Flores", "60608", ["rapid_responder", "interpreter"], ["es", "en"], "en"),
    ("Beto Ramírez", "60623", ["driver"], ["es"], "es"),
    ("Carmen Ortiz", "60608", ["accompaniment", "childcare"], ["es", "en"], "es"),
    ("Dara Nguyen", "60609", ["rapid_responder"], ["vi", "en"], "en"),
    ("Eli Jean-Baptiste", "60623", ["interpreter", "rapid_responder"], ["ht", "fr", "en"], "en"),
    ("Farah Haidari", "60640", ["legal_professional"], ["fa", "ps", "en"], "en"),
    ("Gus Miller", "60608", ["driver", "bond_fund"], ["en"], "en"),
    ("Hilda Paz", "60632", ["dispatcher", "verifier"], ["es", "en"], "es"),
]

RAPID_RESPONSE_PERMISSIONS = [
    "access_admin",
    "view_pledge",
    "change_pledge",
    "export_pledge",
    "add_alert",
    "change_alert",
    "view_alert",
    "verify_alert",
    "send_alert",
]


def load(home_en, home_es):
    es = Locale.objects.get(language_code="es")
    VolunteerRole.seed_defaults([es])
    page = PledgePage.objects.filter(locale=home_en.locale, slug="pledge").first()
    if page is None:
        page = PledgePage(
            title="Here to Stay: the pledge",
            slug="pledge",
            statement=STATEMENT,
            explanation=EXPLANATION,
            goal=500,
            share_text=(
                "I pledged to show up for my immigrant neighbors. Join the rapid-response network."
            ),
        )
        home_en.add_child(instance=page)
        page.save_revision().publish()
    if not page.has_translation(es):
        translate(page, es, SPANISH)
    page_es = page.get_translation(es)
    roles = {r.code: r for r in VolunteerRole.objects.filter(locale=home_en.locale)}
    roles_es = {r.code: r for r in VolunteerRole.objects.filter(locale=es)}
    if not Pledge.objects.filter(campaign_key=page.campaign_key).exists():
        for n, (name, area, codes, languages, language) in enumerate(PEOPLE):
            on_page, role_map = (page_es, roles_es) if language == "es" else (page, roles)
            pledging.pledge(
                on_page,
                {
                    "name": name,
                    "email": f"pledger{n + 1}@example.org",
                    "phone": f"+1312555{n + 101:04d}",
                    "area": area,
                    "roles": [role_map[c] for c in codes],
                    "languages": languages,
                    "availability": ["weekends", "on_call"] if n % 2 else ["weeknights"],
                    "alert_sms": True,
                    "alert_email": n % 3 == 0,
                },
                source=Source.IMPORT,
                language=language,
                notify=False,
            )
        _verify_contacts(page)
    _second_organizer()
    return page


#: Demo pledgers left unverified, so the roster shows the difference (and alerts skip
#: them): Gus has confirmed his email but not his phone, Hilda neither.
PHONE_UNVERIFIED = {"pledger7@example.org", "pledger8@example.org"}
EMAIL_UNVERIFIED = {"pledger8@example.org"}


def _verify_contacts(page):
    """Demo pledgers come verified (as if they had followed their link and typed back
    their code), so the alert demo reaches them; two are left unverified."""
    now = timezone.now()
    pledgers = Pledge.objects.filter(campaign_key=page.campaign_key)
    pledgers.exclude(email__in=EMAIL_UNVERIFIED).update(email_verified_at=now)
    pledgers.exclude(email__in=PHONE_UNVERIFIED).update(phone_verified_at=now)


def _second_organizer():
    """A "verifier" login: alerts need a second person to verify them."""
    group, _ = Group.objects.get_or_create(name="Rapid response")
    group.permissions.add(
        *Permission.objects.filter(
            codename__in=RAPID_RESPONSE_PERMISSIONS,
            content_type__app_label__in=["heretostay", "wagtailadmin"],
        )
    )
    user, _ = get_user_model().objects.get_or_create(
        username="verifier", defaults={"email": "verifier@example.org"}
    )
    user.groups.add(group)
    password = os.environ.get("DEMO_VERIFIER_PASSWORD") or secrets.token_urlsafe(9)
    user.set_password(password)
    user.save()
    print(f"  Second organizer (verifies alerts):  verifier / {password}")
