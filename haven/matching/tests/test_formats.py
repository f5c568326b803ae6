"""Reading and writing hash list files: python-threatexchange's two formats and Haven's CSV.

Every hash here is random hex made up for the test.
"""

import io
import json

import pytest
from threatexchange.exchanges.impl.file_api import (
    FileCollaborationConfig,
    LocalFileSignalExchangeAPI,
)
from threatexchange.signal_type.md5 import VideoMD5Signal
from threatexchange.signal_type.pdq.signal import PdqSignal
from threatexchange.signal_type.sha256 import VideoSHA256Signal

from haven.matching.banks import Signal
from haven.matching.formats import FormatError, detect, read_lines, writer_for
from haven.matching.models import BankEntry

PDQ = "f" * 8 + "0" * 56
MD5 = "0123456789abcdef" * 2
SHA = "abcdef0123456789" * 4
FRAME_A, FRAME_B = "a" * 64, "b" * 64
VPDQ_LINES = f"0,100,{FRAME_A},0.000\n1,90,{FRAME_B},1.000\n"


def read(text: str, fmt: str = "auto") -> list[tuple[int, Signal | str]]:
    return list(read_lines(text.splitlines(), fmt))


def signals(text: str, fmt: str = "auto") -> list[Signal]:
    found = read(text, fmt)
    assert all(isinstance(outcome, Signal) for _, outcome in found), found
    return [outcome for _, outcome in found if isinstance(outcome, Signal)]


def errors(text: str, fmt: str = "auto") -> list[tuple[int, str]]:
    return [(number, outcome) for number, outcome in read(text, fmt) if isinstance(outcome, str)]


# -- te-file --------------------------------------------------------------------------


def test_a_te_file_maps_threatexchange_signal_type_names_to_ours():
    text = f"pdq {PDQ}\nvideo_md5 {MD5.upper()}\nvideo_sha256 {SHA}\nmd5 {MD5}\n"
    found = signals(text, "te-file")
    assert [(s.signal_type, s.value) for s in found] == [
        ("pdq", PDQ),
        ("md5", MD5),
        ("sha256", SHA),
        ("md5", MD5),
    ]


def test_a_te_file_vpdq_signal_is_threatexchanges_json_list_numbered_from_zero():
    # As python-threatexchange writes it: "pdq_hex,quality,timestamp", 3 significant digits.
    features = json.dumps([f"{FRAME_A},100,0.0", f"{FRAME_B},90,1.0", f"{FRAME_A},80,1.23e+02"])
    (signal,) = signals(f"vpdq {features}", "te-file")
    assert signal.signal_type == "vpdq"
    assert signal.value == VPDQ_LINES + f"2,80,{FRAME_A},123.000\n"


def test_every_malformed_te_file_line_is_reported_with_its_number_and_reading_goes_on():
    text = "\n".join(
        [
            "# a comment, then a blank line",
            "",
            f"url {PDQ}",
            f"pdq {'g' * 64}",
            f"video_md5 {MD5[:30]}",
            "pdq",
            "vpdq [not json",
            'vpdq ["abc,100"]',
            f"pdq {PDQ}",
        ]
    )
    assert errors(text, "te-file") == [
        (3, "unsupported signal type 'url'"),
        (4, "a pdq hash is 64 hexadecimal digits"),
        (5, "a md5 hash is 32 hexadecimal digits"),
        (6, "expected '<signal_type> <signal>'"),
        (7, "not vPDQ: broken JSON"),
        (8, "not vPDQ: frame 0 is not 'pdq_hex,quality,seconds'"),
    ]
    assert [number for number, outcome in read(text, "te-file") if isinstance(outcome, Signal)] == [
        9
    ]


def test_a_te_file_we_write_is_read_by_python_threatexchanges_file_exchange(tmp_path, db):
    entries = [
        BankEntry(signal_type="pdq", value=PDQ),
        BankEntry(signal_type="md5", value=MD5),
        BankEntry(signal_type="sha256", value=SHA),
    ]
    out = io.StringIO()
    writer = writer_for("te-file", out)
    for entry in entries:
        writer.write(entry)
    path = tmp_path / "hashes.txt"
    path.write_text(out.getvalue())
    api = LocalFileSignalExchangeAPI.for_collab(
        FileCollaborationConfig(name="c", filename=str(path))
    )
    (delta,) = list(api.fetch_iter([], None))
    assert set(delta.updates) == {("pdq", PDQ), ("video_md5", MD5), ("video_sha256", SHA)}
    assert PdqSignal.validate_signal_str(PDQ) == PDQ
    assert VideoMD5Signal.validate_signal_str(MD5) == MD5
    assert VideoSHA256Signal.validate_signal_str(SHA) == SHA


