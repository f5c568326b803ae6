"""The policy editor: the matrix shows every cell, an editor's changes are saved cell by
cell, versioned and audited, and Haven's locked and protect rules cannot be undone."""

import re

import pytest

from haven.access.catalogue import AGE_BANDS, DESCRIPTORS
from haven.access.default_policy import DEFAULT_RULES
from haven.access.models import Policy, PolicyRule
from haven.access.service import decide_request
from haven.audit.models import AuditEvent

CELL = "cell:violence:realistic_mild:10-12"  # Haven's default: allow with guidance


def matrix_url(policy) -> str:
    return f"/access/policies/{policy.pk}/"


def save(client, policy, cells: dict[str, str], context: str = "", version=None):
    data = {"context": context, "version": policy.version if version is None else version}
    return client.post(matrix_url(policy), {**data, **cells})


def decision(policy, age=11, context="home", descriptors=None) -> dict:
    return decide_request(
        policy.organisation,
        {
            "policy": policy.public_id,
            "profile": {"age": age},
            "context": context,
            "content": {"descriptors": descriptors or {"violence": "realistic_mild"}},
        },
    )


# --- The matrix ---------------------------------------------------------------------------


def test_the_matrix_shows_every_descriptor_level_and_age_band(
    supervisor_client, family_policy, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = supervisor_client.get(matrix_url(family_policy))
    body = response.content.decode()
    assert response.status_code == 200
    for descriptor in DESCRIPTORS:
        assert f'id="d-{descriptor.key}"' in body
        for level in descriptor.levels:
            for band in AGE_BANDS:
                assert f'id="c-{descriptor.key}-{level.key}-{band.key}-cell"' in body
    cells = sum(len(d.levels) for d in DESCRIPTORS) * len(AGE_BANDS)
    assert body.count('class="mcell') == cells
    assert "Save changes" in body


def test_each_cell_shows_its_action_in_words_and_the_legend_explains_them(
    supervisor_client, family_policy
):
    body = supervisor_client.get(matrix_url(family_policy)).content.decode()
    cell = _cell_html(body, "violence", "realistic_intense", "0-5")
    assert 'class="act act-block">Block<' in cell
    assert "Blurred, or a page before it: the child may go on." in body  # the key
    assert "A trusted adult must approve it first." in body


def test_locked_cells_show_the_rule_and_have_nothing_to_choose(supervisor_client, family_policy):
    body = supervisor_client.get(matrix_url(family_policy)).content.decode()
    cell = _cell_html(body, "sexual", "explicit", "16-17")
    assert 'Locked</span> <a href="/access/rules/#rule-OSA-PPC-1"' in cell
    assert "<select" not in cell


def test_protected_cells_show_the_rule_that_caps_them(supervisor_client, family_policy):
    body = supervisor_client.get(matrix_url(family_policy)).content.decode()
    cell = _cell_html(body, "self_harm", "discussed", "13-15")
    assert "#rule-HVN-PROTECT-8" in cell
    options = re.findall(r'<option value="([a-z_]*)"', cell)
    assert options == ["", "allow", "allow_with_guidance", "warn"]  # never above the cap


def test_a_vulnerable_child_preview_shows_the_safeguards_read_only(
    supervisor_client, family_policy
):
    url = f"{matrix_url(family_policy)}?vulnerabilities=contact_risk"
    body = supervisor_client.get(url).content.decode()
    cell = _cell_html(body, "grooming", "likely", "13-15")
    assert 'class="act act-block">Block<' in cell and "#rule-HVN-VUL-6" in cell
    assert 'name="cell:' not in body and "Save changes" not in body
    assert "this is a preview" in body


# --- Saving -------------------------------------------------------------------------------


def test_saving_a_change_creates_the_rule_bumps_the_version_and_the_next_decision_changes(
    supervisor_client, supervisor, family_policy
):
    assert decision(family_policy)["action"] == "allow_with_guidance"
    response = save(supervisor_client, family_policy, {CELL: "restrict"})
    assert response.status_code == 302
    assert response["Location"] == matrix_url(family_policy)
    rule = PolicyRule.objects.get(policy=family_policy)
    assert (rule.descriptor, rule.level, rule.age_band, rule.context, rule.action) == (
        "violence",
        "realistic_mild",
        "10-12",
        "",
        "restrict",
    )
    assert rule.created_by == supervisor
    family_policy.refresh_from_db()
    assert family_policy.version == 2
    after = decision(family_policy)
    assert after["action"] == "restrict"
    assert after["policy"]["version"] == 2
    decisive = [reason for reason in after["reasons"] if reason["decisive"]]
    assert [reason["rule"] for reason in decisive] == [
        f"{family_policy.public_id}:violence/realistic_mild/10-12"
    ]


def test_a_saved_cell_is_marked_changed_with_what_it_inherits(supervisor_client, family_policy):
    supervisor_client.post(matrix_url(family_policy), {CELL: "block", "version": 1})
    response = supervisor_client.get(matrix_url(family_policy))
    body = response.content.decode()
    assert "Saved 1 change. Decisions use it from now on (version 2)." in body
    cell = _cell_html(body, "violence", "realistic_mild", "10-12")
    assert "is-changed" in cell and "Changed here" in cell
    assert "inherits Guidance" in cell
    assert '<option value="block" selected>' in cell


def test_only_the_changed_cells_are_saved(supervisor_client, family_policy):
    # The whole matrix is posted, every list at "inherit" but one.
    body = supervisor_client.get(matrix_url(family_policy)).content.decode()
    names = re.findall(r'<select id="[^"]+" name="([^"]+)"', body)
    assert len(names) > 150  # all but the locked and fully protected cells
    cells = dict.fromkeys(names, "")
    cells["cell:gambling:simulated:13-15"] = "block"
    save(supervisor_client, family_policy, cells)
    assert list(PolicyRule.objects.values_list("descriptor", "level", "age_band", "action")) == [
        ("gambling", "simulated", "13-15", "block")
    ]
    assert AuditEvent.objects.filter(action="access.rule.set").count() == 1


def test_clearing_a_cell_back_to_inherit_deletes_the_rule(supervisor_client, family_policy):
    save(supervisor_client, family_policy, {CELL: "block"})
    family_policy.refresh_from_db()
    response = save(supervisor_client, family_policy, {CELL: ""})
    assert response.status_code == 302
    assert not PolicyRule.objects.exists()
    family_policy.refresh_from_db()
    assert family_policy.version == 3
    assert decision(family_policy)["action"] == "allow_with_guidance"


def test_a_change_in_one_context_applies_in_that_context_only(supervisor_client, family_policy):
    response = save(supervisor_client, family_policy, {CELL: "block"}, context="school")
    assert response["Location"] == f"{matrix_url(family_policy)}?context=school"
    assert PolicyRule.objects.get().context == "school"
    assert decision(family_policy, context="school")["action"] == "block"
    assert decision(family_policy, context="home")["action"] == "allow_with_guidance"
    anywhere = supervisor_client.get(matrix_url(family_policy)).content.decode()
    assert "is-changed" not in _cell_html(anywhere, "violence", "realistic_mild", "10-12")
    at_school = supervisor_client.get(f"{matrix_url(family_policy)}?context=school")
    assert "Changed here" in _cell_html(
        at_school.content.decode(), "violence", "realistic_mild", "10-12"
    )


def test_an_any_context_change_shows_in_every_context(supervisor_client, family_policy):
    save(supervisor_client, family_policy, {CELL: "block"})
    body = supervisor_client.get(f"{matrix_url(family_policy)}?context=home").content.decode()
    cell = _cell_html(body, "violence", "realistic_mild", "10-12")
    assert "Changed here (any context)" in cell
    assert '<option value="" selected>Inherit: Block</option>' in cell  # none of its own at home


def test_saving_nothing_changes_nothing(supervisor_client, family_policy):
    response = save(supervisor_client, family_policy, {CELL: ""}, context="")
    assert response.status_code == 302
    family_policy.refresh_from_db()
    assert family_policy.version == 1
    assert not AuditEvent.objects.filter(action__startswith="access.rule").exists()


def test_a_locked_cell_is_refused_with_the_rule_that_locks_it(supervisor_client, family_policy):
    response = save(
        supervisor_client,
        family_policy,
        {"cell:sexual:explicit:16-17": "allow", CELL: "block"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "cannot be set below Block: rule OSA-PPC-1" in body
    assert "UK Online Safety Act 2023, s.61" in body
    assert 'href="#c-sexual-explicit-16-17-cell"' in body
    assert not PolicyRule.objects.exists()  # nothing saved, not even the good cell
    family_policy.refresh_from_db()
    assert family_policy.version == 1
    # The editor's other choice is still there to save again.
    assert '<option value="block" selected>' in _cell_html(
        body, "violence", "realistic_mild", "10-12"
    )


def test_a_protected_cell_cannot_be_blocked(supervisor_client, family_policy):
    response = save(
        supervisor_client, family_policy, {"cell:self_harm:recovery_support:13-15": "block"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "HVN-PROTECT-1" in body and "Help is never blocked" in body
    assert not PolicyRule.objects.exists()


def test_a_protected_cell_can_still_be_set_at_or_below_its_cap(supervisor_client, family_policy):
    save(supervisor_client, family_policy, {"cell:self_harm:discussed:13-15": "warn"})
    assert PolicyRule.objects.get().action == "warn"


def test_a_stale_form_is_not_saved_over_someone_elses_change(supervisor_client, family_policy):
    response = save(supervisor_client, family_policy, {CELL: "block"}, version=0)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone changed this policy while you were editing it" in body
    assert not PolicyRule.objects.exists()
    assert '<option value="block" selected>' in _cell_html(
        body, "violence", "realistic_mild", "10-12"
    )
    assert f'name="version" value="{family_policy.version}"' in body


def test_unknown_cells_and_actions_are_ignored(supervisor_client, family_policy):
    response = save(
        supervisor_client,
        family_policy,
        {"cell:violence:nonsense:10-12": "block", CELL: "nonsense", "cell:x": "block"},
    )
    assert response.status_code == 302
    assert not PolicyRule.objects.exists()


# --- Audit --------------------------------------------------------------------------------


def test_every_change_is_audited_without_personal_data(
    supervisor_client, supervisor, family_policy
):
    save(supervisor_client, family_policy, {CELL: "block", "cell:gore:mild:6-9": "block"})
    family_policy.refresh_from_db()
    save(supervisor_client, family_policy, {CELL: ""})
    events = AuditEvent.objects.filter(action__startswith="access.rule").order_by("pk")
    assert [(e.action, e.detail) for e in events] == [
        (
            "access.rule.set",
            {
                "descriptor": "violence",
                "level": "realistic_mild",
                "band": "10-12",
                "context": "",
                "to": "block",
                "was": None,
            },
        ),
        (
            "access.rule.set",
            {
                "descriptor": "gore",
                "level": "mild",
                "band": "6-9",
                "context": "",
                "to": "block",
                "was": None,
            },
        ),
        (
            "access.rule.clear",
            {
                "descriptor": "violence",
                "level": "realistic_mild",
                "band": "10-12",
                "context": "",
                "was": "block",
            },
        ),
    ]
    assert all(e.actor == supervisor and e.target_id == str(family_policy.pk) for e in events)
    assert all(e.organisation_id == family_policy.organisation_id for e in events)


# --- Rules and home -----------------------------------------------------------------------


def test_the_rules_page_lists_every_default_rule_with_an_anchor(analyst_client):
    body = analyst_client.get("/access/rules/").content.decode()
    for rule in DEFAULT_RULES:
        assert f'id="rule-{rule.id}"' in body
    assert "UK Online Safety Act 2023, s.61" in body
    assert body.count('<span class="tag">Locked</span>') == sum(
        1 for rule in DEFAULT_RULES if rule.locked
    )


def test_the_home_page_lists_the_policies_and_the_other_pages(supervisor_client, family_policy):
    body = supervisor_client.get("/access/").content.decode()
    assert "The Okafor family" in body and "Northern Hotline" in body
    assert "New school or family policy" in body
    for url in ("/access/rules/", "/access/test/", "/access/children/", "/access/requests/"):
        assert f'href="{url}"' in body


def test_the_tester_link_opens_the_guardians_own_policy(guardian_client, family_policy):
    response = guardian_client.get("/access/test/")
    assert response["Location"] == f"/access/policies/{family_policy.pk}/test/"


def test_the_tester_link_opens_the_organisations_policy_for_staff(analyst_client, org_policy):
    response = analyst_client.get("/access/test/")
    assert response["Location"] == f"/access/policies/{org_policy.pk}/test/"


def test_the_organisation_policy_is_made_on_first_visit(analyst_client, organisation):
    assert not Policy.objects.exists()
    body = analyst_client.get("/access/").content.decode()
    assert Policy.objects.get().kind == Policy.Kind.ORGANISATION
    assert "Northern Hotline" in body


def _cell_html(body: str, descriptor: str, level: str, band: str) -> str:
    start = body.index(f'id="c-{descriptor}-{level}-{band}-cell"')
    return body[start : body.index("</td>", start)]


@pytest.fixture(autouse=True)
def _fresh_compiled_policies():
    from haven.access.compiled import clear_cache

    clear_cache()
    yield
    clear_cache()


def test_a_guardians_home_page_leads_with_waiting_requests_and_unseen_alerts(
    guardian_client, child
):
    from haven.access.models import AdultAlert, UnblockRequest

    UnblockRequest.objects.create(
        organisation=child.organisation,
        profile=child,
        policy=child.policy,
        content_ref="https://example.org/page",
        content_key="0" * 64,
        action="restrict",
    )
    AdultAlert.objects.create(
        organisation=child.organisation, profile=child, categories=["grooming"]
    )

    page = guardian_client.get("/access/").content.decode()

    assert "A child is waiting for your answer" in page
    assert "One alert about a child has not been seen yet" in page
