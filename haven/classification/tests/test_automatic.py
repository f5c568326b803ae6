"""Labels given without anyone looking: repeats of classified files and addresses, and
files matching a bank whose classification names labels."""

import pytest

from haven.classification import actions
from haven.classification.automatic import parse_bank_classification, reclassify_item
from haven.classification.models import Classification, Scheme
from haven.classification.services import classifications_for, classify, labels_of
from haven.classification.tests.support import add_image, add_url, make_report, submit
from haven.demo.synthetic import synthetic_jpeg
from haven.hashing.signals import md5_hex
from haven.matching.models import BankEntry, HashBank
from haven.reports.intake import HashSet, Upload
from haven.reports.models import MediaItem, MediaKind, MediaStatus, Status, Urgency


def closed_case_with_file(organisation, analyst, seed=1, labels=None):
    case = make_report(organisation)
    item, jpeg = add_image(case, seed, keep=False)
    classify(case, target=item, labels=labels or {"interpol": "baseline"}, by=analyst)
    close(case)
    return case, item, jpeg


def close(report) -> None:
    report.status = Status.CLOSED
    report.save()


def item_labels(item) -> dict[str, tuple[str, str]]:
    return {
        row.scheme.key: (row.label.key, row.source)
        for row in classifications_for(item.report).for_target(item)
    }


def test_a_file_classified_before_is_labelled_again_once_hashed_and_marked_known(
    organisation, analyst, django_capture_on_commit_callbacks
):
    _, _, jpeg = closed_case_with_file(
        organisation, analyst, labels={"interpol": "baseline", "age": "3-6"}
    )
    submission = submit(
        organisation,
        django_capture_on_commit_callbacks,
        category="bullying",
        uploads=[Upload("again.jpg", jpeg)],
    )
    report = submission.report
    report.refresh_from_db()
    item = report.media.get()
    assert item_labels(item) == {"interpol": ("baseline", "repeat"), "age": ("3-6", "repeat")}
    assert Classification.objects.filter(media_item=item, classified_by__isnull=False).count() == 0
    assert item.is_known_material
    assert item.match_label.startswith("Classified before (INTERPOL baseline: Baseline")
    assert report.urgency == Urgency.KNOWN_MATERIAL
    # The closed case is not joined: the repeat is a case of its own.
    assert report.status == Status.RECEIVED and report.duplicate_of is None


def test_a_file_classified_not_illegal_before_is_labelled_but_not_marked_known(
    organisation, analyst, django_capture_on_commit_callbacks
):
    _, _, jpeg = closed_case_with_file(organisation, analyst, labels={"interpol": "not_illegal"})
    submission = submit(
        organisation, django_capture_on_commit_callbacks, uploads=[Upload("a.jpg", jpeg)]
    )
    item = submission.report.media.get()
    assert item_labels(item) == {"interpol": ("not_illegal", "repeat")}
    assert not item.is_known_material


def test_hash_sets_classified_before_are_labelled_at_intake(
    organisation, analyst, django_capture_on_commit_callbacks
):
    _, earlier, _ = closed_case_with_file(organisation, analyst)
    submission = submit(
        organisation, django_capture_on_commit_callbacks, hashes=[HashSet(sha256=earlier.sha256)]
    )
    assert item_labels(submission.report.media.get()) == {"interpol": ("baseline", "repeat")}


def test_an_address_classified_before_is_labelled_again_in_any_spelling(
    organisation, analyst, django_capture_on_commit_callbacks
):
    case = make_report(organisation)
    address = add_url(case, "https://example.com/a/b?x=1")
    classify(
        case, target=address, labels={"interpol": "national", "content": "website"}, by=analyst
    )
    close(case)
    submission = submit(
        organisation,
        django_capture_on_commit_callbacks,
        urls=["HTTPS://Example.COM:443/a/%62?x=1#top"],
    )
    again = submission.report.urls.get()
    rows = classifications_for(submission.report).for_target(again)
    assert {(row.scheme.key, row.label.key, row.source) for row in rows} == {
        ("interpol", "national", "repeat"),
        ("content", "website", "repeat"),
    }