# -- te-csv ---------------------------------------------------------------------------


def test_a_te_csv_row_gives_collab_as_metadata_and_category_and_tags_as_labels():
    text = (
        "signal_type,signal_str,collab,category,tags\n"
        f"pdq,{PDQ},Sample Data,POSITIVE_CLASS,known_abuse series_12\n"
        f"video_md5,{MD5},,INVESTIGATION_SEED,\n"
    )
    first, second = signals(text)
    assert (first.signal_type, first.value) == ("pdq", PDQ)
    assert first.metadata == {"collab": "Sample Data"}
    assert first.labels == ["POSITIVE_CLASS", "known_abuse", "series_12"]
    assert (second.signal_type, second.metadata, second.labels) == (
        "md5",
        {},
        ["INVESTIGATION_SEED"],
    )


def test_a_te_csv_needs_no_header_and_its_vpdq_signal_is_quoted_json():
    features = json.dumps([f"{FRAME_A},100,0.0", f"{FRAME_B},90,1.0"]).replace('"', '""')
    text = f'vpdq,"{features}",c,POSITIVE_CLASS,a,b\n'
    assert errors(text, "te-csv") == [(1, "too many fields: expected 5")]
    (signal,) = signals(f'vpdq,"{features}",c,POSITIVE_CLASS,"a,b"\n', "te-csv")
    assert signal.value == VPDQ_LINES
    assert signal.labels == ["POSITIVE_CLASS", "a", "b"]


def test_every_malformed_te_csv_line_is_reported_with_its_number():
    text = "\n".join(
        [
            "signal_type,signal_str,collab,category,tags",
            f'pdq,"{PDQ},c,POSITIVE_CLASS,',
            f'pdq,"{PDQ}"x,c,POSITIVE_CLASS,',
            "pdq",
            "pdq,,c",
            f"text_tlsh,{PDQ},c,POSITIVE_CLASS,",
            f"pdq,{PDQ[:-1]}z,c,POSITIVE_CLASS,",
            f"pdq,{PDQ},c,POSITIVE_CLASS,",
        ]
    )
    assert errors(text) == [
        (2, "broken CSV quoting: unexpected end of data"),
        (3, "broken CSV quoting: ',' expected after '\"'"),
        (4, "missing fields: expected at least signal_type,signal_str"),
        (5, "missing fields: expected at least signal_type,signal_str"),
        (6, "unsupported signal type 'text_tlsh'"),
        (7, "a pdq hash is 64 hexadecimal digits"),
    ]


# -- Haven's csv ----------------------------------------------------------------------


def test_havens_csv_reads_note_labels_and_external_id_by_the_headers_names():
    text = (
        "value,signal_type,labels,note,external_id\n"
        f"{MD5},md5,series 1; urgent ;,seen in 2024,case-17\n"
        f'"{VPDQ_LINES.strip().replace(chr(10), ";")}",vpdq,,,\n'
    )
    first, second = signals(text)
    assert first == Signal("md5", MD5, note="seen in 2024", labels=["series 1", "urgent"],
                           external_id="case-17")  # fmt: skip
    assert (second.signal_type, second.value) == ("vpdq", VPDQ_LINES)


def test_every_malformed_havens_csv_line_is_reported_with_its_number():
    text = "\n".join(
        [
            "signal_type,value,note,labels,external_id",
            f"md5,{MD5},note",
            f"md5,{MD5},note,,id,extra",
            "md5,,note,,id",
            f'md5,"{MD5},note,,id',
            f"sha1,{MD5},,,",
            f"sha256,{MD5},,,",
            f"vpdq,0;100;{FRAME_A},,,",
            f"md5,{MD5},,,",
        ]
    )
    assert errors(text) == [
        (2, "missing fields: expected 5, found 3"),
        (3, "too many fields: expected 5, found 6"),
        (4, "missing the value"),
        (5, "broken CSV quoting: unexpected end of data"),
        (6, "unsupported signal type 'sha1'"),
        (7, "a sha256 hash is 64 hexadecimal digits"),
        (8, "not vPDQ: line 1: expected frame,quality,pdq_hex,seconds"),
    ]


