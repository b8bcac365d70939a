"""Demo campaign index from seed 001: "Start a campaign" on, reviewed by the Moderators
group through the "Moderators approval" workflow (docs/grassroots.md)."""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupApprovalTask, Locale, Workflow, WorkflowPage, WorkflowTask

from heretostay_wagtail.core.localize import translate
from heretostay_wagtail.models import CampaignIndexPage

INTRO = (
    "We can't do this alone. Start a local campaign to make your city, school or campus a "
    "place of sanctuary for immigrants and refugees: our team reviews every petition before "
    "it goes live."
)
SPANISH = {
    "Community campaigns": "Campañas de la comunidad",
    INTRO: (
        "No podemos hacerlo solos. Empieza una campaña local para que tu ciudad, tu escuela o "
        "tu campus sea un lugar santuario para las personas inmigrantes y refugiadas: nuestro "
        "equipo revisa cada petición antes de publicarla."
    ),
}


def moderation_workflow():
    """Wagtail's "Moderators approval" workflow (its migrations make it), with its group
    task, made again if a site removed it."""
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="heretostay", codename="moderate_campaignreport"
        )
    )
    workflow, _ = Workflow.objects.get_or_create(name="Moderators approval")
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    if not WorkflowTask.objects.filter(workflow=workflow).exists():
        task = GroupApprovalTask.objects.filter(name="Moderators approval").first()
        if task is None:
            task = GroupApprovalTask.objects.create(name="Moderators approval")
            task.groups.set([moderators])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def load(home_en, home_es):
    es = Locale.objects.get(language_code="es")
    index = CampaignIndexPage.objects.filter(locale=home_en.locale, slug="start").first()
    if index is None:
        index = CampaignIndexPage(
            title="Community campaigns",
            slug="start",
            intro=f"<p>{INTRO}</p>",
            allow_starting=True,
        )
        home_en.add_child(instance=index)
        index.save_revision().publish()
    WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": moderation_workflow()})
    if not index.has_translation(es):
        translate(index, es, SPANISH)
    return index
