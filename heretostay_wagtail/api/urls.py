"""The API's one router. Mount it outside ``i18n_patterns`` under any prefix:

    path("api/", include("heretostay_wagtail.api.urls")),

Each feature module adds its routes here, under ``v1/``.
"""

from django.urls import path, re_path
from rest_framework.exceptions import NotFound

from heretostay_wagtail.api import (
    alerts,
    cards,
    docs,
    erasure,
    exporting,
    osdi,
    paper,
    petitions,
    pledges,
    signatures,
)
from heretostay_wagtail.api.base import PublicView

app_name = "heretostay_api"


class NoSuchEndpoint(PublicView):
    """Unknown URLs under ``v1/`` get a JSON 404 in the API's error format."""

    schema = None
    check_query = False  # a 404 whatever the query

    def _missing(self, request, *args, **kwargs):
        raise NotFound()

    get = post = put = patch = delete = _missing


#: (path under v1/, view, URL name): every endpoint, grouped by feature module.
ROUTES = [
    # Petitions
    ("petitions/", petitions.PetitionList, "petition-list"),
    ("petitions/<str:pk>/", petitions.PetitionDetail, "petition-detail"),
    # Signatures
    ("petitions/<str:pk>/signatures/", signatures.SignPetition, "petition-sign"),
    ("signatures/confirm/", signatures.ConfirmSignature, "signature-confirm"),
    ("signatures/", signatures.SignatureList, "signature-list"),
    ("signatures/export.csv", signatures.SignatureExportCSV, "signature-export-csv"),
    ("signatures/export.ndjson", signatures.SignatureExportNDJSON, "signature-export-ndjson"),
    # Paper signatures and delivery PDFs
    ("petitions/<str:pk>/paper-signatures/", paper.PaperSignatures, "petition-paper-signatures"),
    ("petitions/<str:pk>/deliveries/", paper.RequestDelivery, "petition-deliveries"),
    ("deliveries/<str:pk>/", paper.DeliveryDetail, "delivery-detail"),
    ("deliveries/<str:pk>/file/", paper.DeliveryFile, "delivery-file"),
    # Pledges
    ("pledges/", pledges.PledgeCampaignList, "pledge-list"),
    ("pledges/<str:pk>/", pledges.PledgeCampaignDetail, "pledge-detail"),
    ("pledges/<str:pk>/pledgers/", pledges.PledgeCreateView, "pledge-create"),
    ("pledgers/", pledges.PledgerList, "pledger-list"),
    ("pledgers/export.csv", pledges.PledgerExportCSV, "pledger-export-csv"),
    ("pledgers/export.ndjson", pledges.PledgerExportNDJSON, "pledger-export-ndjson"),
    # Exports too large to stream (signatures and pledgers): background jobs
    ("exports/<str:pk>/", exporting.ExportJobDetail, "export-detail"),
    ("exports/<str:pk>/file/", exporting.ExportJobFile, "export-file"),
    # Rapid-response alerts
    ("alerts/", alerts.AlertList, "alert-list"),
    ("alerts/<str:pk>/", alerts.AlertDetail, "alert-detail"),
    ("alerts/<str:pk>/verify/", alerts.VerifyAlert, "alert-verify"),
    ("alerts/<str:pk>/send/", alerts.SendAlert, "alert-send"),
    # Erasure of everything about one email or phone
    ("erasure/", erasure.Erasure, "erasure"),
    # Defense cards
    ("cards/", cards.CardList, "card-list"),
    ("cards/<str:pk>/", cards.CardDetail, "card-detail"),
    # OSDI
    ("osdi/", osdi.EntryPoint, "osdi-entry"),
    ("osdi/petitions/", osdi.PetitionCollection, "osdi-petitions"),
    ("osdi/petitions/<str:pk>/", osdi.PetitionItem, "osdi-petition"),
    ("osdi/petitions/<str:pk>/signatures/", osdi.SignatureCollection, "osdi-signatures"),
    (
        "osdi/petitions/<str:pk>/record_signature_helper/",
        osdi.RecordSignature,
        "osdi-record-signature",
    ),
    # Schema and docs
    ("schema/", docs.SchemaView, "schema"),
    ("docs/", docs.DocsView, "docs"),
]

urlpatterns = [
    *(path(f"v1/{route}", view.as_view(), name=name) for route, view, name in ROUTES),
    re_path(r"^v1/", NoSuchEndpoint.as_view()),
]
