"""Districts: the list, adding one or many, changing and deactivating."""

import pytest

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.network import districts
from haven.network.models import District
from haven.triage.actions import InvalidInput


@pytest.fixture
def by(supervisor):
    return Actor.for_user(supervisor)


# --- Pasting many ---------------------------------------------------------------------------


def test_pasted_lines_become_districts_with_codes_and_regions(organisation, by):
    result = districts.add_districts(
        organisation, "Pune, Maharashtra\n\n  Patna ,Bihar  \nKhordha\n", actor=by
    )
    assert [str(d) for d in result.added] == ["Pune, Maharashtra", "Patna, Bihar", "Khordha"]
    assert set(District.objects.values_list("code", flat=True)) == {
        "pune-maharashtra",
        "patna-bihar",
        "khordha",
    }
    event = AuditEvent.objects.get(action="network.districts_added")
    assert event.detail["count"] == 3


def test_each_malformed_line_is_reported_by_number_and_nothing_is_added(organisation, by):
    text = "\n".join(
        [
            "Pune, Maharashtra",  # 1: fine
            ", Bihar",  # 2: no name
            "Mumbai, Maharashtra, India",  # 3: two commas
            "pune, maharashtra",  # 4: same as line 1
            "x" * 121,  # 5: too long
            "!!!, Kerala",  # 6: no letter or digit
        ]
    )
    with pytest.raises(districts.BadLines) as refused:
        districts.add_districts(organisation, text, actor=by)
    numbers = [number for number, _problem in refused.value.problems]
    assert numbers == [2, 3, 4, 5, 6]
    problems = dict(refused.value.problems)
    assert "missing" in problems[2]
    assert "more than one comma" in problems[3]
    assert "already on line 1" in problems[4]
    assert not District.objects.exists()


def test_districts_already_listed_are_skipped_not_refused(organisation, pune, by):
    result = districts.add_districts(
        organisation, "PUNE, Maharashtra\nNagpur, Maharashtra", actor=by
    )
    assert [d.name for d in result.added] == ["Nagpur"]
    assert [line.number for line in result.already_listed] == [1]


def test_the_same_name_in_two_regions_gets_two_codes(organisation, by):
    districts.add_districts(organisation, "Aurangabad, Bihar\nAurangabad, Maharashtra", actor=by)
    assert set(District.objects.values_list("code", flat=True)) == {
        "aurangabad-bihar",
        "aurangabad-maharashtra",
    }


def test_the_bulk_page_lists_the_bad_lines_by_number(supervisor_client):
    response = supervisor_client.post(
        "/network/districts/bulk/", {"lines": "Pune, Maharashtra\na, b, c\n"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Line 2:" in body and "more than one comma" in body
    assert "Nothing was added" in body
    assert not District.objects.exists()


def test_the_bulk_page_adds_and_says_how_many(supervisor_client, pune):
    response = supervisor_client.post(
        "/network/districts/bulk/", {"lines": "Pune, Maharashtra\nNagpur, Maharashtra"}, follow=True
    )
    body = response.content.decode()
    assert "1 district added. 1 was already in the list." in body
    assert "Nagpur" in body


# --- One at a time -------------------------------------------------------------------------


def test_a_supervisor_adds_a_district_and_its_code_is_made_from_the_name(supervisor_client):
    response = supervisor_client.post(
        "/network/districts/new/", {"name": "Thane", "region": "Maharashtra", "code": ""}
    )
    assert response.status_code == 302
    district = District.objects.get()
    assert district.code == "thane-maharashtra"
    assert AuditEvent.objects.filter(action="network.district_created").count() == 1


def test_a_district_already_listed_is_refused_beside_the_name(supervisor_client, pune):
    response = supervisor_client.post(
        "/network/districts/new/", {"name": "pune", "region": "MAHARASHTRA"}
    )
    assert response.status_code == 400
    assert "Pune, Maharashtra is already in the list." in response.content.decode()


def test_a_code_another_district_has_is_refused(organisation, pune, mumbai, by):
    with pytest.raises(InvalidInput, match="already has the code"):
        districts.update_district(
            mumbai, name="Mumbai", region="Maharashtra", code="pune", active=True, actor=by
        )


def test_changing_a_district_is_audited_with_what_changed(supervisor_client, pune):
    response = supervisor_client.post(
        f"/network/districts/{pune.pk}/edit/",
        {"name": "Pune City", "region": "Maharashtra", "code": "pune", "active": "on"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="network.district_changed")
    assert event.detail["changes"] == {"name": ["Pune", "Pune City"]}


def test_deactivating_a_district_keeps_it_listed_as_inactive(supervisor_client, pune):
    response = supervisor_client.post(f"/network/districts/{pune.pk}/deactivate/", follow=True)
    pune.refresh_from_db()
    assert not pune.active
    assert "Inactive" in response.content.decode()
    again = supervisor_client.post(f"/network/districts/{pune.pk}/deactivate/", follow=True)
    assert "already inactive" in again.content.decode()


def test_the_list_groups_by_region_and_flags_districts_with_no_partner(
    counsellor_client, pune, patna, ngo, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = counsellor_client.get("/network/districts/")
    body = response.content.decode()
    assert (
        body.index("Bihar") < body.index("Patna") < body.index("Maharashtra") < body.index("Pune")
    )
    patna_row = body[body.index("Patna") : body.index("Maharashtra")]
    assert "No partner: to supervisors" in patna_row
    assert "Add a district" not in body
