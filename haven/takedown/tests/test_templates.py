"""Notice templates: the built-in ones, organisations' own, safe rendering, and the
pages where supervisors edit them."""

import pytest
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.takedown import rendering
from haven.takedown.models import NoticeKind, NoticeTemplate
from haven.takedown.notice_templates import save_template

LANGUAGES = ["en", "fr", "es", "de", "nl"]
GOOD_BODY = "Please remove {{ url }}.\nAnswer: {{ reply_url }}\n"


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", NoticeKind.values)
def test_every_built_in_template_renders_what_was_found_and_how_to_answer(kind, language):
    template = NoticeTemplate.objects.get(organisation=None, kind=kind, language=language)
    context = rendering.sample_context()
    rendered = rendering.render(template, context)
    assert context["reference"] in rendered.subject
    for value in ("url", "reply_url", "reported_at", "checked_at", "classification"):
        assert context[value] in rendered.body, value
    for line in context["hashes"]:
        assert line in rendered.body
    assert "\n" not in rendered.subject and "{{" not in rendered.body


@pytest.mark.django_db
def test_a_first_notice_says_when_the_content_came_back():
    template = NoticeTemplate.objects.get(organisation=None, kind="first", language="en")
    back = rendering.render(template, rendering.sample_context() | {"reappeared": True})
    first = rendering.render(template, rendering.sample_context())
    assert "online again" in back.body and "online again" not in first.body


def test_languages_are_tried_in_order_then_their_base_then_english():
    assert rendering.language_candidates("pt-BR", "fr") == ["pt-br", "pt", "fr", "en"]
    assert rendering.language_candidates("", "nl") == ["nl", "en"]


def test_an_organisations_template_wins_over_the_built_in_one(organisation, supervisor):
    own = save_template(
        organisation, supervisor, kind="first", language="fr", subject="Retrait", body=GOOD_BODY
    )
    assert rendering.choose_template(organisation, "first", "fr") == own
    # Other languages and other organisations still get the built-in ones.
    assert rendering.choose_template(organisation, "first", "es").organisation is None
    assert rendering.choose_template(organisation, "reminder", "fr").organisation is None


def test_the_organisations_default_language_comes_before_english(organisation):
    organisation.language = "nl"
    assert rendering.choose_template(organisation, "first", "sv").language == "nl"
    assert rendering.choose_template(None, "first", "sv").language == "en"


@pytest.mark.parametrize(
    "body, message",
    [
        ("{% load static %}{{ url }} {{ reply_url }}", "not allowed"),
        ("{% include 'base.html' %}{{ url }} {{ reply_url }}", "not allowed"),
        ("{% extends 'base.html' %}{{ url }} {{ reply_url }}", "not allowed"),
        ("{% debug %}{{ url }} {{ reply_url }}", "not allowed"),
        ("{% url 'home' %}{{ url }} {{ reply_url }}", "not allowed"),
        ("{% if url %}{{ url }} {{ reply_url }}", "does not read as a template"),
        ("{{ url|nosuchfilter }} {{ reply_url }}", "does not read as a template"),
        ("Remove it please. {{ reply_url }}", "must include {{ url }}"),
        ("Remove {{ url }}.", "must include {{ reply_url }}"),
    ],
)
def test_templates_that_do_not_render_or_reach_outside_are_refused(body, message):
    with pytest.raises(rendering.TemplateRefused, match=message):
        rendering.validate("Subject", body)


def test_a_template_sees_strings_only_and_no_objects():
    # Nothing to walk from: an attribute of a string is empty, never a model or a file.
    rendered = rendering.render_text(
        "{{ url.report.organisation }}", "{{ url.report }} {{ url }}", {"url": "u"}
    )
    assert rendered.subject == "" and rendered.body.strip() == "u"


def test_plain_text_is_not_html_escaped():
    rendered = rendering.render_text("S", "{{ url }}", {"url": "https://x.example/?a=1&b=<2>"})
    assert rendered.body == "https://x.example/?a=1&b=<2>\n"


# --- The pages ------------------------------------------------------------------------


