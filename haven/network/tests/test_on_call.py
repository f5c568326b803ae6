"""Who is alerted for a district at a moment: `rota.on_call`."""

from datetime import UTC, datetime, timedelta

import pytest

from haven.network.models import District, Responder, ServicePartner
from haven.network.rota import on_call
from haven.network.tests.helpers import shift

NOON = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


def test_responders_are_ordered_by_position_then_shift_start_then_partner_name(
    pune, ngo, police, asha, ravi, inspector
):
    # Position first: the backup of the NGO comes after the police's first.
    shift(ravi, NOON - timedelta(hours=1), position=2)
    shift(inspector, NOON - timedelta(hours=2), position=1)
    # Two at position 1: the earlier started shift first.
    shift(asha, NOON - timedelta(hours=3), position=1)
    assert on_call(pune, NOON) == [asha, inspector, ravi]


def test_at_the_same_position_and_start_the_partner_name_decides(
    pune, ngo, police, asha, inspector
):
    shift(inspector, NOON - timedelta(hours=1))
    shift(asha, NOON - timedelta(hours=1))
    # "Pune Police Juvenile Unit" sorts before "Saathi Trust".
    assert on_call(pune, NOON) == [inspector, asha]


def test_a_shift_covers_its_start_but_not_its_end(pune, asha, ravi):
    shift(asha, NOON - timedelta(hours=12), hours=12)  # ends at noon
    shift(ravi, NOON, hours=12)  # starts at noon
    assert on_call(pune, NOON) == [ravi]
    assert on_call(pune, NOON - timedelta(seconds=1)) == [asha]
    assert on_call(pune, NOON + timedelta(hours=12)) == []


def test_nobody_is_on_call_outside_every_shift(pune, asha):
    shift(asha, NOON, hours=2)
    assert on_call(pune, NOON - timedelta(minutes=1)) == []
    assert on_call(pune, NOON + timedelta(hours=3)) == []


def test_an_inactive_partner_is_never_alerted(pune, ngo, asha):
    shift(asha, NOON - timedelta(hours=1))
    ngo.active = False
    ngo.save()
    assert on_call(pune, NOON) == []


def test_a_partner_that_does_not_respond_to_emergencies_is_never_alerted(pune, ngo, asha):
    shift(asha, NOON - timedelta(hours=1))
    ngo.responds_to_emergencies = False
    ngo.save()
    assert on_call(pune, NOON) == []


def test_an_inactive_responder_is_skipped_and_the_next_one_alerted(pune, asha, ravi):
    shift(asha, NOON - timedelta(hours=1), position=1)
    shift(ravi, NOON - timedelta(hours=1), position=2)
    asha.active = False
    asha.save()
    assert on_call(pune, NOON) == [ravi]


def test_a_partner_not_covering_the_district_is_not_alerted_there(patna, pune, asha):
    shift(asha, NOON - timedelta(hours=1))
    assert on_call(patna, NOON) == []
    assert on_call(pune, NOON) == [asha]


def test_a_district_with_no_partner_has_nobody_on_call(organisation):
    lonely = District.objects.create(organisation=organisation, name="Gaya", code="gaya")
    assert on_call(lonely, NOON) == []


def test_another_organisations_partner_covering_a_same_named_district_is_not_alerted(
    other_organisation, other_district, pune
):
    theirs = ServicePartner.objects.create(organisation=other_organisation, name="Theirs")
    theirs.districts.set([other_district])
    responder = Responder.objects.create(
        partner=theirs, name="Their responder", phone="+4412345678"
    )
    shift(responder, NOON - timedelta(hours=1))
    assert on_call(pune, NOON) == []
    assert on_call(other_district, NOON) == [responder]


@pytest.mark.parametrize("position", [1, 2])
def test_a_responder_is_listed_once(pune, asha, position):
    shift(asha, NOON - timedelta(hours=1), position=position)
    assert on_call(pune, NOON) == [asha]
