"""`eventwatch explain` run as a user runs it: a text, a file, JSON output, and a bad input."""

import json
import subprocess

TEXT = (
    "NAIROBI, Kenya (Wire) - Kenyan police arrested twelve protesters in Nairobi on Tuesday. "
    "The interior minister said they had blocked a highway. "
    "Police did not fire on the crowd."
)


def run(cli, *args):
    return subprocess.run([str(cli), "explain", *args], capture_output=True, text=True, timeout=300)


def test_explain_a_text_names_every_stage(cli):
    out = run(cli, TEXT, "--date", "2023-07-12")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "layout: dateline — NAIROBI, Kenya (Wire)" in text
    assert "registry: focus country KEN — from the dateline" in text
    assert "classify: lexicon 17_coerce:arrest" in text  # the lexicon entry that fired
    assert "classify: no event — the lexicon has no verb entry for 'say'" in text  # why none fired
    assert "roles: source — 'Kenyan police' -> KENCOP" in text  # the path that resolved a party
    assert "event: 173" in text
    assert "dropped (not real)" in text and "negated" in text  # "did not fire": dropped, with the reason


def test_explain_shows_the_phrase_that_set_the_time(cli):
    text = "Kenyan police arrested twelve protesters in Nairobi on Tuesday. Police shot two students there in 2017."
    out = run(cli, text, "--date", "2023-07-12")
    assert out.returncode == 0, out.stderr
    assert "time: date — 2023-07-11 (day), from 'Tuesday'; tense: past" in out.stdout
    assert "time: modality historical — because: dated 2017-01-01 by '2017'" in out.stdout


def test_explain_a_text_longer_than_a_file_name(cli):
    long_text = " ".join([TEXT] * 4)  # over 255 characters: no file name can be that long
    out = run(cli, long_text, "--date", "2023-07-12")
    assert out.returncode == 0, out.stderr
    assert "event: 173" in out.stdout


def test_explain_a_file_as_json(cli, tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(TEXT)
    out = run(cli, str(path), "--date", "2023-07-12", "--format", "json")
    assert out.returncode == 0, out.stderr
    explanation = json.loads(out.stdout)
    assert explanation["document_id"] == "article"
    sentences = explanation["sentences"]
    arrests = [e for s in sentences for e in s["events"] if e["cameo"].startswith("17")]
    assert arrests and arrests[0]["source"] == "KENCOP" and arrests[0]["date"] == "2023-07-11"
    assert any(step.startswith("roles: source") for step in arrests[0]["why"])


def test_explain_a_bad_file_says_so(cli, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("{not json\n")
    out = run(cli, str(path))
    assert out.returncode == 1
    assert f"{path}:1: not valid JSON" in out.stderr


def test_explain_names_the_word_sense_ruled_out_and_the_private_act_dropped(cli):
    text = "A diplomat, who asked not to be identified, said a woman had complained to her landlord."
    out = run(cli, text, "--date", "2023-07-12")
    assert out.returncode == 0, out.stderr
    assert "'ask' here is not an event of its entries (not_when complement=" in out.stdout
    assert "no party is a political actor" in out.stdout
