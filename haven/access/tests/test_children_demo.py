"""The demo's access policies: a school and two families with guardians who can sign
in, five children, three requests to unblock and two alerts, seeded once."""

from conftest import STRONG_PASSWORD, verified_client
from haven.access.forms_children import child_age
from haven.access.models import AdultAlert, ChildProfile, Policy, UnblockRequest
from haven.accounts.models import User
from haven.demo.access import ACCESS_DEMO_LOGINS, CHILDREN, seed_access


def test_the_demo_has_a_school_two_families_and_their_guardians(organisation):
    seed_access(organisation, STRONG_PASSWORD)
    kinds = sorted(Policy.objects.filter(organisation=organisation).values_list("kind", "name"))
    assert kinds == [
        ("family", "The Brennan family"),
        ("family", "The Okafor family"),
        ("organisation", organisation.name),
        ("school", "Hillside Primary"),
    ]
    for username, _description in ACCESS_DEMO_LOGINS:
        user = User.objects.get(username=username)
        assert user.is_guardian and user.check_password(STRONG_PASSWORD)
        assert user.guarded_policies.count() == 1
    assert Policy.objects.get(name="Hillside Primary").rules.exists()


def test_the_demo_children_have_the_ages_and_flags_it_describes(organisation):
    seed_access(organisation, STRONG_PASSWORD)
    children = {child.label: child for child in ChildProfile.objects.all()}
    assert len(children) == 5
    for spec in CHILDREN:
        assert child_age(children[spec.label]) == spec.age
    assert any(child.vulnerabilities for child in children.values())
    assert sum(bool(child.monitored_by) for child in children.values()) == 3


def test_the_demo_has_one_request_of_each_answer_and_two_alerts(organisation, client):
    seed_access(organisation, STRONG_PASSWORD)
    statuses = sorted(UnblockRequest.objects.values_list("status", flat=True))
    assert statuses == ["approved", "declined", "pending"]
    assert all(r.rule_ids and r.action for r in UnblockRequest.objects.all())
    assert AdultAlert.objects.count() == 2
    # The Okafor parent sees Tobi's waiting request and alert; not the Brennans'.
    parent = verified_client(client, User.objects.get(username="demo-parent"))
    requests = parent.get("/access/requests/").content.decode()
    assert "The trenches" in requests and "Hollow House" not in requests
    alerts = parent.get("/access/alerts/").content.decode()
    assert "Tobi" in alerts and "Cat" not in alerts


def test_seeding_twice_changes_nothing(organisation):
    seed_access(organisation, STRONG_PASSWORD)
    seed_access(organisation, STRONG_PASSWORD)
    assert ChildProfile.objects.count() == 5 and UnblockRequest.objects.count() == 3
