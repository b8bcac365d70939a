"""Demo petition from seed 001: "Make our city a sanctuary city"."""

from wagtail.models import Locale

from heretostay_wagtail.core.localize import translate
from heretostay_wagtail.models import PetitionPage, PetitionTarget

WHY = (
    "<p>Our neighbors should not fear that a traffic stop or a call for help ends in "
    "deportation. A sanctuary city keeps local police out of immigration enforcement, "
    "so families can report crimes, go to school and see a doctor without fear.</p>"
)

SPANISH = {
    "Make our city a sanctuary city": "Hagamos de nuestra ciudad una ciudad santuario",
    "Mayor Ana Ruiz": "Alcaldesa Ana Ruiz",
    "Mayor of Springfield": "Alcaldesa de Springfield",
    "Springfield City Council": "Concejo Municipal de Springfield",
    "City council": "Concejo municipal",
    (
        "Pass a sanctuary ordinance that keeps city police and jails from cooperating with "
        "immigration enforcement, and put it in writing."
    ): (
        "Aprueben una ordenanza santuario que impida que la policía y las cárceles de la ciudad "
        "colaboren con las autoridades de inmigración, y pónganlo por escrito."
    ),
    (
        "Our neighbors should not fear that a traffic stop or a call for help ends in "
        "deportation. A sanctuary city keeps local police out of immigration enforcement, "
        "so families can report crimes, go to school and see a doctor without fear."
    ): (
        "Nuestros vecinos no deberían temer que una parada de tráfico o una llamada de auxilio "
        "termine en deportación. Una ciudad santuario mantiene a la policía local fuera de la "
        "aplicación de las leyes de inmigración, para que las familias puedan denunciar delitos, "
        "ir a la escuela y ver a un médico sin miedo."
    ),
    "Springfield": "Springfield",
    "Make Springfield a sanctuary city: sign the petition to the mayor and city council.": (
        "Hagamos de Springfield una ciudad santuario: firma la petición a la alcaldía y al concejo."
    ),
    "Thank you for standing with your immigrant neighbors. We will deliver every signature to City Hall.": (
        "Gracias por apoyar a tus vecinos inmigrantes. Entregaremos cada firma en el Ayuntamiento."
    ),
}


def load(home_en, home_es):
    es = Locale.objects.get(language_code="es")
    petition = PetitionPage.objects.filter(locale=home_en.locale, slug="sanctuary-city").first()
    if petition is None:
        petition = PetitionPage(
            title="Make our city a sanctuary city",
            slug="sanctuary-city",
            ask=(
                "Pass a sanctuary ordinance that keeps city police and jails from cooperating with "
                "immigration enforcement, and put it in writing."
            ),
            why=WHY,
            scope="local",
            place_name="Springfield",
            goal=1000,
            share_text="Make Springfield a sanctuary city: sign the petition to the mayor and city council.",
            thank_you_message=(
                "Thank you for standing with your immigrant neighbors. "
                "We will deliver every signature to City Hall."
            ),
        )
        petition.targets = [
            PetitionTarget(name="Mayor Ana Ruiz", role="Mayor of Springfield"),
            PetitionTarget(name="Springfield City Council", role="City council"),
        ]
        home_en.add_child(instance=petition)
        petition.save_revision().publish()
    if not petition.has_translation(es):
        translate(petition, es, SPANISH)
    return petition
