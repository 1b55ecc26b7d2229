"""`eventwatch knowledge import-petrarch`: PETRARCH2 dictionaries become actor tables below the curated ones.
The fixture dictionaries (tests/fixtures/petrarch) are our own, with invented people."""

import subprocess
from pathlib import Path

import pytest

from eventwatch.coding.actors import ActorKB
from eventwatch.coding.petrarch import PetrarchError, display_name, import_petrarch

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures/petrarch"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("actors")
    return import_petrarch(FIXTURE, out), out


def test_counts_and_what_was_left_out(imported):
    summary, _ = imported
    assert (summary.people, summary.leader_rows, summary.organizations) == (2, 3, 1)
    assert summary.skipped_countries == 1  # a city as the country is no actor
    assert summary.skipped_known == 1  # Barack Obama is curated already
    assert summary.skipped_bad_roles == 1  # a seven-digit date
    assert summary.sector_words == 5  # beekeepman, beekeepwoman, river pilot(s), parliamentary clerk


def test_dated_roles_resolve_by_the_document_date(imported):
    _, out = imported
    kb = ActorKB.load(out)
    roles = {(e.code, e.start.isoformat() if e.start else None) for e in kb.names["Zoran Velikic"]}
    assert roles == {("SRBGOV", "2008-01-15"), ("SRBOPP", "2012-06-01")}
    assert [e.code for e in kb.names["Maria de la Cruz"]] == ["IGOUNO"]
    assert [e.code for e in kb.names["NHF"]] == ["SRBREB"]
    assert kb.sectors["river pilots"].sector == "LAB" and kb.sectors["parliamentary clerk"].sector == "GOV"


def test_curated_tables_come_first_and_test_dictionaries_are_skipped(imported):
    _, out = imported
    leaders = (out / "leaders.tsv").read_text()
    assert leaders.index("Barack Obama") < leaders.index("Imported from the PETRARCH2")
    assert leaders.count("Barack Obama\t") == 1
    assert "Gollum" not in (out / "organizations.tsv").read_text()


def test_names_read_as_people_write_them():
    assert display_name("ABDULLAH_BIN_ZAYED_") == "Abdullah bin Zayed"
    assert display_name("PLA") == "PLA"


def test_a_folder_without_dictionaries_is_a_clear_error(tmp_path):
    with pytest.raises(PetrarchError, match="no PETRARCH dictionaries"):
        import_petrarch(tmp_path, tmp_path / "out")


def test_the_command_then_codes_with_the_imported_actors(cli, tmp_path):
    out = tmp_path / "actors"
    done = subprocess.run([str(cli), "knowledge", "import-petrarch", str(FIXTURE), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "people: 2 (3 dated roles)" in done.stdout
    article = tmp_path / "visit.txt"
    article.write_text("Zoran Velikic criticised Croatia over the border dispute.\n")
    coded = subprocess.run([str(cli), "code", str(article), "--date", "2010-03-01", "--actors", str(out)],
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert coded.returncode == 0, coded.stderr
    assert '"code": "SRBGOV"' in coded.stdout


def test_the_command_names_a_bad_folder(cli, tmp_path):
    done = subprocess.run([str(cli), "knowledge", "import-petrarch", str(tmp_path), "-o", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1 and "no PETRARCH dictionaries" in done.stderr and "Traceback" not in done.stderr