def test_havens_csv_without_its_header_cannot_be_read():
    with pytest.raises(FormatError, match="header"):
        read(f"md5,{MD5},,,\n", "csv")


# -- detection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        (f"# exported\n\npdq {PDQ}\n", "te-file"),
        (f'vpdq ["{FRAME_A},100,0.0"]\n', "te-file"),
        (f"signal_type,signal_str,collab,category,tags\npdq,{PDQ},c,POSITIVE_CLASS,\n", "te-csv"),
        (f"video_md5,{MD5},c,POSITIVE_CLASS,a b\n", "te-csv"),
        (f"signal_type,value,note,labels,external_id\nmd5,{MD5},,,\n", "csv"),
        (f"nonsense\npdq {PDQ}\n", "te-file"),
    ],
)
def test_the_format_is_detected_from_the_first_lines(text, fmt):
    assert detect(text.splitlines()) == fmt


def test_a_file_in_no_known_format_is_refused_rather_than_guessed():
    with pytest.raises(FormatError, match="cannot tell the format"):
        detect(["hello world", "not, a, hash"])


# -- writing --------------------------------------------------------------------------


def write(fmt: str, entries: list[BankEntry], safe_bank: bool = False) -> str:
    out = io.StringIO()
    writer = writer_for(fmt, out, safe_bank)
    for entry in entries:
        writer.write(entry)
    return out.getvalue()


def video_entry() -> BankEntry:
    return BankEntry(signal_type="vpdq", value="0" * 64, frames=VPDQ_LINES)


def test_writers_give_each_format_as_python_threatexchange_and_haven_read_it(db):
    pdq = BankEntry(
        signal_type="pdq",
        value=PDQ,
        note="a, note",
        labels=["POSITIVE_CLASS", "series_1"],
        metadata={"collab": "Sample Data"},
        external_id="x-1",
    )
    features = json.dumps([f"{FRAME_A},100,0.000", f"{FRAME_B},90,1.000"])
    assert write("te-file", [pdq, video_entry()]) == f"pdq {PDQ}\nvpdq {features}\n"
    assert write("te-csv", [pdq]) == (
        f"signal_type,signal_str,collab,category,tags\n"
        f"pdq,{PDQ},Sample Data,POSITIVE_CLASS,series_1\n"
    )
    assert write("csv", [pdq, video_entry()]) == (
        "signal_type,value,note,labels,external_id\n"
        f'pdq,{PDQ},"a, note",POSITIVE_CLASS;series_1,x-1\n'
        f'vpdq,"0,100,{FRAME_A},0.000;1,90,{FRAME_B},1.000",,,\n'
    )


def test_a_te_csv_entry_without_a_category_is_a_positive_or_in_a_safe_bank_a_negative(db):
    entry = BankEntry(signal_type="md5", value=MD5, labels=["series_1"])
    assert write("te-csv", [entry]).splitlines()[1] == f"video_md5,{MD5},,POSITIVE_CLASS,series_1"
    assert (
        write("te-csv", [entry], safe_bank=True).splitlines()[1].endswith("NEGATIVE_CLASS,series_1")
    )


@pytest.mark.parametrize("fmt", ["te-file", "te-csv", "csv"])
def test_what_a_writer_writes_its_reader_reads_back(fmt, db):
    entries = [
        BankEntry(signal_type="pdq", value=PDQ, labels=["POSITIVE_CLASS"]),
        BankEntry(signal_type="md5", value=MD5, labels=["POSITIVE_CLASS"]),
        BankEntry(signal_type="sha256", value=SHA, labels=["POSITIVE_CLASS"]),
        video_entry(),
    ]
    found = signals(write(fmt, entries), fmt)
    assert [(s.signal_type, s.value) for s in found] == [
        ("pdq", PDQ),
        ("md5", MD5),
        ("sha256", SHA),
        ("vpdq", VPDQ_LINES),
    ]
