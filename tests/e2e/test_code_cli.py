"""`eventwatch code` run as a user runs it: files, stdin, formats, bad input and exit codes."""

import json
import subprocess

ARTICLE = (
    "Russian troops shelled Kharkiv on Monday. Any NATO attack would be met with force, the Kremlin said. "
    "Officials said Russia could invade Moldova.\n"
)


def run(cli, *args, stdin=None):
    return subprocess.run([str(cli), "code", *args], input=stdin, capture_output=True, text=True, timeout=300)


def test_txt_file_to_jsonl_with_evidence(cli, tmp_path):
    path = tmp_path / "kharkiv.txt"
    path.write_text(ARTICLE)
    out = run(cli, str(path), "--date", "2022-03-02")
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert events and {e["doc_id"] for e in events} == {"kharkiv"}
    shelling = [e for e in events if e["plover"] == "ASSAULT"]
    assert shelling and shelling[0]["source"]["code"] == "RUSMIL" and shelling[0]["date"] == "2022-02-28"
    for e in events:
        assert ARTICLE[e["trigger"]["start"] : e["trigger"]["end"]] == e["trigger"]["text"]
        for key in ("sentence", "cameo", "cameo_root", "goldstein", "quad_class", "modality", "confidence", "rule"):
            assert key in e


def test_bad_jsonl_lines_are_named_and_the_rest_is_coded(cli, tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text(
        json.dumps({"id": "ok", "text": "Iran accused Israel of sabotage.", "date": "2021-04-12"}) + "\n"
        "{not json\n" + json.dumps({"id": "empty-record"}) + "\n"
    )
    out = run(cli, str(path), str(tmp_path / "missing.txt"))
    assert out.returncode == 1
    assert f"{path}:2: not valid JSON" in out.stderr
    assert f"{path}:3: record has no text" in out.stderr
    assert "missing.txt: no such file" in out.stderr
    assert "Traceback" not in out.stderr
    assert any(json.loads(line)["doc_id"] == "ok" for line in out.stdout.splitlines())


def test_binary_and_empty_inputs_fail_cleanly(cli, tmp_path):
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "empty.txt").write_text("")
    out = run(cli, str(tmp_path / "blob.txt"), str(tmp_path / "empty.txt"))
    assert out.returncode == 1 and "looks like binary data" in out.stderr and "is empty" in out.stderr
    assert "Traceback" not in out.stderr


def test_stdin_table_and_unreal_events(cli):
    out = run(cli, "-", "--format", "table", "--include-unreal", stdin=ARTICLE)
    assert out.returncode == 0, out.stderr
    assert "source" in out.stdout.splitlines()[0] and "hypo" in out.stdout


def test_csv_output_to_file(cli, tmp_path):
    target = tmp_path / "events.csv"
    out = run(cli, "-", "--format", "csv", "--output", str(target), stdin=ARTICLE)
    assert out.returncode == 0, out.stderr
    header = target.read_text().splitlines()[0].split(",")
    assert {"source_code", "target_code", "cameo", "trigger_start"} <= set(header)
