"""The delivery PDF, built by its task from the admin, read back with pypdf."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import PageLogEntry

from heretostay_wagtail.models import (
    BrandingSettings,
    CampaignCounter,
    DeliveryJob,
    PetitionPage,
    Source,
)
from heretostay_wagtail.paper import delivery

from .conftest import flat, pdf_pages, pdf_text, sign

HOSTILE = '<img src="file:///etc/passwd"><style>body{display:none}</style>'


@pytest.fixture
def signed(petition):
    sign(petition, "Ana Pérez", "ana@example.org", "94103", "+12024561111", "Keep us safe")
    sign(petition, "Luis Gómez", "luis@example.org", "94110", comment="Sí se puede")
    sign(petition, "Mei Chen", "mei@example.org", "10001")
    sign(petition, "Paper Person", "pp@example.org", "10002", source=Source.PAPER)
    sign(petition, HOSTILE, "hostile@example.org", "94103", comment="<b>bold</b>")
    CampaignCounter.add(petition.campaign_key, paper_tally=40)
    return petition


def _generate(client, petition, captured, **options):
    data = {"group_by": "0", "include_comments": "on", "only_confirmed": "on", **options}
    data = {k: v for k, v in data.items() if v is not None}
    with captured(execute=True):
        response = client.post(reverse("heretostay_deliver", args=[petition.pk]), data)
    assert response.status_code == 302
    job = DeliveryJob.objects.latest("pk")
    assert response.url == reverse("heretostay_delivery_job", args=[petition.pk, job.pk])
    return job


def _download(client, petition, job):
    response = client.get(reverse("heretostay_delivery_download", args=[petition.pk, job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


@pytest.fixture
def org_name(home):
    settings = BrandingSettings.for_site(home.get_site())
    settings.organization_name = "Springfield Immigrant Alliance"
    settings.save()


def test_delivery_pdf_end_to_end(
    paper_client, signed, django_capture_on_commit_callbacks, org_name, paper_organizer
):
    job = _generate(paper_client, signed, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.total_rows == 5 and job.rows_done == 5 and job.progress == 100
    status = paper_client.get(reverse("heretostay_delivery_job", args=[signed.pk, job.pk]))
    assert "Download the PDF" in status.content.decode()

    pdf = _download(paper_client, signed, job)
    text = pdf_text(pdf)
    # Cover
    assert "Springfield Immigrant Alliance" in text
    assert "Make our city a sanctuary city" in text
    assert "Mayor Ana Ruiz" in text
    assert "Pass a sanctuary ordinance." in text
    assert "Families should not live in fear." in text
    assert "Signed online 4" in text
    assert "Signed on paper 1" in text
    assert "Counted on paper, without names 40" in text
    assert "Total 45" in text
    assert "list 5 signers" in text
    # List
    for name in ("Ana Pérez", "Luis Gómez", "Mei Chen", "Paper Person"):
        assert name in text
    assert "Keep us safe" in text and "Sí se puede" in text
    assert "94110" in text
    # Supporter input is text, not markup (a long name may wrap inside its column)
    unwrapped = "".join(text.split())
    assert "".join(HOSTILE.split()) in unwrapped
    assert "<b>bold</b>" in text
    assert "root:" not in text
    # Never contact details
    for secret in ("@example.org", "2024561111", "202-456", "(202)"):
        assert secret not in text
    # Continuous page numbers stamped on every page
    pages = pdf_pages(pdf)
    assert f"1 / {len(pages)}" in pages[0].extract_text()
    assert f"{len(pages)} / {len(pages)}" in pages[-1].extract_text()

    log = PageLogEntry.objects.get(action="heretostay.download", page=signed)
    assert log.user == paper_organizer and log.data["rows"] == 5


def test_grouped_by_postal_code_without_comments(
    paper_client, signed, django_capture_on_commit_callbacks
):
    job = _generate(
        paper_client,
        signed,
        django_capture_on_commit_callbacks,
        group_by="3",
        include_comments=None,
    )
    text = flat(pdf_text(_download(paper_client, signed, job)))
    assert "Postal codes starting 941: 3" in text  # cover summary
    assert "Postal codes starting 100: 2" in text
    heading_941 = text.index("Postal codes starting 941 3 signatures")
    heading_100 = text.index("Postal codes starting 100 2 signatures")
    assert heading_100 < text.index("Mei Chen") < heading_941 < text.index("Ana Pérez")
    assert "Keep us safe" not in text


@pytest.mark.parametrize("renderer", ["columns", "html"])
def test_parts_are_joined_with_continued_groups(
    paper_client, petition, django_capture_on_commit_callbacks, settings, monkeypatch, renderer
):
    """Parts rendered separately (in two processes) join in order, numbered 1..N, and a
    group split between parts is headed "continued" — in both renderers."""
    settings.HERETOSTAY = {
        **settings.HERETOSTAY,
        "DELIVERY_CHUNK_ROWS": 4,
        "DELIVERY_COLUMNS_ROWS": 4,
        "PDF_PROCESSES": 2,
        "DELIVERY_LIST_FONTS": None if renderer == "columns" else False,
    }
    monkeypatch.setattr(delivery, "BLOCK_ROWS", 2)
    for i in range(10):
        sign(petition, f"Signer {i:02d}", f"s{i}@example.org", "94103")
    job = _generate(paper_client, petition, django_capture_on_commit_callbacks, group_by="5")
    job.refresh_from_db()
    assert job.status == "done", job.error
    pdf = _download(paper_client, petition, job)
    text = pdf_text(pdf)
    positions = [text.index(f"Signer {i:02d}") for i in range(10)]
    assert positions == sorted(positions)
    assert "Postal code 94103 (continued)" in flat(text)  # grouped by the full code
    pages = pdf_pages(pdf)
    assert len(pages) == 4  # cover + three parts of 4, 4 and 2 signers
    assert pages[-1].extract_text().strip().endswith("4 / 4")


def test_comment_typed_on_several_lines_stays_in_columns(
    paper_client, petition, django_capture_on_commit_callbacks, settings
):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "PDF_PROCESSES": 1}
    sign(petition, "Ana Pérez", "ana@example.org", "94103", comment="First line\r\n\tsecond line")
    job = _generate(paper_client, petition, django_capture_on_commit_callbacks)
    pages = pdf_pages(_download(paper_client, petition, job))
    text = flat(pages[1].extract_text())
    assert "Name Postal code Signed Comment" in text  # the columns legend: drawn by ReportLab
    assert "First line second line" in text


def test_columns_repeat_the_group_heading_on_each_page(
    paper_client, petition, django_capture_on_commit_callbacks
):
    for i in range(130):
        sign(petition, f"Signer {i:03d}", f"s{i}@example.org", "94103")
    job = _generate(paper_client, petition, django_capture_on_commit_callbacks, group_by="3")
    pages = pdf_pages(_download(paper_client, petition, job))
    list_pages = [flat(page.extract_text()) for page in pages[1:]]
    assert len(list_pages) == 3
    assert "Postal codes starting 941 130 signatures" in list_pages[0]
    for page in list_pages[1:]:
        assert "Postal codes starting 941 (continued) 130 signatures" in page
        assert page.startswith("Make our city a sanctuary city Name Postal code Signed")
    assert all(f"Signer {i:03d}" in " ".join(list_pages) for i in range(130))


def test_only_confirmed(paper_client, petition, django_capture_on_commit_callbacks, settings):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "DOUBLE_OPT_IN": True}
    sign(petition, "Unconfirmed Person", "u@example.org", "94103")
    sign(petition, "Confirmed Paper", "c@example.org", "94103", source=Source.PAPER)
    job = _generate(paper_client, petition, django_capture_on_commit_callbacks)
    text = pdf_text(_download(paper_client, petition, job))
    assert "Confirmed Paper" in text and "Unconfirmed Person" not in text
    job = _generate(paper_client, petition, django_capture_on_commit_callbacks, only_confirmed=None)
    text = pdf_text(_download(paper_client, petition, job))
    assert "Unconfirmed Person" in text


def test_spanish_petition_delivers_in_spanish(
    paper_client, petition_es, django_capture_on_commit_callbacks
):
    sign(petition_es, "José Núñez", "jose@example.org", "94103")
    job = _generate(paper_client, petition_es, django_capture_on_commit_callbacks, group_by="3")
    text = pdf_text(_download(paper_client, petition_es, job))
    assert "Hagamos de nuestra ciudad una ciudad santuario" in text
    assert "Lo que pedimos" in text
    assert "Firmas en línea 1" in text
    assert "Códigos postales que empiezan por 941 1 firma" in flat(text)
    assert "José Núñez" in text


def test_empty_petition(paper_client, petition, django_capture_on_commit_callbacks):
    job = _generate(paper_client, petition, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "done" and job.total_rows == 0
    assert "Total 0" in pdf_text(_download(paper_client, petition, job))


def test_delivery_needs_permission(client, organizer, signed, django_capture_on_commit_callbacks):
    job = DeliveryJob.objects.create(page=signed)
    client.force_login(organizer)  # may export signatures, but not deliver
    for name, args in [
        ("heretostay_deliver", [signed.pk]),
        ("heretostay_delivery_job", [signed.pk, job.pk]),
        ("heretostay_delivery_download", [signed.pk, job.pk]),
        ("heretostay_delivery_email", [signed.pk, job.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403
    assert not PageLogEntry.objects.filter(action="heretostay.download").exists()


def test_unfinished_job_cannot_be_downloaded(paper_client, petition):
    job = DeliveryJob.objects.create(page=petition)
    url = reverse("heretostay_delivery_download", args=[petition.pk, job.pk])
    response = paper_client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("heretostay_delivery_job", args=[petition.pk, job.pk])
    assert not PageLogEntry.objects.filter(action="heretostay.download").exists()


def test_email_to_target(paper_client, signed, django_capture_on_commit_callbacks, paper_organizer):
    job = _generate(paper_client, signed, django_capture_on_commit_callbacks)
    url = reverse("heretostay_delivery_email", args=[signed.pk, job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = paper_client.post(
            url, {"recipients": "mayor@city.example, council@city.example", "confirm": "on"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mayor@city.example", "council@city.example"]
    assert "Make our city a sanctuary city" in message.subject
    assert "Pass a sanctuary ordinance." in message.body
    (filename, content, mimetype) = message.attachments[0]
    assert mimetype == "application/pdf" and filename.endswith(".pdf")
    assert "Ana Pérez" in pdf_text(content)
    for page in PetitionPage.objects.filter(translation_key=signed.translation_key):
        assert page.status == "delivered" and page.delivered_at is not None
    signed.refresh_from_db()
    assert signed.closed_reason() is not None
    job.refresh_from_db()
    assert job.sent_at and "mayor@city.example" in job.sent_to
    log = PageLogEntry.objects.get(action="heretostay.deliver", page=signed)
    assert log.user == paper_organizer
    assert log.data["recipients"] == ["mayor@city.example", "council@city.example"]


@pytest.mark.parametrize(
    "recipients,error",
    [
        ("", "This field is required."),
        ("mayor@city.example, not-an-address", "is not a valid email address"),
        (",".join(f"a{i}@x.example" for i in range(21)), "Enter at most 20 addresses."),
    ],
)
def test_email_form_errors(
    paper_client, signed, django_capture_on_commit_callbacks, recipients, error
):
    job = _generate(paper_client, signed, django_capture_on_commit_callbacks)
    url = reverse("heretostay_delivery_email", args=[signed.pk, job.pk])
    response = paper_client.post(url, {"recipients": recipients, "confirm": "on"})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not mail.outbox
    signed.refresh_from_db()
    assert signed.status == "open"


def test_email_to_target_in_spanish(paper_client, petition_es, django_capture_on_commit_callbacks):
    sign(petition_es, "José Núñez", "jose@example.org", "94103")
    job = _generate(paper_client, petition_es, django_capture_on_commit_callbacks)
    url = reverse("heretostay_delivery_email", args=[petition_es.pk, job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        paper_client.post(url, {"recipients": "alcaldia@city.example", "confirm": "on"})
    assert mail.outbox[0].subject.startswith("Petición:")
    assert "Lo que pedimos:" in mail.outbox[0].body


def test_failed_render_is_shown_not_raised(
    paper_client, signed, django_capture_on_commit_callbacks, monkeypatch
):
    from heretostay_wagtail.paper import delivery

    def broken(html):
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr(delivery, "html_to_pdf", broken)
    job = _generate(paper_client, signed, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "failed" and "renderer exploded" in job.error
    page = paper_client.get(reverse("heretostay_delivery_job", args=[signed.pk, job.pk]))
    assert page.status_code == 200
    assert "The PDF could not be generated" in page.content.decode()
    assert "Download the PDF" not in page.content.decode()


def test_pdf_gone_from_storage_is_explained_not_a_500(
    paper_client, signed, django_capture_on_commit_callbacks
):
    job = _generate(paper_client, signed, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    delivery.storage().delete(job.file_name)
    url = reverse("heretostay_delivery_download", args=[signed.pk, job.pk])
    response = paper_client.get(url, follow=True)
    assert response.redirect_chain[0][0] == reverse(
        "heretostay_delivery_job", args=[signed.pk, job.pk]
    )
    assert "missing from storage" in response.content.decode()
    assert not PageLogEntry.objects.filter(action="heretostay.download").exists()
