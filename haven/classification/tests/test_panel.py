"""The report page's classification panel and its forms."""

import pytest
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.classification.services import classifications_for, classify, labels_of
from haven.classification.tests.support import add_image, add_url, make_report
from haven.reports.models import Status


@pytest.fixture
def report(organisation):
    return make_report(organisation)


def detail(client, report):
    response = client.get(reverse("triage:detail", args=[report.reference]))
    assert response.status_code == 200
    return response.content.decode()


def panel(html: str) -> str:
    start = html.index('id="panel-classification"')
    return html[start : html.index("</section>", start)]


def test_the_panel_shows_labels_with_who_gave_them_and_a_form_per_item(
    report, analyst, analyst_client
):
    item, _ = add_image(report, 1, keep=True, match_label="Known material (A)")
    address = add_url(report, "https://Example.com/a#x")
    classify(report, labels={"interpol": "baseline"}, by=analyst)
    classify(report, target=address, labels={"content": "website"}, by=None, source="repeat")
    html = panel(detail(analyst_client, report))
    # The summary says where each label is: on the whole report, or on its items.
    assert (
        "Labels of the whole report:</strong> INTERPOL baseline: Baseline (illegal everywhere)."
        in html
    )
    assert "Labels of its addresses and files:</strong> Content type: Whole website." in html
    assert "by ana" in html and "classified before" in html
    assert f'id="form-item-{item.pk}"' in html and f'id="form-url-{address.pk}"' in html
    assert 'id="form-report"' in html
    assert "https://example.com/a" in html  # the normalised form beside the address
    assert f"SHA-256 {item.sha256[:16]}" in html
    assert "Known material: no need to view" in html
    # Nothing in the panel loads the media.
    assert "<img" not in html and "media_preview" not in html and "/triage/media/" not in html


def test_the_report_form_saves_labels_and_comes_back_to_the_panel(report, analyst_client):
    url = reverse("classification:classify_report", args=[report.reference])
    response = analyst_client.post(url, {"report-interpol": "national", "report-age": "14-15"})
    assert response.status_code == 302
    assert response.url == f"/triage/{report.reference}/?panel=classification#panel-classification"
    assert labels_of(classifications_for(report).report) == {"interpol": "national", "age": "14-15"}
    assert AuditEvent.objects.filter(action="classification.changed").count() == 1


def test_an_item_form_saves_that_items_labels(report, analyst_client):
    item, _ = add_image(report, 1, keep=False)
    address = add_url(report, "https://example.com/a")
    url = reverse("classification:classify_item", args=[report.reference, item.pk])
    analyst_client.post(
        url, {f"item-{item.pk}-interpol": "baseline", f"item-{item.pk}-content": "image"}
    )
    url = reverse("classification:classify_url", args=[report.reference, address.pk])
    analyst_client.post(url, {f"url-{address.pk}-content": "url"})
    found = classifications_for(report)
    assert labels_of(found.for_target(item)) == {"interpol": "baseline", "content": "image"}
    assert labels_of(found.for_target(address)) == {"content": "url"}