def test_the_latest_classification_is_the_one_repeated(organisation, analyst):
    closed_case_with_file(organisation, analyst, labels={"interpol": "national"})
    newer = make_report(organisation, status=Status.IN_REVIEW)
    newer_item, _ = add_image(newer, 1, keep=False)
    classify(newer, target=newer_item, labels={"interpol": "baseline"}, by=analyst)
    fresh = make_report(organisation)
    item, _ = add_image(fresh, 1, keep=False)
    reclassify_item(item)
    assert item_labels(item) == {"interpol": ("baseline", "repeat")}


def test_another_organisations_classification_is_never_copied(
    organisation, other_organisation, outsider, django_capture_on_commit_callbacks
):
    closed_case_with_file(other_organisation, outsider)
    submission = submit(
        organisation,
        django_capture_on_commit_callbacks,
        uploads=[Upload("a.jpg", synthetic_jpeg(1))],
    )
    assert not Classification.objects.filter(organisation=organisation).exists()
    assert not submission.report.media.get().is_known_material


def test_equal_md5_with_different_sha256_is_not_the_same_file(organisation, analyst):
    case = make_report(organisation)
    forged = MediaItem.objects.create(
        report=case,
        kind=MediaKind.HASHES,
        status=MediaStatus.HASHED,
        md5="1" * 32,
        sha256="a" * 64,
    )
    classify(case, target=forged, labels={"interpol": "not_illegal"}, by=analyst)
    close(case)
    new = make_report(organisation)
    item = MediaItem.objects.create(
        report=new,
        kind=MediaKind.HASHES,
        status=MediaStatus.HASHED,
        md5="1" * 32,
        sha256="b" * 64,
    )
    assert reclassify_item(item) == []
    md5_only = MediaItem.objects.create(
        report=new, kind=MediaKind.HASHES, status=MediaStatus.HASHED, md5="1" * 32
    )
    assert labels_of(reclassify_item(md5_only)) == {"interpol": "not_illegal"}


def test_a_bank_naming_labels_classifies_a_matching_file(
    organisation, supervisor, django_capture_on_commit_callbacks
):
    uk = Scheme.objects.get(key="uk")
    actions.save_settings(organisation, {uk.pk: (True, False, 20)}, supervisor)
    jpeg = synthetic_jpeg(5)
    bank = HashBank.objects.create(
        organisation=organisation, name="known", classification="interpol:baseline, uk:a, ncmec:a1"
    )
    BankEntry.objects.create(bank=bank, signal_type="md5", value=md5_hex(jpeg))
    submission = submit(
        organisation, django_capture_on_commit_callbacks, uploads=[Upload("k.jpg", jpeg)]
    )
    item = submission.report.media.get()
    # NCMEC classes are not in use here, so only the schemes in use are filled.
    assert item_labels(item) == {
        "interpol": ("baseline", "known_material"),
        "uk": ("a", "known_material"),
    }
    assert item.match_label == "interpol:baseline, uk:a, ncmec:a1"


def test_a_bank_with_a_free_text_classification_names_no_labels(
    organisation, django_capture_on_commit_callbacks
):
    jpeg = synthetic_jpeg(6)
    bank = HashBank.objects.create(
        organisation=organisation, name="known", classification="Known material (A)"
    )
    BankEntry.objects.create(bank=bank, signal_type="md5", value=md5_hex(jpeg))
    submission = submit(
        organisation, django_capture_on_commit_callbacks, uploads=[Upload("k.jpg", jpeg)]
    )
    assert submission.report.media.get().is_known_material
    assert not Classification.objects.exists()


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("interpol:baseline", {"interpol": "baseline"}),
        (" Interpol : Baseline ,uk:a", {"interpol": "baseline", "uk": "a"}),
        ("uk:a, uk:b", {"uk": "a"}),
        ("Known material (category A)", {}),
        ("note: see file, age:7-10", {"age": "7-10"}),
        ("", {}),
    ],
)
def test_bank_classifications_are_read_as_scheme_label_pairs(text, labels):
    assert parse_bank_classification(text) == labels
