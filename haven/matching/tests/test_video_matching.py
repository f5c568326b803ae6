"""A reported video is matched against video entries by vPDQ's rule, end to end."""

from haven.audit.services import Actor
from haven.demo.synthetic import synthetic_mp4
from haven.hashing.media import hash_media
from haven.hashing.video import format_vpdq
from haven.matching.banks import Signal, add_entry, create_bank
from haven.reports.intake import ReportInput, Upload, submit_report
from haven.reports.models import Source


def report_video(organisation, capture, video: bytes):
    data = ReportInput(category="sexual_imagery", uploads=[Upload("clip.mp4", video)])
    with capture(execute=True):
        report = submit_report(organisation, Source.PUBLIC, data, Actor.public()).report
    return report.media.get()


def video_bank(organisation, video: bytes, **fields):
    actor = Actor.system("test")
    bank = create_bank(actor, organisation, "Known videos", "Known video", **fields)
    # Bank entries hold every frame; reported videos are hashed one frame a second.
    frames = format_vpdq(hash_media(video, "video", seconds_per_frame=0).vpdq)
    add_entry(actor, bank, Signal("vpdq", frames))
    return bank


def test_a_reported_copy_of_a_banked_video_is_labelled_with_its_share_of_frames(
    organisation, django_capture_on_commit_callbacks
):
    video = synthetic_mp4(seed=5, seconds=6, fps=5)
    video_bank(organisation, video)
    item = report_video(organisation, django_capture_on_commit_callbacks, video)
    assert item.vpdq.count("\n") == 6  # one frame a second
    [match] = item.matches.all()
    assert (match.signal_type, match.match_percent, match.distance) == ("vpdq", 100.0, 0)
    assert item.match_label == "Known video"


def test_a_different_video_does_not_match(organisation, django_capture_on_commit_callbacks):
    video_bank(organisation, synthetic_mp4(seed=5, seconds=6, fps=5))
    item = report_video(
        organisation, django_capture_on_commit_callbacks, synthetic_mp4(seed=9, seconds=6)
    )
    assert item.vpdq and not item.matches.exists() and item.match_label == ""


def test_a_bank_sets_the_share_of_the_reports_frames_that_must_match(
    organisation, django_capture_on_commit_callbacks
):
    known = synthetic_mp4(pictures=[500, 501, 502, 503, 504, 505])
    # Four of its seconds spliced with two seconds of something else: 4 of 6 frames.
    spliced = synthetic_mp4(pictures=[500, 501, 502, 503, 900, 901])
    video_bank(organisation, known, vpdq_match_percent=60)
    [match] = report_video(organisation, django_capture_on_commit_callbacks, spliced).matches.all()
    assert round(match.match_percent) == 67

    strict = organisation.banks.get()
    strict.vpdq_match_percent = 80  # vPDQ's own default
    strict.save()
    item = report_video(organisation, django_capture_on_commit_callbacks, spliced)
    assert not item.matches.exists()