def test_a_bad_choice_comes_back_with_the_error_beside_the_field(report, analyst_client):
    url = reverse("classification:classify_report", args=[report.reference])
    response = analyst_client.post(url, {"report-interpol": "category-z"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_report-interpol"' in html
    assert "Choose one of the labels of INTERPOL baseline." in html


def test_a_required_scheme_left_empty_is_refused_in_the_form(
    organisation, report, supervisor, analyst_client
):
    from haven.classification import actions
    from haven.classification.models import Scheme

    interpol = Scheme.objects.get(key="interpol")
    actions.save_settings(organisation, {interpol.pk: (True, True, 10)}, supervisor)
    assert "Your organisation requires INTERPOL baseline" in panel(detail(analyst_client, report))
    url = reverse("classification:classify_report", args=[report.reference])
    response = analyst_client.post(url, {"report-age": "3-6"})
    assert response.status_code == 400
    assert "Choose a label for INTERPOL baseline: your organisation requires it." in (
        response.content.decode()
    )


def test_a_closed_report_shows_its_labels_without_forms(organisation, analyst, analyst_client):
    report = make_report(organisation)
    add_url(report, "https://example.com/a")
    classify(report, labels={"interpol": "baseline"}, by=analyst)
    report.status = Status.CLOSED
    report.save()
    html = panel(detail(analyst_client, report))
    assert "Baseline (illegal everywhere)" in html
    assert "<form" not in html and "Reopen it to change its classification" in html
    url = reverse("classification:classify_report", args=[report.reference])
    response = analyst_client.post(url, {"report-interpol": "national"})
    assert response.status_code == 400 and "Reopen it" in response.content.decode()


def test_another_organisation_gets_404_on_every_classify_form(
    organisation, report, outsider_client
):
    item, _ = add_image(report, 1, keep=False)
    address = add_url(report, "https://example.com/a")
    classify(report, target=address, labels={"interpol": "baseline"}, by=None, source="repeat")
    for url in (
        reverse("classification:classify_report", args=[report.reference]),
        reverse("classification:classify_from_items", args=[report.reference]),
        reverse("classification:classify_item", args=[report.reference, item.pk]),
        reverse("classification:classify_url", args=[report.reference, address.pk]),
    ):
        assert outsider_client.post(url, {"report-interpol": "baseline"}).status_code == 404
    assert not classifications_for(report).report


def test_an_item_of_another_report_is_not_found_through_this_one(
    organisation, report, analyst_client
):
    elsewhere = make_report(organisation)
    item, _ = add_image(elsewhere, 1, keep=False)
    address = add_url(elsewhere, "https://example.com/a")
    for url in (
        reverse("classification:classify_item", args=[report.reference, item.pk]),
        reverse("classification:classify_url", args=[report.reference, address.pk]),
    ):
        assert analyst_client.post(url, {}).status_code == 404


def test_partners_cannot_classify(report, client, partner):
    from conftest import verified_client

    url = reverse("classification:classify_report", args=[report.reference])
    assert (
        verified_client(client, partner).post(url, {"report-interpol": "baseline"}).status_code
        == 403
    )


def test_the_reported_again_panel_links_the_case_and_its_joined_reports(
    organisation, analyst_client, django_capture_on_commit_callbacks
):
    from haven.classification.tests.support import submit

    case = make_report(organisation)
    add_url(case, "https://example.com/a")
    report = submit(
        organisation, django_capture_on_commit_callbacks, urls=["https://example.com/a"]
    ).report
    html = detail(analyst_client, case)
    assert "Reports that joined this case (1)" in html and report.reference in html
    html = detail(analyst_client, report)
    assert "This report joined the case" in html and case.reference in html
    assert 'id="form-separate"' in html


def test_the_panels_cost_the_same_however_many_items_the_report_has(
    organisation, analyst, analyst_client, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from haven.triage import panels

    # This app's panels only: the others' costs are for their own tests.
    ours = {key: panels._PANELS[key] for key in ("classification", "duplicates")}
    monkeypatch.setattr(panels, "_PANELS", ours)

    def cost(report) -> int:
        with CaptureQueriesContext(connection) as queries:
            detail(analyst_client, report)
        return len(queries)

    def report_with(count: int):
        report = make_report(organisation)
        for n in range(count):
            item, _ = add_image(report, n, keep=False)
            address = add_url(report, f"https://example.com/{n}")
            classify(report, target=item, labels={"content": "image"}, by=analyst)
            classify(report, target=address, labels={"interpol": "national"}, by=analyst)
        return report

    assert cost(report_with(1)) == cost(report_with(6))


# --- Report and item labels -------------------------------------------------------------


@pytest.fixture
def disagreeing(report, analyst):
    """A report whose addresses disagree (nationally illegal, baseline) and whose own
    INTERPOL label is still empty, as when analysts classify each address first."""
    first, second = add_url(report, "https://a.example/1"), add_url(report, "https://b.example/2")
    classify(report, target=first, labels={"interpol": "national"}, by=analyst)
    classify(report, target=second, labels={"interpol": "baseline", "age": "3-6"}, by=analyst)
    classify(report, labels={"age": "7-10"}, by=analyst)
    return report


def test_the_warning_for_a_required_scheme_says_what_the_items_have(
    organisation, disagreeing, supervisor, analyst_client
):
    from haven.classification import actions
    from haven.classification.models import Scheme

    interpol = Scheme.objects.get(key="interpol")
    actions.save_settings(organisation, {interpol.pk: (True, True, 10)}, supervisor)
    html = panel(detail(analyst_client, disagreeing))
    assert "Labels of the whole report:</strong> Apparent age: 7 to 10." in html
    assert (
        "Labels of its addresses and files:</strong> INTERPOL baseline: Baseline (illegal "
        "everywhere), Nationally illegal; Apparent age: 3 to 6." in html
    )
    assert "Your organisation requires INTERPOL baseline for the whole report" in html
    assert (
        "Its addresses and files have INTERPOL baseline: Baseline (illegal everywhere), "
        "Nationally illegal." in html
    )
    # The report's own age band is kept: only INTERPOL is offered from the items.
    offer = html[html.index('id="form-from-items"') :]
    offer = offer[: offer.index("</form>")]
    assert "Apparent age" not in offer
    assert "Use the items' labels for the whole report</button>" in offer
    # One button per purpose: the report's form and the items' forms say what they save.
    assert "Save the whole report's labels</button>" in html
    assert "Save classification" not in html


def test_one_click_gives_the_whole_report_the_most_serious_label_of_its_items(
    disagreeing, analyst, analyst_client
):
    url = reverse("classification:classify_from_items", args=[disagreeing.reference])
    response = analyst_client.post(url)
    assert response.status_code == 302
    assert response.url.endswith("?panel=classification#panel-classification")
    labels = labels_of(classifications_for(disagreeing).report)
    assert labels == {"interpol": "baseline", "age": "7-10"}
    event = AuditEvent.objects.filter(action="classification.changed").latest("pk")
    assert event.actor == analyst and event.detail["labels"] == {"interpol": "baseline"}
    html = detail(analyst_client, disagreeing)
    assert "The whole report now has its items&#x27; labels: INTERPOL baseline: Baseline" in html
    assert 'id="form-from-items"' not in panel(html)
    # Again: nothing left to copy, nothing written.
    analyst_client.post(url)
    assert AuditEvent.objects.filter(action="classification.changed").count() == 4


def test_the_items_labels_are_not_offered_on_a_closed_report(disagreeing, analyst_client):
    disagreeing.status = Status.CLOSED
    disagreeing.save()
    assert 'id="form-from-items"' not in panel(detail(analyst_client, disagreeing))
    url = reverse("classification:classify_from_items", args=[disagreeing.reference])
    analyst_client.post(url)
    assert "interpol" not in labels_of(classifications_for(disagreeing).report)


def test_the_queue_shows_one_entry_per_scheme_the_most_serious_label_first(
    disagreeing, analyst_client
):
    html = analyst_client.get(reverse("triage:queue")).content.decode()
    assert "INTERPOL baseline: Baseline (illegal everywhere), Nationally illegal" in html
    assert html.count("INTERPOL baseline:") == 1
