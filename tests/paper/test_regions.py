"""Grouping the delivery PDF by region: the admin form, the PDF it builds, and its errors."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from heretostay_wagtail.models import DeliveryJob
from heretostay_wagtail.paper import delivery
from heretostay_wagtail.paper.regions import format_regions, parse_regions

from .conftest import flat, pdf_text, sign

REGIONS = """District 2: 941
District 1: 94103 94102

London: sw1a
Empty district: 99
"""


def _sign_in_order(petition, signers):
    start = timezone.now() - datetime.timedelta(days=1)
    for minute, (name, postal_code) in enumerate(signers):
        sign(
            petition,
            name,
            f"s{minute}@example.org",
            postal_code,
            when=start + datetime.timedelta(minutes=minute),
        )


@pytest.fixture
def districts(petition):
    _sign_in_order(
        petition,
        [
            ("Luis Gómez", "94110"),  # 941 → District 2
            ("Ana Pérez", "94103"),  # 94103 beats 941 → District 1
            ("Nadia Ortiz", "10001"),  # no region
            ("Mei Chen", "sw1a 1aa"),  # upper-cased, spaces ignored → London
            ("Beto Ruiz", " 941 02"),  # 94102 → District 1 (listed after Ana)
            ("Sin Código", ""),  # no postal code → no region
            ("Carla Díaz", "9410"),  # 941 → District 2
        ],
    )
    return petition


def _deliver(client, petition, captured, **data):
    data = {"group_by": "region", "regions": REGIONS, "only_confirmed": "on", **data}
    with captured(execute=True):
        response = client.post(reverse("heretostay_deliver", args=[petition.pk]), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    return DeliveryJob.objects.latest("pk")


def _pdf(client, petition, job):
    response = client.get(reverse("heretostay_delivery_download", args=[petition.pk, job.pk]))
    assert response.status_code == 200
    return flat(pdf_text(b"".join(response.streaming_content)))


def test_grouped_by_region(paper_client, districts, django_capture_on_commit_callbacks):
    job = _deliver(paper_client, districts, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.group_by == 0
    assert job.regions == [
        ["District 2", ["941"]],
        ["District 1", ["94103", "94102"]],
        ["London", ["SW1A"]],
        ["Empty district", ["99"]],
    ]
    text = _pdf(paper_client, districts, job)
    # The cover lists every region in the order given, empty ones too, then the rest.
    assert "By region" in text and "By postal code" not in text
    for line in (
        "District 2: 2",
        "District 1: 2",
        "London: 1",
        "Empty district: 0",
        "Not in any region: 2",
    ):
        assert line in text
    # The list: a heading per region in that order, its signers by date under it.
    order = [
        "District 2 2 signatures",
        "Luis Gómez",
        "Carla Díaz",
        "District 1 2 signatures",
        "Ana Pérez",
        "Beto Ruiz",
        "London 1 signature",
        "Mei Chen",
        "Not in any region 2 signatures",
        "Nadia Ortiz",
        "Sin Código",
    ]
    list_text = text[text.index("Generated") :]
    positions = [list_text.index(item) for item in order]
    assert positions == sorted(positions)
    assert "Empty district 0" not in list_text
    assert "Postal codes starting" not in text


def test_longest_prefix_wins_whatever_the_order(
    paper_client, petition, django_capture_on_commit_callbacks
):
    _sign_in_order(petition, [("Wide Area", "94999"), ("Narrow Area", "94123"), ("Exact", "94120")])
    regions = "Exact street: 94120\nWide: 9\nNarrow: 941\n"
    job = _deliver(paper_client, petition, django_capture_on_commit_callbacks, regions=regions)
    text = _pdf(paper_client, petition, job)
    list_text = text[text.index("Generated") :]
    assert (
        list_text.index("Exact street 1 signature")
        < list_text.index("Exact 94120")
        < list_text.index("Wide 1 signature")
        < list_text.index("Wide Area")
        < list_text.index("Narrow 1 signature")
        < list_text.index("Narrow Area")
    )
    assert "Not in any region" not in text


def test_region_grouping_stays_in_the_database(petition, django_assert_num_queries):
    _sign_in_order(petition, [("A", "94103"), ("B", "94110"), ("C", "")])
    job = DeliveryJob.objects.create(page=petition, regions=parse_regions("One: 941\nTwo: 94103"))
    qs = delivery.signer_queryset(job)
    with django_assert_num_queries(1):
        counts = delivery.group_counts_of(qs, job)
    assert counts == {0: 1, 1: 1, 2: 1}
    with django_assert_num_queries(1):
        rows = list(delivery._ordered_rows(qs, job))
    assert [(group, name) for group, name, *_ in rows] == [(0, "B"), (1, "A"), (2, "C")]


def test_prefix_grouping_ignores_the_regions_text(
    paper_client, districts, django_capture_on_commit_callbacks
):
    job = _deliver(paper_client, districts, django_capture_on_commit_callbacks, group_by="3")
    job.refresh_from_db()
    assert job.group_by == 3 and job.regions == []
    text = _pdf(paper_client, districts, job)
    assert "Postal codes starting 941: 3" in text
    assert "By postal code" in text and "Not in any region" not in text


def _too_many_regions():
    return "\n".join(f"Region {i}: {100 + i}" for i in range(51))


@pytest.mark.parametrize(
    "regions,error",
    [
        ("District 1: 94103\nDistrict 2 94110", "Line 2: write the region’s name, a colon"),
        ("", "Define at least one region, or choose another way to group."),
        ("\n  \n", "Define at least one region, or choose another way to group."),
        (_too_many_regions(), "Line 51: at most 50 regions are allowed."),
        ("A: 941\n\nB: 94#1", "Line 3: “94#1” is not a postal code or the start of one"),
        ("A: 12345678901", "Line 1: “12345678901” is longer than 10 characters."),
        ("A: 941\nB: 942, 941", "Line 2: 941 is already in “A” (line 1)."),
        ("A: 941\na: 942", "Line 2: there is already a region named “a” (line 1)."),
        (": 941", "Line 1: the region’s name is missing before the colon."),
        ("A" * 81 + ": 941", "Line 1: the region’s name is longer than 80 characters."),
        ("A:", "Line 1: “A” has no postal codes after the colon."),
        (
            "A: " + " ".join(str(10000 + i) for i in range(101)),
            "Line 1: at most 100 postal codes per region.",
        ),
        ("A: 941\n" + "x" * 5000, "Ensure this value has at most 5000 characters"),
    ],
)
def test_region_errors_are_shown_and_nothing_is_queued(paper_client, petition, regions, error):
    url = reverse("heretostay_deliver", args=[petition.pk])
    response = paper_client.post(url, {"group_by": "region", "regions": regions})
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page.replace("&#x27;", "'")
    assert 'id="id_regions"' in page and "help-critical" in page
    assert not DeliveryJob.objects.exists()


def test_several_bad_lines_are_all_named(paper_client, petition):
    url = reverse("heretostay_deliver", args=[petition.pk])
    response = paper_client.post(url, {"group_by": "region", "regions": "A 1\nB: 2\nC 3"})
    page = response.content.decode()
    assert "Line 1:" in page and "Line 3:" in page and "Line 2:" not in page


def test_region_errors_in_the_spanish_admin(paper_client, paper_organizer, petition):
    profile = UserProfile.get_for_user(paper_organizer)
    profile.preferred_language = "es"
    profile.save()
    url = reverse("heretostay_deliver", args=[petition.pk])
    page = paper_client.get(url).content.decode()
    assert "Por región" in page
    response = paper_client.post(url, {"group_by": "region", "regions": "Distrito 1 94103"})
    page = response.content.decode()
    assert "Línea 1:" in page
    response = paper_client.post(url, {"group_by": "region", "regions": ""})
    assert "Define al menos una región" in response.content.decode()
    assert not DeliveryJob.objects.exists()


def test_form_remembers_the_last_regions(
    paper_client, petition, petition_es, django_capture_on_commit_callbacks
):
    url = reverse("heretostay_deliver", args=[petition.pk])
    form = paper_client.get(url).context["form"]
    assert form["regions"].value() == "" and form["group_by"].value() == "0"

    # Defined on the Spanish translation: the petition's regions all the same.
    _deliver(
        paper_client, petition_es, django_capture_on_commit_callbacks, regions="Centro: 941 94103"
    )
    form = paper_client.get(url).context["form"]
    assert form["regions"].value() == "Centro: 941, 94103"
    assert form["group_by"].value() == "region"
    assert 'value="region" selected' in paper_client.get(url).content.decode()

    # A later PDF grouped by prefix: that grouping is chosen, the regions stay prefilled.
    _deliver(paper_client, petition, django_capture_on_commit_callbacks, group_by="3")
    form = paper_client.get(url).context["form"]
    assert form["regions"].value() == "Centro: 941, 94103"
    assert form["group_by"].value() == "3"


def test_region_text_round_trips():
    regions = parse_regions("North side : 941 ,94103;  sw1a\r\nB:1")
    assert regions == [["North side", ["941", "94103", "SW1A"]], ["B", ["1"]]]
    assert parse_regions(format_regions(regions)) == regions
