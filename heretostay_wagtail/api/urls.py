"""The API's one router. Mount it outside ``i18n_patterns`` under any prefix:

    path("api/", include("heretostay_wagtail.api.urls")),

Each feature module adds its routes here, under ``v1/``.
"""

from django.urls import path, re_path
from rest_framework.exceptions import NotFound

from heretostay_wagtail.api import alerts, cards, docs, osdi, paper, petitions, pledges, signatures
from heretostay_wagtail.api.base import PublicView

app_name = "heretostay_api"


class NoSuchEndpoint(PublicView):
    """Unknown URLs under ``v1/`` get a JSON 404 in the API's error format."""

    schema = None

    def _missing(self, request, *args, **kwargs):
        raise NotFound()

    get = post = put = patch = delete = _missing


urlpatterns = [
    # Petitions
    path("v1/petitions/", petitions.PetitionList.as_view(), name="petition-list"),
    path("v1/petitions/<str:pk>/", petitions.PetitionDetail.as_view(), name="petition-detail"),
    # Signatures
    path(
        "v1/petitions/<str:pk>/signatures/",
        signatures.SignPetition.as_view(),
        name="petition-sign",
    ),
    path("v1/signatures/confirm/", signatures.ConfirmSignature.as_view(), name="signature-confirm"),
    path("v1/signatures/", signatures.SignatureList.as_view(), name="signature-list"),
    path(
        "v1/signatures/export.csv",
        signatures.SignatureExportCSV.as_view(),
        name="signature-export-csv",
    ),
    path(
        "v1/signatures/export.ndjson",
        signatures.SignatureExportNDJSON.as_view(),
        name="signature-export-ndjson",
    ),
    # Paper signatures and delivery PDFs
    path(
        "v1/petitions/<str:pk>/paper-signatures/",
        paper.PaperSignatures.as_view(),
        name="petition-paper-signatures",
    ),
    path(
        "v1/petitions/<str:pk>/deliveries/",
        paper.RequestDelivery.as_view(),
        name="petition-deliveries",
    ),
    path("v1/deliveries/<str:pk>/", paper.DeliveryDetail.as_view(), name="delivery-detail"),
    path("v1/deliveries/<str:pk>/file/", paper.DeliveryFile.as_view(), name="delivery-file"),
    # Pledges
    path("v1/pledges/", pledges.PledgeCampaignList.as_view(), name="pledge-list"),
    path("v1/pledges/<str:pk>/", pledges.PledgeCampaignDetail.as_view(), name="pledge-detail"),
    path(
        "v1/pledges/<str:pk>/pledgers/",
        pledges.PledgeCreateView.as_view(),
        name="pledge-create",
    ),
    path("v1/pledgers/", pledges.PledgerList.as_view(), name="pledger-list"),
    path("v1/pledgers/export.csv", pledges.PledgerExportCSV.as_view(), name="pledger-export-csv"),
    path(
        "v1/pledgers/export.ndjson",
        pledges.PledgerExportNDJSON.as_view(),
        name="pledger-export-ndjson",
    ),
    # Rapid-response alerts
    path("v1/alerts/", alerts.AlertList.as_view(), name="alert-list"),
    path("v1/alerts/<str:pk>/", alerts.AlertDetail.as_view(), name="alert-detail"),
    path("v1/alerts/<str:pk>/verify/", alerts.VerifyAlert.as_view(), name="alert-verify"),
    path("v1/alerts/<str:pk>/send/", alerts.SendAlert.as_view(), name="alert-send"),
    # Defense cards
    path("v1/cards/", cards.CardList.as_view(), name="card-list"),
    path("v1/cards/<str:pk>/", cards.CardDetail.as_view(), name="card-detail"),
    # OSDI
    path("v1/osdi/", osdi.EntryPoint.as_view(), name="osdi-entry"),
    path("v1/osdi/petitions/", osdi.PetitionCollection.as_view(), name="osdi-petitions"),
    path("v1/osdi/petitions/<str:pk>/", osdi.PetitionItem.as_view(), name="osdi-petition"),
    path(
        "v1/osdi/petitions/<str:pk>/signatures/",
        osdi.SignatureCollection.as_view(),
        name="osdi-signatures",
    ),
    path(
        "v1/osdi/petitions/<str:pk>/record_signature_helper/",
        osdi.RecordSignature.as_view(),
        name="osdi-record-signature",
    ),
    # Schema and docs
    path("v1/schema/", docs.SchemaView.as_view(), name="schema"),
    path("v1/docs/", docs.DocsView.as_view(), name="docs"),
    re_path(r"^v1/", NoSuchEndpoint.as_view()),
]
