"""The same address or file reported again joins the open case that holds it."""

import pytest
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.classification.tests.support import add_image, add_url, make_report, submit
from haven.demo.synthetic import synthetic_jpeg
from haven.jobs.models import Job
from haven.reports import duplicates
from haven.reports.intake import HashSet, Upload
from haven.reports.models import Category, Report, Status
from haven.triage import actions

ADDRESS = "https://example.com/gallery/photo"


@pytest.fixture
def case(organisation):
    """An open case holding one address, in review."""
    report = make_report(organisation, status=Status.IN_REVIEW)
    add_url(report, ADDRESS)
    return report


def joined(report: Report, case: Report) -> bool:
    report.refresh_from_db()
    return report.status == Status.JOINED and report.duplicate_of_id == case.pk


@pytest.mark.parametrize(
    "again",
    [
        "HTTPS://EXAMPLE.COM/gallery/photo",
        "https://example.com:443/gallery/photo",
        "https://example.com/gallery/photo#comments",
        "https://example.com/%67allery/photo",
        "https://example.com/gallery/./photo",
    ],
)
def test_the_same_address_in_another_spelling_joins_the_open_case(
    organisation, case, django_capture_on_commit_callbacks, again
):
    submission = submit(
        organisation,
        django_capture_on_commit_callbacks,
        description="I saw this",
        urls=[again],
    )
    report = submission.report
    assert report.status == Status.JOINED and joined(report, case)
    case.refresh_from_db()
    assert case.duplicate_count == 1
    # Nothing the reporter sent is lost.
    assert report.description == "I saw this"
    assert list(report.urls.values_list("url", flat=True)) == [again]


def test_an_international_name_and_its_punycode_are_the_same_address(
    organisation, django_capture_on_commit_callbacks
):
    case = make_report(organisation)
    add_url(case, "https://bücher.example/straße")
    submission = submit(
        organisation,
        django_capture_on_commit_callbacks,
        urls=["https://xn--bcher-kva.example/stra%C3%9Fe"],
    )
    assert joined(submission.report, case)


def test_joining_is_audited_on_both_reports(organisation, case, django_capture_on_commit_callbacks):
    report = submit(organisation, django_capture_on_commit_callbacks, urls=[ADDRESS]).report
    on_report = AuditEvent.objects.get(action="report.joined")
    on_case = AuditEvent.objects.get(action="report.duplicate_joined")
    assert on_report.target_id == str(report.pk) and on_report.detail["case"] == case.reference
    assert on_case.target_id == str(case.pk) and on_case.detail["joined"] == report.reference
    assert on_case.detail["addresses"] == 1 and on_case.actor_label == "deduplication"


def test_every_report_of_the_same_thing_is_counted_on_the_first_case(
    organisation, case, django_capture_on_commit_callbacks
):
    for _ in range(3):
        report = submit(organisation, django_capture_on_commit_callbacks, urls=[ADDRESS]).report
        assert joined(report, case)
    case.refresh_from_db()
    assert case.duplicate_count == 3
    assert case.duplicates.count() == 3


def test_a_report_that_brings_a_new_address_is_a_case_of_its_own(
    organisation, case, django_capture_on_commit_callbacks
):
    report = submit(
        organisation,
        django_capture_on_commit_callbacks,
        urls=[ADDRESS, "https://example.com/another"],
    ).report
    assert report.status == Status.RECEIVED and report.duplicate_of is None


def test_a_closed_case_is_never_joined(organisation, case, django_capture_on_commit_callbacks):
    case.status = Status.CLOSED
    case.save()
    report = submit(organisation, django_capture_on_commit_callbacks, urls=[ADDRESS]).report
    assert report.status == Status.RECEIVED
    case.refresh_from_db()
    assert case.duplicate_count == 0


def test_another_organisations_case_is_never_joined(
    organisation, other_organisation, django_capture_on_commit_callbacks
):
    theirs = make_report(other_organisation)
    add_url(theirs, ADDRESS)
    report = submit(organisation, django_capture_on_commit_callbacks, urls=[ADDRESS]).report
    assert report.status == Status.RECEIVED
    theirs.refresh_from_db()
    assert theirs.duplicate_count == 0


