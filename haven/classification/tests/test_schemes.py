"""Built-in schemes, what an organisation uses by default, and supervisors' settings."""

import pytest
from django.urls import reverse

from conftest import verified_client
from haven.audit.models import AuditEvent
from haven.classification import actions, services
from haven.classification.models import AppliesTo, Label, Scheme, SchemeSetting
from haven.classification.services import all_schemes_for, classify, schemes_for
from haven.classification.tests.support import make_report
from haven.triage.actions import InvalidInput, InvalidTransition

SCHEMES = reverse("classification:schemes")


def keys(uses) -> list[str]:
    return [use.key for use in uses]


def test_the_built_in_schemes_and_their_labels_are_seeded(db):
    seeded = {
        scheme.key: [label.key for label in scheme.labels.all()]
        for scheme in Scheme.objects.filter(organisation=None)
    }
    assert seeded == {
        "interpol": ["baseline", "national", "not_illegal"],
        "uk": ["a", "b", "c"],
        "ncmec": ["a1", "a2", "b1", "b2"],
        "age": ["0-2", "3-6", "7-10", "11-13", "14-15", "16-17", "unclear"],
        "content": ["image", "video", "text", "url", "website"],
    }
    actionable = set(Label.objects.filter(actionable=True).values_list("scheme__key", "key"))
    assert actionable == {
        ("interpol", "baseline"),
        ("interpol", "national"),
        ("uk", "a"),
        ("uk", "b"),
        ("uk", "c"),
        ("ncmec", "a1"),
        ("ncmec", "a2"),
        ("ncmec", "b1"),
        ("ncmec", "b2"),
    }
    assert all(label.description for label in Label.objects.filter(scheme__key__in=["uk", "ncmec"]))


def test_an_organisation_that_chose_nothing_uses_interpol_age_and_content(organisation):
    assert keys(schemes_for(organisation)) == ["interpol", "age", "content"]
    assert keys(all_schemes_for(organisation)) == ["interpol", "uk", "ncmec", "age", "content"]
    assert not any(use.required for use in all_schemes_for(organisation))


def test_settings_enable_require_and_reorder_for_one_organisation_only(
    organisation, other_organisation, supervisor
):
    ids = {use.key: use.scheme.pk for use in all_schemes_for(organisation)}
    actions.save_settings(
        organisation,
        {ids["uk"]: (True, True, 5), ids["age"]: (False, False, 40)},
        supervisor,
    )
    uses = schemes_for(organisation)
    assert keys(uses) == ["uk", "interpol", "content"]
    assert uses[0].required
    assert keys(schemes_for(other_organisation)) == ["interpol", "age", "content"]
    event = AuditEvent.objects.get(action="classification.settings_changed")
    assert event.detail["changes"]["uk"]["after"] == {"enabled": True, "required": True, "order": 5}


def test_a_scheme_must_be_used_to_be_required(organisation, supervisor):
    uk = Scheme.objects.get(key="uk")
    with pytest.raises(InvalidInput):
        actions.save_settings(organisation, {uk.pk: (False, True, 20)}, supervisor)


def test_analysts_cannot_change_settings(organisation, analyst):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.save_settings(organisation, {}, analyst)


def test_an_organisation_makes_its_own_scheme_with_labels_and_uses_it(organisation, supervisor):
    scheme = actions.create_scheme(
        organisation, key="national", name="National law", applies_to=AppliesTo.ITEM, by=supervisor
    )
    actions.add_label(scheme, key="s184", name="Section 184", by=supervisor)
    actions.add_label(scheme, key="lawful", name="Lawful", actionable=False, order=1, by=supervisor)
    use = next(use for use in schemes_for(organisation) if use.key == "national")
    assert [label.key for label in use.labels] == ["s184", "lawful"]
    assert use.applies_to("item") and not use.applies_to("report")
    assert {e.action for e in AuditEvent.objects.all()} == {
        "classification.scheme_created",
        "classification.label_added",
    }


def test_own_scheme_keys_cannot_repeat_a_built_in_or_an_existing_key(organisation, supervisor):
    with pytest.raises(InvalidInput, match="built-in"):
        actions.create_scheme(organisation, key="interpol", name="Mine", by=supervisor)
    actions.create_scheme(organisation, key="mine", name="Mine", by=supervisor)
    with pytest.raises(InvalidInput, match="already"):
        actions.create_scheme(organisation, key="mine", name="Mine again", by=supervisor)
    with pytest.raises(InvalidInput):
        actions.create_scheme(organisation, key="Not a key!", name="Bad", by=supervisor)


