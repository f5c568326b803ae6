"""Classifying a report, a file or an address: validation, audit, and the signal."""

import pytest
from django.core.exceptions import PermissionDenied

from haven.audit.models import AuditEvent
from haven.classification import actions
from haven.classification.models import Classification, ClassificationSource, Scheme
from haven.classification.services import (
    classifications_for,
    classify,
    is_actionable,
    labels_of,
    missing_required,
    summaries,
    summary,
)
from haven.classification.signals import url_classified
from haven.classification.tests.support import add_image, add_url, make_report
from haven.reports.models import Status
from haven.triage.actions import InvalidInput, InvalidTransition


@pytest.fixture
def report(organisation):
    return make_report(organisation)


@pytest.fixture
def heard():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    url_classified.connect(receiver)
    yield calls
    url_classified.disconnect(receiver)


def use_uk(organisation, supervisor, *, required=False):
    uk = Scheme.objects.get(key="uk")
    actions.save_settings(organisation, {uk.pk: (True, required, 20)}, supervisor)


def test_an_analyst_classifies_the_report_and_the_change_is_audited(report, analyst):
    rows = classify(report, labels={"interpol": "baseline", "age": "7-10"}, by=analyst)
    assert [(row.scheme.key, row.label.key) for row in rows] == [
        ("interpol", "baseline"),
        ("age", "7-10"),
    ]
    assert all(row.classified_by == analyst and row.source == "analyst" for row in rows)
    event = AuditEvent.objects.get(action="classification.changed")
    assert event.actor == analyst
    assert event.detail["on"] == {"type": "report", "id": None}
    assert event.detail["labels"] == {"interpol": "baseline", "age": "7-10"}
    assert event.detail["previous"] == {"interpol": "", "age": ""}


def test_classifying_again_replaces_the_label_and_the_audit_keeps_the_previous_one(report, analyst):
    classify(report, labels={"interpol": "national"}, by=analyst)
    classify(report, labels={"interpol": "baseline"}, by=analyst)
    assert Classification.objects.get().label.key == "baseline"
    last = AuditEvent.objects.filter(action="classification.changed").order_by("pk").last()
    assert last.detail["previous"] == {"interpol": "national"}
    assert last.detail["labels"] == {"interpol": "baseline"}


def test_the_same_labels_again_change_nothing_and_leave_no_audit_row(report, analyst):
    classify(report, labels={"interpol": "national"}, by=analyst)
    classify(report, labels={"interpol": "national"}, by=analyst)
    assert AuditEvent.objects.filter(action="classification.changed").count() == 1


def test_an_empty_label_takes_a_label_off(report, analyst):
    classify(report, labels={"interpol": "national", "age": "3-6"}, by=analyst)
    rows = classify(report, labels={"age": ""}, by=analyst)
    assert labels_of(rows) == {"interpol": "national"}


def test_files_and_addresses_are_classified_one_by_one(report, analyst):
    item, _ = add_image(report, 1, keep=False)
    address = add_url(report, "https://example.com/a")
    classify(report, target=item, labels={"content": "image", "interpol": "baseline"}, by=analyst)
    classify(report, target=address, labels={"content": "website"}, by=analyst)
    found = classifications_for(report)
    assert found.report == []
    assert labels_of(found.for_target(item)) == {"interpol": "baseline", "content": "image"}
    assert labels_of(found.for_target(address)) == {"content": "website"}
    event = AuditEvent.objects.filter(action="classification.changed").last()
    assert event.detail["on"] == {"type": "url", "id": address.pk}


def test_a_label_of_a_scheme_the_organisation_does_not_use_is_refused(report, analyst):
    with pytest.raises(InvalidInput, match="not a scheme your organisation uses") as refused:
        classify(report, labels={"uk": "a"}, by=analyst)
    assert refused.value.field == "uk"
    assert not Classification.objects.exists()


def test_a_scheme_that_does_not_apply_to_the_target_is_refused(report, analyst):
    with pytest.raises(InvalidInput, match="whole reports"):
        classify(report, labels={"content": "image"}, by=analyst)


def test_an_unknown_label_is_refused(report, analyst):
    with pytest.raises(InvalidInput, match="not a label of INTERPOL baseline"):
        classify(report, labels={"interpol": "a1"}, by=analyst)


def test_another_organisations_own_scheme_cannot_be_used(
    report, analyst, other_organisation, outsider
):
    theirs = actions.create_scheme(other_organisation, key="theirs", name="Theirs", by=outsider)
    actions.add_label(theirs, key="x", name="X", by=outsider)
    with pytest.raises(InvalidInput):
        classify(report, labels={"theirs": "x"}, by=analyst)


def test_a_disabled_scheme_is_refused_even_if_it_was_used_before(
    organisation, report, analyst, supervisor
):
    age = Scheme.objects.get(key="age")
    classify(report, labels={"age": "3-6"}, by=analyst)
    actions.save_settings(organisation, {age.pk: (False, False, 40)}, supervisor)
    with pytest.raises(InvalidInput):
        classify(report, labels={"age": "7-10"}, by=analyst)
    assert summary(report) == [("Apparent age", "3 to 6")]


def test_another_organisations_analyst_and_partners_cannot_classify(report, outsider, partner):
    for someone in (outsider, partner, None):
        with pytest.raises(PermissionDenied):
            classify(report, labels={"interpol": "baseline"}, by=someone)