def test_a_report_that_joined_is_not_itself_a_case_to_join(
    organisation, case, django_capture_on_commit_callbacks
):
    first = submit(organisation, django_capture_on_commit_callbacks, urls=[ADDRESS]).report
    case.status = Status.CLOSED
    case.save()
    second = submit(organisation, django_capture_on_commit_callbacks, urls=[ADDRESS]).report
    assert joined(first, case)
    assert second.status == Status.RECEIVED and second.duplicate_of is None


def test_a_child_in_danger_now_is_never_joined_and_still_alerts(
    organisation, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        from haven.audit.services import Actor
        from haven.reports.intake import ReportInput, submit_report
        from haven.reports.models import Source

        data = ReportInput(category=Category.DANGER_NOW, urls=[ADDRESS])
        report = submit_report(organisation, Source.PUBLIC, data, Actor.public()).report
    assert report.status == Status.RECEIVED and report.duplicate_of is None
    assert Job.objects.filter(name="triage.alert_danger_now").exists()
    noted = AuditEvent.objects.get(action="report.duplicate_not_joined")
    assert noted.detail == {
        "reference": report.reference,
        "case": case.reference,
        "reason": "danger_now",
    }


def test_a_malformed_address_is_kept_and_never_joins(
    organisation, django_capture_on_commit_callbacks
):
    case = make_report(organisation)
    add_url(case, ADDRESS)
    report = submit(
        organisation,
        django_capture_on_commit_callbacks,
        urls=[ADDRESS, "http://exa mple.com/"],
    ).report
    assert report.status == Status.RECEIVED
    kept = dict(report.urls.values_list("url", "normalised"))
    assert kept == {ADDRESS: ADDRESS, "http://exa mple.com/": ""}


def test_the_same_file_joins_the_open_case_once_hashed(
    organisation, django_capture_on_commit_callbacks
):
    case = make_report(organisation)
    _, jpeg = add_image(case, 7, keep=False)
    report = submit(
        organisation, django_capture_on_commit_callbacks, uploads=[Upload("copy.jpg", jpeg)]
    ).report
    assert joined(report, case)
    case.refresh_from_db()
    assert case.duplicate_count == 1
    assert AuditEvent.objects.get(action="report.joined").detail["files"] == 1


def test_the_same_hashes_join_the_open_case_at_once(
    organisation, django_capture_on_commit_callbacks
):
    case = make_report(organisation)
    item, _ = add_image(case, 8, keep=False)
    report = submit(
        organisation, django_capture_on_commit_callbacks, hashes=[HashSet(md5=item.md5)]
    ).report
    assert report.status == Status.JOINED and joined(report, case)


def test_a_report_with_one_known_file_and_one_new_file_is_a_case_of_its_own(
    organisation, django_capture_on_commit_callbacks
):
    case = make_report(organisation)
    _, jpeg = add_image(case, 9, keep=False)
    report = submit(
        organisation,
        django_capture_on_commit_callbacks,
        uploads=[Upload("copy.jpg", jpeg), Upload("new.jpg", synthetic_jpeg(10))],
    ).report
    report.refresh_from_db()
    assert report.status == Status.RECEIVED


def test_a_report_an_analyst_has_touched_does_not_join_when_its_file_is_hashed(
    organisation, analyst, django_capture_on_commit_callbacks
):
    case = make_report(organisation)
    _, jpeg = add_image(case, 11, keep=False)
    from haven.audit.services import Actor
    from haven.reports.intake import ReportInput, submit_report
    from haven.reports.models import Source

    with django_capture_on_commit_callbacks(execute=False) as hashing:
        data = ReportInput(category="sexual_imagery", uploads=[Upload("copy.jpg", jpeg)])
        report = submit_report(organisation, Source.PUBLIC, data, Actor.public()).report
    actions.claim(report, analyst)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in hashing:
            callback()
    report.refresh_from_db()
    assert report.status == Status.IN_REVIEW and report.duplicate_of is None


def test_a_rejected_file_does_not_keep_a_report_from_joining(
    organisation, django_capture_on_commit_callbacks
):
    case = make_report(organisation)
    _, jpeg = add_image(case, 12, keep=False)
    report = submit(
        organisation,
        django_capture_on_commit_callbacks,
        uploads=[Upload("copy.jpg", jpeg), Upload("notes.txt", b"not a picture")],
    ).report
    assert joined(report, case)


def test_a_joined_reports_addresses_are_not_fetched_again(
    organisation, case, settings, django_capture_on_commit_callbacks
):
    settings.FETCH_ON_REPORT = True
    with django_capture_on_commit_callbacks(execute=False):
        from haven.audit.services import Actor
        from haven.reports.intake import ReportInput, submit_report
        from haven.reports.models import Source

        joining = submit_report(
            organisation,
            Source.PUBLIC,
            ReportInput(category="other", urls=[ADDRESS]),
            Actor.public(),
        ).report
        fresh = submit_report(
            organisation,
            Source.PUBLIC,
            ReportInput(category="other", urls=["https://example.org/new"]),
            Actor.public(),
        ).report
    assert joining.status == Status.JOINED
    captures = [job.payload["url_id"] for job in Job.objects.filter(name="fetching.capture_url")]
    assert captures == [fresh.urls.get().pk]


def test_an_analyst_can_take_a_joined_report_out_of_its_case(
    organisation, case, analyst, analyst_client, django_capture_on_commit_callbacks
):
    report = submit(organisation, django_capture_on_commit_callbacks, urls=[ADDRESS]).report
    url = reverse("classification:separate", args=[report.reference])
    refused = analyst_client.post(url, {"separate-reason": ""})
    assert refused.status_code == 400
    assert "Give a reason." in refused.content.decode()
    response = analyst_client.post(url, {"separate-reason": "It shows a different child."})
    assert response.status_code == 302
    assert response.url.endswith(f"/triage/{report.reference}/?panel=duplicates#panel-duplicates")
    report.refresh_from_db()
    case.refresh_from_db()
    assert (report.status, report.duplicate_of, case.duplicate_count) == (Status.RECEIVED, None, 0)
    event = AuditEvent.objects.get(action="report.separated")
    assert event.detail["reason"] == "It shows a different child." and event.actor == analyst
    again = analyst_client.post(url, {"separate-reason": "Again"})
    assert again.status_code == 400
    assert "has not joined another case" in again.content.decode()


def test_another_organisation_cannot_separate_a_joined_report(
    organisation, case, outsider_client, django_capture_on_commit_callbacks
):
    report = submit(organisation, django_capture_on_commit_callbacks, urls=[ADDRESS]).report
    url = reverse("classification:separate", args=[report.reference])
    assert outsider_client.post(url, {"separate-reason": "mine"}).status_code == 404
    report.refresh_from_db()
    assert report.status == Status.JOINED


def test_joined_reports_leave_the_open_queue_and_the_case_shows_its_count(
    organisation, case, analyst_client, django_capture_on_commit_callbacks
):
    report = submit(organisation, django_capture_on_commit_callbacks, urls=[ADDRESS]).report
    queue = reverse("triage:queue")
    open_rows = [row[0].reference for row in analyst_client.get(queue).context["rows"]]
    assert open_rows == [case.reference]
    assert "Reported 1 more time" in analyst_client.get(queue).content.decode()
    everything = analyst_client.get(queue, {"status": "all"}).content.decode()
    assert report.reference in everything and "Joined an existing case" in everything


def test_other_reports_of_the_same_thing_are_found_open_or_closed(
    organisation, case, django_capture_on_commit_callbacks
):
    closed = make_report(organisation, status=Status.CLOSED)
    add_url(closed, ADDRESS)
    assert duplicates.same_content_elsewhere(case) == [closed]


def test_joined_reports_are_counted_as_joined_in_statistics(
    organisation, case, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from haven.stats.services import DateRange, summarise

    submit(organisation, django_capture_on_commit_callbacks, urls=[ADDRESS])
    today = timezone.localdate()
    counts = {
        row.status: row.count for row in summarise(organisation, DateRange(today, today)).by_status
    }
    assert counts["joined"] == 1 and counts["in_review"] == 1


def test_the_api_lists_joined_reports_on_their_own_and_shows_the_case(
    organisation, case, analyst_api, django_capture_on_commit_callbacks
):
    report = submit(organisation, django_capture_on_commit_callbacks, urls=[ADDRESS]).report
    queue = reverse("api:triage-queue")
    rows = analyst_api.get(queue, {"status": "joined"}).json()["results"]
    assert [(row["reference"], row["duplicate_of"]) for row in rows] == [
        (report.reference, case.reference)
    ]
    opened = analyst_api.get(queue).json()["results"]
    assert [(row["reference"], row["duplicate_count"]) for row in opened] == [(case.reference, 1)]