def test_built_in_schemes_and_labels_cannot_be_edited(organisation, supervisor):
    from django.core.exceptions import PermissionDenied

    interpol = Scheme.objects.get(key="interpol")
    with pytest.raises(PermissionDenied):
        actions.update_scheme(interpol, name="Mine now", applies_to="both", by=supervisor)
    with pytest.raises(PermissionDenied):
        actions.add_label(interpol, key="extra", name="Extra", by=supervisor)
    with pytest.raises(PermissionDenied):
        actions.update_label(
            interpol.labels.get(key="baseline"),
            name="x",
            actionable=False,
            order=0,
            by=supervisor,
        )


def test_a_used_scheme_or_label_cannot_be_deleted_but_an_unused_one_can(
    organisation, supervisor, analyst
):
    scheme = actions.create_scheme(organisation, key="local", name="Local", by=supervisor)
    used = actions.add_label(scheme, key="yes", name="Yes", by=supervisor)
    spare = actions.add_label(scheme, key="no", name="No", by=supervisor)
    classify(make_report(organisation), labels={"local": "yes"}, by=analyst)
    with pytest.raises(InvalidTransition):
        actions.delete_scheme(scheme, supervisor)
    with pytest.raises(InvalidTransition):
        actions.delete_label(used, supervisor)
    actions.delete_label(spare, supervisor)
    unused = actions.create_scheme(organisation, key="unused", name="Unused", by=supervisor)
    actions.delete_scheme(unused, supervisor)
    assert not Scheme.objects.filter(pk=unused.pk).exists()


# --- Pages ------------------------------------------------------------------------------


def test_the_settings_page_lists_every_scheme_and_saves_choices(organisation, supervisor_client):
    page = supervisor_client.get(SCHEMES)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("INTERPOL baseline", "UK categories", "NCMEC industry classification"):
        assert name in html
    uses = all_schemes_for(organisation)
    data = {}
    for use in uses:
        pk = use.scheme.pk
        data[f"order_{pk}"] = use.order
        if use.key in ("interpol", "uk"):
            data[f"enabled_{pk}"] = "on"
        if use.key == "uk":
            data[f"required_{pk}"] = "on"
    response = supervisor_client.post(SCHEMES, data)
    assert response.status_code == 302
    assert keys(schemes_for(organisation)) == ["interpol", "uk"]
    assert SchemeSetting.objects.filter(organisation=organisation).count() == len(uses)


