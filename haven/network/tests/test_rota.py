"""The rota: adding shifts and weekly patterns, refusing overlaps, removing shifts, the
week page, and the warning about districts with nobody on call."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.network import rota
from haven.network.models import District, RotaShift
from haven.network.tests.helpers import shift
from haven.triage.actions import InvalidInput, InvalidTransition

MONDAY = datetime(2030, 3, 4, 0, 0, tzinfo=UTC)


@pytest.fixture
def by(supervisor):
    return Actor.for_user(supervisor)


@pytest.fixture
def early(clock):
    clock.now = MONDAY - timedelta(days=7)
    return clock


# --- Overlaps -------------------------------------------------------------------------------


def test_an_overlapping_shift_of_the_same_responder_is_refused_with_the_clash_named(
    early, ngo, asha, by
):
    rota.add_shift(
        ngo, asha, MONDAY + timedelta(hours=8), MONDAY + timedelta(hours=20), 1, actor=by
    )
    with pytest.raises(InvalidInput) as refused:
        rota.add_shift(
            ngo, asha, MONDAY + timedelta(hours=19), MONDAY + timedelta(hours=23), 2, actor=by
        )
    assert "Asha Patil is already on call from Mon 4 Mar 2030, 08:00 to Mon 4 Mar 2030, 20:00" in (
        refused.value.message
    )
    assert RotaShift.objects.count() == 1


def test_back_to_back_shifts_of_one_responder_are_not_an_overlap(early, ngo, asha, by):
    rota.add_shift(ngo, asha, MONDAY, MONDAY + timedelta(hours=8), 1, actor=by)
    rota.add_shift(
        ngo, asha, MONDAY + timedelta(hours=8), MONDAY + timedelta(hours=16), 1, actor=by
    )
    assert RotaShift.objects.filter(responder=asha).count() == 2


def test_two_responders_may_be_on_call_at_the_same_time(early, ngo, asha, ravi, by):
    rota.add_shift(ngo, asha, MONDAY, MONDAY + timedelta(hours=8), 1, actor=by)
    rota.add_shift(ngo, ravi, MONDAY, MONDAY + timedelta(hours=8), 2, actor=by)
    assert RotaShift.objects.count() == 2


def test_a_shift_is_refused_when_it_ends_before_it_starts_or_is_over(early, ngo, asha, by):
    with pytest.raises(InvalidInput, match="end after it starts"):
        rota.add_shift(ngo, asha, MONDAY, MONDAY, 1, actor=by)
    with pytest.raises(InvalidInput, match="over already"):
        rota.add_shift(
            ngo, asha, early.now - timedelta(hours=9), early.now - timedelta(hours=1), 1, actor=by
        )
    with pytest.raises(InvalidInput, match="at most 14 days"):
        rota.add_shift(ngo, asha, MONDAY, MONDAY + timedelta(days=15), 1, actor=by)


def test_another_partners_or_an_inactive_responder_cannot_be_put_on_the_rota(
    early, ngo, police, asha, inspector, by
):
    with pytest.raises(InvalidInput, match="Saathi Trust's responders"):
        rota.add_shift(ngo, inspector, MONDAY, MONDAY + timedelta(hours=8), 1, actor=by)
    asha.active = False
    asha.save()
    with pytest.raises(InvalidInput, match="inactive"):
        rota.add_shift(ngo, asha, MONDAY, MONDAY + timedelta(hours=8), 1, actor=by)


def test_adding_a_shift_is_audited(early, ngo, asha, by):
    added = rota.add_shift(ngo, asha, MONDAY, MONDAY + timedelta(hours=8), 1, actor=by)
    event = AuditEvent.objects.get(action="network.shift_added")
    assert event.target_id == str(added.pk) and event.detail["responder"] == asha.pk


# --- Weekly patterns ----------------------------------------------------------------------


def test_a_weekly_pattern_adds_a_shift_on_each_chosen_day_for_n_weeks(early, ngo, asha, by):
    spans = rota.weekly_spans(MONDAY.date(), [0, 2], time(8), time(20), weeks=3)
    shifts = rota.add_weekly(ngo, asha, spans, 1, actor=by)
    starts = sorted(s.starts_at for s in shifts)
    assert len(starts) == 6
    assert [s.date() for s in starts[:2]] == [date(2030, 3, 4), date(2030, 3, 6)]
    assert starts[-1].date() == date(2030, 3, 20)
    assert AuditEvent.objects.get(action="network.shifts_added").detail["count"] == 6


def test_a_night_pattern_ends_the_next_morning(early, ngo, asha, by):
    spans = rota.weekly_spans(MONDAY.date(), [4], time(20), time(8), weeks=1)
    assert spans == [(datetime(2030, 3, 8, 20, tzinfo=UTC), datetime(2030, 3, 9, 8, tzinfo=UTC))]


def test_a_weekly_pattern_overlapping_an_existing_shift_adds_nothing(early, ngo, asha, by):
    shift(asha, datetime(2030, 3, 13, 18, tzinfo=UTC), hours=4)
    spans = rota.weekly_spans(MONDAY.date(), [2], time(8), time(20), weeks=3)
    with pytest.raises(InvalidInput, match="already on call from Wed 13 Mar 2030, 18:00"):
        rota.add_weekly(ngo, asha, spans, 1, actor=by)
    assert RotaShift.objects.count() == 1


def test_a_weekly_pattern_needs_days_and_a_sensible_number_of_weeks(early):
    with pytest.raises(InvalidInput, match="at least one day"):
        rota.weekly_spans(MONDAY.date(), [], time(8), time(20), weeks=1)
    with pytest.raises(InvalidInput, match="1 to 52 weeks"):
        rota.weekly_spans(MONDAY.date(), [0], time(8), time(20), weeks=53)


# --- Removing -----------------------------------------------------------------------------


def test_a_coming_shift_is_removed_and_the_removal_audited(early, ngo, asha, by):
    coming = shift(asha, MONDAY)
    rota.remove_shift(coming, actor=by)
    assert not RotaShift.objects.exists()
    event = AuditEvent.objects.get(action="network.shift_removed")
    assert event.detail["responder"] == asha.pk


def test_a_shift_that_is_over_stays_as_the_record(clock, ngo, asha, by):
    clock.now = MONDAY + timedelta(days=1)
    past = shift(asha, MONDAY, hours=8)
    with pytest.raises(InvalidTransition, match="over"):
        rota.remove_shift(past, actor=by)
    assert RotaShift.objects.filter(pk=past.pk).exists()


# --- Coverage gaps ------------------------------------------------------------------------


def test_coverage_gaps_list_the_times_a_district_has_nobody_on_call(
    pune, mumbai, patna, ngo, asha, ravi
):
    end = MONDAY + timedelta(days=1)
    shift(asha, MONDAY, hours=8)
    shift(ravi, MONDAY + timedelta(hours=6), hours=6)  # overlaps Asha's: no gap between
    shift(asha, MONDAY + timedelta(hours=14), hours=10)
    gaps = {gap.district: gap for gap in rota.coverage_gaps(pune.organisation, MONDAY, end)}
    hour = timedelta(hours=1)
    assert gaps[pune].gaps == [(MONDAY + 12 * hour, MONDAY + 14 * hour)]
    assert gaps[pune].partners == 1
    assert gaps[mumbai].gaps == gaps[pune].gaps
    # Patna has no partner at all: the whole window, and 0 partners.
    assert gaps[patna].partners == 0 and gaps[patna].gaps == [(MONDAY, end)]


def test_a_district_covered_around_the_clock_has_no_gap(pune, mumbai, ngo, police, asha, inspector):
    shift(asha, MONDAY - timedelta(hours=1), hours=13)
    shift(inspector, MONDAY + timedelta(hours=12), hours=13)
    gaps = rota.coverage_gaps(pune.organisation, MONDAY, MONDAY + timedelta(days=1))
    assert pune not in [gap.district for gap in gaps]
    assert mumbai in [gap.district for gap in gaps]  # the police do not cover Mumbai


def test_shifts_of_inactive_responders_leave_gaps(pune, mumbai, ngo, asha):
    shift(asha, MONDAY, hours=24)
    assert rota.coverage_gaps(pune.organisation, MONDAY, MONDAY + timedelta(days=1)) == []
    asha.active = False
    asha.save()
    gaps = rota.coverage_gaps(pune.organisation, MONDAY, MONDAY + timedelta(days=1))
    assert [gap.district for gap in gaps] == [mumbai, pune]  # in the order of the list


def test_an_inactive_partner_leaves_its_districts_with_no_partner(pune, mumbai, ngo, asha):
    shift(asha, MONDAY, hours=24)
    ngo.active = False
    ngo.save()
    gaps = rota.coverage_gaps(pune.organisation, MONDAY, MONDAY + timedelta(days=1))
    assert {gap.district: gap.partners for gap in gaps} == {mumbai: 0, pune: 0}


def test_inactive_districts_are_not_warned_about(pune, mumbai, ngo):
    District.objects.filter(pk=mumbai.pk).update(active=False)
    gaps = rota.coverage_gaps(pune.organisation, MONDAY, MONDAY + timedelta(days=1))
    assert [gap.district for gap in gaps] == [pune]


# --- The week page ------------------------------------------------------------------------


def test_the_week_page_shows_each_days_shifts_in_order(early, counsellor_client, ngo, asha, ravi):
    shift(asha, MONDAY + timedelta(hours=20), hours=12)  # a night shift: Monday and Tuesday
    shift(ravi, MONDAY + timedelta(hours=8), hours=4, position=2)
    page = counsellor_client.get(f"/network/partners/{ngo.pk}/rota/?week=2030-03-05")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Week of 4 Mar 2030" in body
    monday = body[body.index("Monday 4 March") : body.index("Tuesday 5 March")]
    assert monday.index("Ravi Kale") < monday.index("Asha Patil")
    tuesday = body[body.index("Tuesday 5 March") : body.index("Wednesday 6 March")]
    assert "Asha Patil" in tuesday and "Ravi Kale" not in tuesday
    # A counsellor reads: no forms, no remove buttons.
    assert "Add a shift" not in body and "Remove" not in body


def test_a_supervisor_adds_a_shift_from_the_week_page(early, supervisor_client, ngo, asha):
    response = supervisor_client.post(
        f"/network/partners/{ngo.pk}/rota/shifts/",
        {
            "shift-responder": asha.pk,
            "shift-starts_at": "2030-03-04T08:00",
            "shift-ends_at": "2030-03-04T20:00",
            "shift-position": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?week=2030-03-04")
    added = RotaShift.objects.get()
    assert added.starts_at == MONDAY + timedelta(hours=8)


def test_an_overlap_refused_on_the_page_says_why_beside_the_form(
    early, supervisor_client, ngo, asha
):
    shift(asha, MONDAY + timedelta(hours=8))
    response = supervisor_client.post(
        f"/network/partners/{ngo.pk}/rota/shifts/",
        {
            "shift-responder": asha.pk,
            "shift-starts_at": "2030-03-04T10:00",
            "shift-ends_at": "2030-03-04T12:00",
            "shift-position": "2",
        },
    )
    assert response.status_code == 400
    assert "Asha Patil is already on call" in response.content.decode()
    assert RotaShift.objects.count() == 1


def test_a_supervisor_adds_a_weekly_pattern_from_the_week_page(early, supervisor_client, ngo, ravi):
    response = supervisor_client.post(
        f"/network/partners/{ngo.pk}/rota/weekly/",
        {
            "weekly-responder": ravi.pk,
            "weekly-weekdays": ["5", "6"],
            "weekly-start_time": "09:00",
            "weekly-end_time": "21:00",
            "weekly-first_day": "2030-03-04",
            "weekly-weeks": "2",
            "weekly-position": "1",
        },
    )
    assert response.status_code == 302
    assert RotaShift.objects.filter(responder=ravi).count() == 4


def test_a_weekly_pattern_with_bad_input_is_shown_again_with_each_reason(
    early, supervisor_client, ngo, ravi
):
    response = supervisor_client.post(
        f"/network/partners/{ngo.pk}/rota/weekly/",
        {"weekly-responder": ravi.pk, "weekly-weeks": "99", "weekly-start_time": "25:00"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one day of the week." in body
    assert "Enter a time such as 08:00." in body
    assert "Repeat for at most 52 weeks." in body
    assert not RotaShift.objects.exists()


def test_a_supervisor_removes_a_coming_shift_from_the_page(early, supervisor_client, ngo, asha):
    coming = shift(asha, MONDAY)
    response = supervisor_client.post(f"/network/shifts/{coming.pk}/remove/")
    assert response.status_code == 302
    assert not RotaShift.objects.exists()


@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-03"])
def test_a_week_outside_the_years_a_rota_holds_shows_this_week_instead(
    early, counsellor_client, ngo, week
):
    page = counsellor_client.get(f"/network/partners/{ngo.pk}/rota/?week={week}")
    assert page.status_code == 200
    assert "Week of 25 Feb 2030" in page.content.decode()  # the clock's week


@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
def test_a_shift_in_a_year_a_rota_cannot_hold_is_refused_with_a_clear_error(
    early, supervisor_client, ngo, asha, field
):
    times = {"starts_at": "2030-03-04T08:00", "ends_at": "2030-03-04T20:00"}
    times[field] = "9999-12-31T23:00"
    response = supervisor_client.post(
        f"/network/partners/{ngo.pk}/rota/shifts/",
        {f"shift-{name}": value for name, value in times.items()}
        | {"shift-responder": asha.pk, "shift-position": "1"},
    )
    assert response.status_code == 400
    assert "Choose a date between 2000 and 2100." in response.content.decode()
    assert not RotaShift.objects.exists()


def test_a_weekly_pattern_starting_in_a_year_a_rota_cannot_hold_is_refused(
    early, supervisor_client, ngo, ravi
):
    response = supervisor_client.post(
        f"/network/partners/{ngo.pk}/rota/weekly/",
        {
            "weekly-responder": ravi.pk,
            "weekly-weekdays": ["0"],
            "weekly-start_time": "08:00",
            "weekly-end_time": "20:00",
            "weekly-first_day": "9999-12-31",
            "weekly-weeks": "4",
            "weekly-position": "1",
        },
    )
    assert response.status_code == 400
    assert "Choose a date between 2000 and 2100." in response.content.decode()
    assert not RotaShift.objects.exists()