def test_an_item_of_another_report_is_refused(organisation, report, analyst):
    elsewhere = make_report(organisation)
    item, _ = add_image(elsewhere, 1, keep=False)
    with pytest.raises(InvalidInput):
        classify(report, target=item, labels={"content": "image"}, by=analyst)


def test_a_closed_report_is_not_classified_until_reopened(organisation, analyst):
    closed = make_report(organisation, status=Status.CLOSED)
    with pytest.raises(InvalidTransition):
        classify(closed, labels={"interpol": "baseline"}, by=analyst)


def test_required_schemes_must_end_up_with_a_label(organisation, report, analyst, supervisor):
    use_uk(organisation, supervisor, required=True)
    assert [use.key for use in missing_required(report)] == ["uk"]
    with pytest.raises(InvalidInput, match="requires") as refused:
        classify(report, labels={"interpol": "baseline"}, by=analyst)
    assert refused.value.field == "uk"
    assert not Classification.objects.exists()
    classify(report, labels={"interpol": "baseline", "uk": "b"}, by=analyst)
    classify(report, labels={"interpol": "national"}, by=analyst)  # uk is already there
    with pytest.raises(InvalidInput):
        classify(report, labels={"uk": ""}, by=analyst)
    assert missing_required(report) == []


def test_automatic_labels_fill_gaps_and_never_replace_a_label(report, analyst):
    item, _ = add_image(report, 1, keep=False)
    classify(report, target=item, labels={"interpol": "national"}, by=analyst)
    rows = classify(
        report,
        target=item,
        labels={"interpol": "baseline", "content": "image", "uk": "a", "nonsense": "x"},
        by=None,
        source=ClassificationSource.REPEAT,
    )
    assert {(row.scheme.key, row.label.key, row.source) for row in rows} == {
        ("interpol", "national", "analyst"),
        ("content", "image", "repeat"),
    }
    repeat = next(row for row in rows if row.source == "repeat")
    assert repeat.classified_by is None
    event = AuditEvent.objects.filter(action="classification.changed").last()
    assert event.actor is None and event.actor_label == "repeat"


def test_an_address_label_is_announced_after_commit_only(
    report, analyst, heard, django_capture_on_commit_callbacks
):
    address = add_url(report, "https://example.com/a")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        classify(report, target=address, labels={"interpol": "baseline"}, by=analyst)
    assert heard == []
    for callback in callbacks:
        callback()
    assert heard == [
        {
            "signal": url_classified,
            "report_url": address,
            "labels": {"interpol": "baseline"},
            "by": analyst,
            "source": "analyst",
        }
    ]


def test_a_refused_change_announces_nothing(
    organisation, report, analyst, heard, django_capture_on_commit_callbacks
):
    address = add_url(report, "https://example.com/a")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput):
        classify(report, target=address, labels={"interpol": "nope"}, by=analyst)
    with django_capture_on_commit_callbacks(execute=True):
        classify(report, labels={"interpol": "baseline"}, by=analyst)
    assert heard == []


def test_an_address_is_actionable_only_with_an_actionable_label(report, analyst):
    address = add_url(report, "https://example.com/a")
    assert not is_actionable(address)
    classify(report, target=address, labels={"interpol": "not_illegal"}, by=analyst)
    assert not is_actionable(address)
    classify(report, target=address, labels={"interpol": "national"}, by=analyst)
    assert is_actionable(address)


def test_the_summary_lists_each_label_once_in_the_organisations_order(
    organisation, report, analyst, supervisor
):
    use_uk(organisation, supervisor)
    first, _ = add_image(report, 1, keep=False)
    second, _ = add_image(report, 2, keep=False)
    classify(report, labels={"age": "3-6", "interpol": "baseline"}, by=analyst)
    classify(report, target=first, labels={"uk": "b", "interpol": "baseline"}, by=analyst)
    classify(report, target=second, labels={"uk": "a"}, by=analyst)
    assert summary(report) == [
        ("INTERPOL baseline", "Baseline (illegal everywhere)"),
        ("UK categories", "Category A"),
        ("UK categories", "Category B"),
        ("Apparent age", "3 to 6"),
    ]
    uk = Scheme.objects.get(key="uk")
    actions.save_settings(organisation, {uk.pk: (True, False, 1)}, supervisor)
    assert summary(report)[0] == ("UK categories", "Category A")


def test_summaries_of_many_reports_cost_one_query(organisation, analyst, django_assert_num_queries):
    reports = [make_report(organisation) for _ in range(3)]
    for report in reports[:2]:
        classify(report, labels={"interpol": "baseline"}, by=analyst)
    with django_assert_num_queries(1):
        found = summaries([report.pk for report in reports])
    assert found[reports[0].pk] == [("INTERPOL baseline", "Baseline (illegal everywhere)")]
    assert found[reports[2].pk] == []
    from haven.reports.models import Report

    with django_assert_num_queries(1):
        by_queryset = summaries(Report.objects.filter(organisation=organisation))
    assert dict(by_queryset) == {k: v for k, v in found.items() if v}


def test_an_organisations_own_scheme_is_used_like_a_built_in(
    organisation, report, analyst, supervisor
):
    national = actions.create_scheme(organisation, key="national", name="National", by=supervisor)
    actions.add_label(national, key="s1", name="Section 1", by=supervisor)
    classify(report, labels={"national": "s1"}, by=analyst)
    assert ("National", "Section 1") in summary(report)