def test_a_refused_setting_is_shown_beside_its_field(organisation, supervisor_client):
    data = {f"order_{use.scheme.pk}": use.order for use in all_schemes_for(organisation)}
    uk = Scheme.objects.get(key="uk")
    response = supervisor_client.post(SCHEMES, {**data, f"required_{uk.pk}": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    # The message names the scheme, beside the box and in the summary that links to it.
    message = "UK categories can only be required while it is used: tick “Use UK categories” too."
    assert message in html
    assert f'<a href="#id_required_{uk.pk}">Require UK categories: {message}</a>' in html


def test_an_order_out_of_range_names_its_scheme(organisation, supervisor_client):
    data = {f"order_{use.scheme.pk}": use.order for use in all_schemes_for(organisation)}
    interpol = Scheme.objects.get(key="interpol")
    response = supervisor_client.post(SCHEMES, {**data, f"order_{interpol.pk}": "99999"})
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        f'<a href="#id_order_{interpol.pk}">The order of INTERPOL baseline is from 0 to 32767.</a>'
        in html
    )


def test_the_schemes_page_says_in_names_what_is_used_now(organisation, supervisor, analyst_client):
    html = analyst_client.get(SCHEMES).content.decode()
    assert (
        "Your organisation uses INTERPOL baseline, Apparent age and Content "
        "type: no supervisor has chosen yet, so these are the defaults." in html
    )
    state = html[html.index('id="schemes-state"') :]
    state = state[: state.index("</p>")]
    assert "None has to be filled in." in state and "interpol" not in state
    ids = {use.key: use.scheme.pk for use in all_schemes_for(organisation)}
    actions.save_settings(
        organisation,
        {ids["uk"]: (True, True, 5), ids["age"]: (False, False, 40)},
        supervisor,
    )
    html = analyst_client.get(SCHEMES).content.decode()
    assert "Your organisation uses UK categories, INTERPOL baseline and Content type." in html
    assert "UK categories must be filled in." in html and "defaults" not in html


def test_analysts_may_read_the_schemes_but_not_change_them(organisation, analyst_client):
    assert analyst_client.get(SCHEMES).status_code == 200
    assert analyst_client.post(SCHEMES, {}).status_code == 403
    assert analyst_client.get(reverse("classification:scheme_create")).status_code == 403


def test_a_supervisor_creates_a_scheme_and_its_labels_through_the_pages(
    organisation, supervisor_client
):
    response = supervisor_client.post(
        reverse("classification:scheme_create"),
        {"key": "national", "name": "National law", "description": "", "applies_to": "both"},
    )
    scheme = Scheme.objects.get(organisation=organisation, key="national")
    assert response.url == reverse("classification:label_create", args=[scheme.pk])
    response = supervisor_client.post(
        reverse("classification:label_create", args=[scheme.pk]),
        {"key": "illegal", "name": "Illegal here", "actionable": "on", "order": 0},
    )
    assert response.status_code == 302
    label = scheme.labels.get()
    supervisor_client.post(
        reverse("classification:label_edit", args=[label.pk]),
        {"name": "Illegal in this country", "order": 2},
    )
    label.refresh_from_db()
    assert (label.name, label.actionable, label.order) == ("Illegal in this country", False, 2)
    detail = supervisor_client.get(reverse("classification:scheme", args=[scheme.pk]))
    assert "national:illegal" in detail.content.decode()


def test_a_bad_scheme_form_comes_back_with_errors(supervisor_client):
    response = supervisor_client.post(
        reverse("classification:scheme_create"), {"key": "interpol", "name": "", "applies_to": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_name">Give the scheme a name.</a>' in html
    assert '<a href="#id_applies_to_0">Choose what the scheme classifies.</a>' in html


def test_built_ins_can_be_read_but_their_edit_pages_are_refused(supervisor_client):
    interpol = Scheme.objects.get(key="interpol")
    assert (
        supervisor_client.get(reverse("classification:scheme", args=[interpol.pk])).status_code
        == 200
    )
    for name, pk in (
        ("classification:scheme_edit", interpol.pk),
        ("classification:scheme_delete", interpol.pk),
        ("classification:label_create", interpol.pk),
        ("classification:label_edit", interpol.labels.first().pk),
        ("classification:label_delete", interpol.labels.first().pk),
    ):
        assert supervisor_client.get(reverse(name, args=[pk])).status_code == 403, name


def test_another_organisations_schemes_and_labels_are_not_found(
    organisation, other_organisation, supervisor, outsider_client
):
    scheme = actions.create_scheme(organisation, key="ours", name="Ours", by=supervisor)
    label = actions.add_label(scheme, key="x", name="X", by=supervisor)
    for name, pk in (
        ("classification:scheme", scheme.pk),
        ("classification:scheme_edit", scheme.pk),
        ("classification:scheme_delete", scheme.pk),
        ("classification:label_create", scheme.pk),
        ("classification:label_edit", label.pk),
        ("classification:label_delete", label.pk),
    ):
        url = reverse(name, args=[pk])
        assert outsider_client.get(url).status_code == 404, name
        if name != "classification:scheme":
            posted = outsider_client.post(url, {"name": "Theirs", "order": 0})
            assert posted.status_code == 404, name
    assert "Ours" not in outsider_client.get(SCHEMES).content.decode()
    scheme.refresh_from_db()
    assert scheme.name == "Ours"
    assert keys(schemes_for(other_organisation)) == ["interpol", "age", "content"]


def test_deleting_an_unused_scheme_through_its_page(organisation, supervisor, supervisor_client):
    scheme = actions.create_scheme(organisation, key="gone", name="Gone", by=supervisor)
    response = supervisor_client.post(reverse("classification:scheme_delete", args=[scheme.pk]))
    assert response.status_code == 302
    assert not Scheme.objects.filter(pk=scheme.pk).exists()


def test_defaults_are_one_function_that_names_the_schemes(db):
    assert services.DEFAULT_ENABLED == ("interpol", "age", "content")
    uk = Scheme.objects.get(key="uk")
    assert services.default_setting(uk) == (False, False, 20)


def test_partners_and_signed_out_visitors_cannot_see_the_schemes(client, partner):
    assert client.get(SCHEMES).status_code == 302
    assert verified_client(client, partner).get(SCHEMES).status_code == 403