def test_supervisors_preview_a_template_on_the_sample_without_saving_it(supervisor_client):
    response = supervisor_client.post(
        reverse("takedown:template_new"),
        {
            "kind": "first",
            "language": "en",
            "subject": "Remove {{ reference }}",
            "body": GOOD_BODY,
            "preview": "1",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Remove TD-ABCDE-FGHJK" in html and "https://files.example.net/share/4f2a9c" in html
    assert not NoticeTemplate.objects.exclude(organisation=None).exists()


def test_supervisors_save_a_template_and_it_is_audited(supervisor_client, organisation):
    response = supervisor_client.post(
        reverse("takedown:template_new"),
        {"kind": "reminder", "language": "de", "subject": "Erinnerung", "body": GOOD_BODY},
    )
    assert response.status_code == 302
    template = NoticeTemplate.objects.get(organisation=organisation)
    assert (template.kind, template.language) == ("reminder", "de")
    assert AuditEvent.objects.get(action="takedown.template_saved").detail["created"] is True
    assert "Yours" in supervisor_client.get(reverse("takedown:templates")).content.decode()


def test_a_template_that_does_not_render_is_refused_with_the_reason(supervisor_client):
    response = supervisor_client.post(
        reverse("takedown:template_new"),
        {"kind": "first", "language": "en", "subject": "S", "body": "{% load i18n %}{{ url }}"},
    )
    assert response.status_code == 400
    assert "is not allowed in notices" in response.content.decode()
    assert not NoticeTemplate.objects.exclude(organisation=None).exists()


def test_a_new_template_starts_from_the_built_in_one(supervisor_client):
    response = supervisor_client.get(
        reverse("takedown:template_new"), {"kind": "reminder", "language": "es"}
    )
    assert "Recordatorio" in response.content.decode()


def test_editing_and_removing_your_template(supervisor_client, organisation, supervisor):
    own = save_template(
        organisation, supervisor, kind="first", language="en", subject="Old", body=GOOD_BODY
    )
    edit = reverse("takedown:template_edit", args=[own.pk])
    assert supervisor_client.get(edit).status_code == 200
    response = supervisor_client.post(
        edit, {"kind": "first", "language": "en", "subject": "New", "body": GOOD_BODY}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.subject == "New"
    supervisor_client.post(reverse("takedown:template_delete", args=[own.pk]))
    assert not NoticeTemplate.objects.filter(pk=own.pk).exists()
    assert AuditEvent.objects.filter(action="takedown.template_deleted").count() == 1


def test_two_templates_of_one_kind_and_language_are_refused(organisation, supervisor):
    save_template(
        organisation, supervisor, kind="first", language="en", subject="A", body=GOOD_BODY
    )
    from haven.triage.actions import InvalidInput

    with pytest.raises(InvalidInput, match="already have"):
        save_template(
            organisation, supervisor, kind="first", language="en", subject="B", body=GOOD_BODY
        )


def test_analysts_cannot_reach_the_template_pages(analyst_client, organisation, supervisor):
    own = save_template(
        organisation, supervisor, kind="first", language="en", subject="S", body=GOOD_BODY
    )
    for url in (
        reverse("takedown:templates"),
        reverse("takedown:template_new"),
        reverse("takedown:template_edit", args=[own.pk]),
    ):
        assert analyst_client.get(url).status_code == 403
    assert (
        analyst_client.post(reverse("takedown:template_delete", args=[own.pk])).status_code == 403
    )
    assert NoticeTemplate.objects.filter(pk=own.pk).exists()


def test_an_own_template_broken_outside_the_page_falls_back_to_the_built_in_one(
    report_url, analyst, organisation, world, clock
):
    from haven.takedown import services
    from haven.takedown.scheduler import run_due

    NoticeTemplate.objects.create(
        organisation=organisation, kind="first", language="en", subject="S", body="{% if %}"
    )
    services.open_takedown(report_url, analyst)
    run_due()
    notice, _ = world.sent[0]
    assert notice.subject.startswith("Request to remove child sexual abuse material")


# --- Only the variables notices have ------------------------------------------------------


@pytest.mark.django_db
def test_every_built_in_template_uses_only_the_variables_notices_have():
    for template in NoticeTemplate.objects.filter(organisation=None):
        assert rendering.unknown_variables(template.subject) == [], template
        assert rendering.unknown_variables(template.body) == [], template


@pytest.mark.parametrize(
    "body, unknown",
    [
        ("{{ unknown }}", ["unknown"]),
        ("{{ url|default:fallback }}", ["fallback"]),
        ("{% if reapeared %}again{% endif %}", ["reapeared"]),
        ("{% for line in hashes %}{{ line }}{{ forloop.counter }}{% endfor %}{{ line }}", ["line"]),
        ("{% with link=reply_url %}{{ link }}{% endwith %}", []),
        ("{% firstof host_name 'your service' as host %}{{ host }}", []),
        ("{% filter upper %}{{ organisation }}{% endfilter %}{{ True }}{{ 'text' }}", []),
        ("{{ url.anything }} {% if notices_sent > 1 and not reappeared %}x{% endif %}", []),
    ],
)
def test_variables_a_notice_does_not_have_are_found(body, unknown):
    assert rendering.unknown_variables(body) == unknown


def test_a_template_with_a_variable_notices_do_not_have_is_refused():
    with pytest.raises(rendering.TemplateRefused, match=r"\{\{ unknown \}\} is not a variable"):
        rendering.validate("Subject", GOOD_BODY + "{{ unknown }}")
    with pytest.raises(rendering.TemplateRefused, match="would print as nothing") as refused:
        rendering.validate("About {{ referense }}", GOOD_BODY)
    assert refused.value.field == "subject"


def test_the_template_page_lists_the_variables_and_refuses_others(supervisor_client):
    page = supervisor_client.get(reverse("takedown:template_new")).content.decode()
    assert "Variables you can use" in page
    for name in rendering.VARIABLES:
        assert "{{ " + name + " }}" in page
    response = supervisor_client.post(
        reverse("takedown:template_new"),
        {"kind": "first", "language": "en", "subject": "S", "body": GOOD_BODY + "{{ unknown }}"},
    )
    assert response.status_code == 400
    assert "{{ unknown }} is not a variable of notices" in response.content.decode()
    assert not NoticeTemplate.objects.exclude(organisation=None).exists()
