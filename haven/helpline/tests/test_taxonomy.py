"""The categories, actions and age bands contacts are recorded and reported in."""

import pytest

from haven.helpline import taxonomy


def test_every_area_of_the_child_helpline_framework_is_there():
    assert list(taxonomy.AREAS) == [
        "violence",
        "mental_health",
        "physical_health",
        "access_to_services",
        "discrimination",
        "relationships",
        "education",
        "sexuality",
        "missing",
        "non_counselling",
    ]


@pytest.mark.parametrize(
    "code",
    [
        "violence.physical",
        "violence.sexual",
        "violence.emotional",
        "violence.neglect",
        "violence.online_sexual_exploitation",
        "violence.child_marriage",
        "violence.child_labour",
        "violence.trafficking",
        "violence.bullying",
        "mental_health.anxiety",
        "mental_health.depression",
        "mental_health.self_harm",
        "mental_health.suicidal_thoughts",
        "mental_health.eating",
        "mental_health.substance_use",
        "missing.runaway",
        "missing.lost",
        "missing.abducted",
        "non_counselling.information",
        "non_counselling.test_call",
        "non_counselling.silent",
        "non_counselling.abusive",
        "non_counselling.wrong_number",
    ],
)
def test_the_sub_categories_helplines_report_exist(code):
    assert taxonomy.is_category(code)
    assert code in taxonomy.SUBCATEGORIES


def test_every_area_has_a_sub_category_for_what_fits_nowhere_else():
    for area in taxonomy.AREAS:
        assert f"{area}.other" in taxonomy.CATEGORIES


def test_an_area_alone_is_not_a_category_a_contact_can_be_recorded_with():
    assert not taxonomy.is_category("violence")
    assert not taxonomy.is_category("violence.made_up")


def test_labels_read_as_words_and_an_unknown_code_reads_as_itself():
    assert taxonomy.label("violence.physical") == "Physical violence"
    assert taxonomy.label("violence") == "Violence and abuse"
    assert taxonomy.label("referred") == "Referred to a service"
    assert taxonomy.full_label("missing.runaway") == "Missing children: Ran away from home or care"
    assert taxonomy.label("withdrawn.code") == "withdrawn.code"


def test_category_choices_are_grouped_by_area_for_a_form():
    choices = taxonomy.category_choices()
    assert choices[0][0] == "Violence and abuse"
    violence = dict(choices[0][1])
    assert violence["violence.child_labour"] == "Child labour"
    flat = [code for _, options in choices for code, _ in options]
    assert flat == taxonomy.SUBCATEGORIES
    assert len(flat) == len(set(flat))


def test_the_actions_include_what_counsellors_do():
    for code in (
        "counselling",
        "information",
        "referred",
        "emergency",
        "case_opened",
        "called_back",
    ):
        assert code in taxonomy.ACTIONS


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (None, "unknown"),
        (-1, "unknown"),
        (0, "0-6"),
        (6, "0-6"),
        (7, "7-9"),
        (9, "7-9"),
        (10, "10-12"),
        (12, "10-12"),
        (13, "13-15"),
        (15, "13-15"),
        (16, "16-17"),
        (17, "16-17"),
        (18, "18+"),
        (24, "18+"),
    ],
)
def test_ages_fall_in_the_reporting_bands(age, band):
    assert taxonomy.age_band(age) == band


def test_the_bands_are_listed_in_reporting_order():
    assert taxonomy.AGE_BANDS == ["0-6", "7-9", "10-12", "13-15", "16-17", "18+", "unknown"]
