"""An address classified as actionable gets a takedown by itself (when the policy says
so), through classification's `url_classified` signal."""

import pytest

from haven.audit.models import AuditEvent
from haven.classification import services as classification
from haven.classification.signals import url_classified
from haven.reports.models import ReportUrl
from haven.takedown import seams
from haven.takedown.models import State, Takedown
from haven.takedown.tests.conftest import set_policy


@pytest.fixture
def real_classification(world):
    """Classification's own answer to "is it actionable?"; the rest stays fake."""
    with seams.replaced_by(is_actionable=seams._is_actionable):
        yield


def classify(report_url, label: str, by, capture):
    with capture(execute=True):
        classification.classify(
            report_url.report, target=report_url, labels={"interpol": label}, by=by
        )


def test_an_actionable_classification_opens_a_takedown(
    report_url, analyst, real_classification, django_capture_on_commit_callbacks, clock
):
    classify(report_url, "baseline", analyst, django_capture_on_commit_callbacks)
    takedown = Takedown.objects.get(report_url=report_url)
    # Opened; the first notice waits for the scheduler's next tick.
    assert takedown.state == State.WAITING and takedown.next_action_at == clock.now
    assert takedown.opened_by == analyst
    opened = AuditEvent.objects.get(action="takedown.opened")
    assert opened.actor == analyst


def test_a_label_that_is_not_actionable_opens_nothing(
    report_url, analyst, real_classification, django_capture_on_commit_callbacks
):
    classify(report_url, "not_illegal", analyst, django_capture_on_commit_callbacks)
    assert not Takedown.objects.exists()


def test_the_policy_can_turn_automatic_opening_off(
    report_url, analyst, organisation, real_classification, django_capture_on_commit_callbacks
):
    set_policy(organisation, auto_open=False)
    classify(report_url, "baseline", analyst, django_capture_on_commit_callbacks)
    assert not Takedown.objects.exists()


def test_a_classification_by_the_system_opens_it_as_the_system(report_url, organisation, clock):
    url_classified.send(
        sender=None,
        report_url=report_url,
        labels={"interpol": "baseline"},
        by=None,
        source="repeat",
    )
    takedown = Takedown.objects.get()
    assert takedown.opened_by is None
    assert AuditEvent.objects.get(action="takedown.opened").detail["automatic"] is True


def test_classifying_again_does_not_open_a_second_one_or_fail(report_url, analyst, clock):
    for _ in range(2):
        url_classified.send(
            sender=None, report_url=report_url, labels={}, by=analyst, source="analyst"
        )
    assert Takedown.objects.count() == 1


def test_a_refusal_is_quiet_the_classification_still_stands(report, analyst, world, caplog):
    # A closed report: no takedown, no error for the analyst who classified.
    from haven.triage import actions

    url = ReportUrl.objects.create(report=report, url="https://closed.example/")
    actions.close(report, analyst, "done")
    url_classified.send(sender=None, report_url=url, labels={}, by=analyst, source="analyst")
    assert not Takedown.objects.exists()
