"""Reading a report's status and listing reports: each caller sees only its own."""

from conftest import make_user, token_client
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.reports.intake import HashSet, ReportInput, submit_report
from haven.reports.models import MediaItem, Report, Source, Status

URL = "/api/v1/reports/"


def make_report(user, external_id="", **fields) -> Report:
    data = ReportInput(
        **(
            {
                "category": "sexual_imagery",
                "description": "Private words of the reporter",
                "urls": ["https://example.com/x"],
                "external_id": external_id,
            }
            | fields
        )
    )
    return submit_report(
        user.organisation, Source.API, data, Actor.for_user(user), submitted_by=user
    ).report


def test_submitting_partner_reads_the_status_without_the_description(partner_api, partner):
    report = make_report(partner, "ext-1", hashes=[HashSet(md5="a" * 32), HashSet(md5="b" * 32)])
    report.media.filter(md5="a" * 32).update(match_label="Known material (A)")

    response = partner_api.get(f"{URL}{report.reference}/")

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == report.reference and body["status"] == "received"
    assert body["category"] == "sexual_imagery" and body["external_id"] == "ext-1"
    assert {"received_at", "updated_at"} <= body.keys()
    assert [i["known_material"] for i in body["items"]] == [True, False]
    assert "Known material" not in response.content.decode()
    assert "Private words" not in response.content.decode()
    assert "example.com" not in response.content.decode()


def test_reading_a_status_is_audited_with_the_token_name(partner_api, partner):
    report = make_report(partner)
    partner_api.get(f"{URL}{report.reference.lower()}/")

    event = AuditEvent.objects.get(action="report.viewed", target_id=str(report.pk))
    assert (
        event.actor == partner and event.actor_label == "examplesocial (token examplesocial tests)"
    )
    assert event.organisation_id == partner.organisation_id


def test_another_partner_of_the_same_organisation_gets_404(partner, organisation):
    report = make_report(partner)
    other_partner = make_user(organisation, "otherservice", Role.PARTNER)

    response = token_client(other_partner).get(f"{URL}{report.reference}/")

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "No such report"}}
    assert not AuditEvent.objects.filter(action="report.viewed").exists()


def test_another_organisation_gets_404(partner, outsider_api):
    report = make_report(partner)
    assert outsider_api.get(f"{URL}{report.reference}/").status_code == 404
    assert outsider_api.get(URL).json()["results"] == []


def test_staff_of_the_organisation_read_any_of_its_reports(partner, analyst_api):
    report = make_report(partner)
    assert analyst_api.get(f"{URL}{report.reference}/").status_code == 200


def test_the_list_shows_a_partner_only_its_own_reports(partner_api, partner, organisation, analyst):
    mine = [make_report(partner, f"mine-{n}") for n in range(3)]
    make_report(make_user(organisation, "otherservice", Role.PARTNER))
    make_report(analyst)

    response = partner_api.get(URL)

    assert response.status_code == 200
    references = [r["reference"] for r in response.json()["results"]]
    assert references == [r.reference for r in reversed(mine)]


def test_staff_list_every_report_of_their_organisation_and_no_other(
    analyst_api, partner, analyst, outsider
):
    make_report(partner)
    make_report(analyst)
    make_report(outsider)
    assert len(analyst_api.get(URL).json()["results"]) == 2


def test_the_list_filters_by_status_and_external_id(partner_api, partner):
    first, second = make_report(partner, "a"), make_report(partner, "b")
    Report.objects.filter(pk=second.pk).update(status=Status.CLOSED)

    closed = partner_api.get(URL, {"status": "closed"}).json()["results"]
    by_id = partner_api.get(URL, {"external_id": "a"}).json()["results"]

    assert [r["reference"] for r in closed] == [second.reference]
    assert [r["reference"] for r in by_id] == [first.reference]


def test_an_unknown_status_filter_is_a_400(partner_api):
    response = partner_api.get(URL, {"status": "lost"})
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_the_list_pages_with_a_cursor(partner_api, partner):
    made = [make_report(partner) for _ in range(5)]

    first = partner_api.get(URL, {"page_size": 2}).json()
    second = partner_api.get(first["next"]).json()

    seen = [r["reference"] for r in first["results"] + second["results"]]
    assert seen == [r.reference for r in reversed(made)][:4]
    assert first["previous"] is None and second["next"]


def test_listing_takes_the_same_queries_for_many_reports(
    partner_api, partner, django_assert_max_num_queries
):
    for _ in range(20):
        make_report(partner, hashes=[HashSet(md5="c" * 32)])
    partner_api.get(URL)  # the token's last-used time is written on first use only
    with django_assert_max_num_queries(3):
        response = partner_api.get(URL)
    assert len(response.json()["results"]) == 20
    assert MediaItem.objects.count() == 20
