"""Audited classification changes put into words for the report's timeline."""

import pytest

from haven.audit.models import AuditEvent
from haven.classification.services import change_names, classify, describe_change
from haven.classification.tests.support import add_image, add_url, make_report


@pytest.fixture
def report(organisation):
    return make_report(organisation)


def changes(report) -> list[dict]:
    events = AuditEvent.objects.filter(action="classification.changed", target_id=str(report.pk))
    return [event.detail for event in events.order_by("pk")]


def test_an_address_change_names_the_address_the_scheme_and_the_label(report, analyst):
    address = add_url(report, "https://example.com/a")
    classify(report, target=address, labels={"interpol": "baseline"}, by=analyst)
    assert describe_change(changes(report)[0]) == (
        "Address https://example.com/a classified",
        "INTERPOL baseline — Baseline (illegal everywhere)",
    )


def test_changed_and_removed_labels_say_what_they_were(report, analyst):
    classify(report, labels={"interpol": "national", "age": "3-6"}, by=analyst)
    classify(report, labels={"interpol": "baseline", "age": ""}, by=analyst)
    assert describe_change(changes(report)[1]) == (
        "Whole report classified",
        "INTERPOL baseline — Baseline (illegal everywhere) (was Nationally illegal); "
        "Apparent age — removed (was 3 to 6)",
    )
    classify(report, labels={"interpol": ""}, by=analyst)
    assert describe_change(changes(report)[2]) == (
        "Whole report: labels removed",
        "INTERPOL baseline — removed (was Baseline (illegal everywhere))",
    )


def test_automatic_labels_on_a_file_say_where_they_came_from(report):
    item, _ = add_image(report, 1, keep=False)
    classify(report, target=item, labels={"content": "image"}, by=None, source="repeat")
    name = item.original_name or f"Image {item.pk}"
    assert describe_change(changes(report)[0]) == (
        f"File {name} classified automatically (classified before)",
        "Content type — Image",
    )


def test_a_whole_timeline_is_described_with_names_read_once(
    report, analyst, django_assert_num_queries
):
    for n in range(5):
        address = add_url(report, f"https://example.com/{n}")
        classify(report, target=address, labels={"interpol": "national"}, by=analyst)
    details = changes(report)
    with django_assert_num_queries(4):
        names = change_names(report)
        described = [describe_change(detail, names=names) for detail in details]
    assert described[4] == (
        "Address https://example.com/4 classified",
        "INTERPOL baseline — Nationally illegal",
    )


def test_long_addresses_and_unknown_keys_still_read(report, analyst):
    address = add_url(report, "https://example.com/" + "x" * 200)
    detail = {
        "organisation_id": report.organisation_id,
        "on": {"type": "url", "id": address.pk},
        "labels": {"gone": "label"},
        "previous": {},
        "source": "analyst",
    }
    title, text = describe_change(detail)
    assert title.startswith("Address https://example.com/xxx") and "…" in title
    assert len(title) < 110
    assert text == "gone — label"
