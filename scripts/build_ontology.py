"""Rebuild src/eventwatch/data/ontology/cameo.tsv from the reference tables in ../shared/reference.

Run once when the references change: `python scripts/build_ontology.py ../shared/reference`.
The output merges the CAMEO code facts (name, Goldstein, QuadClass) with the PLOVER 2021 mapping,
filling codes the PLOVER table omits from their nearest listed parent. CAMEO 02 (APPEAL), which
PLOVER dropped, is mapped to REQUEST: PLOVER's REQUEST covers asking another actor for something.
"""

import csv
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/eventwatch/data/ontology/cameo.tsv"


def main(ref_dir: str) -> None:
    ref = Path(ref_dir)
    codes = []
    for line in (ref / "cameo_event_codes.tsv").read_text().splitlines():
        if line.startswith("#") or line.startswith("code\t") or not line.strip():
            continue
        code, name, goldstein, quad = line.split("\t")
        codes.append((code, name, float(goldstein), int(quad)))
    plover: dict[str, tuple[str, str, str]] = {}
    for line in (ref / "CAMEO2PLOVER-2021.txt").read_text().splitlines():
        m = re.match(r"^(\d{2,4}):\s*([^#]*)", line)
        if not m:
            continue
        parts = [p.strip() for p in m.group(2).split(",")] + ["", ""]
        plover[m.group(1)] = (parts[0], parts[1], parts[2])
    plover.setdefault("02", ("REQUEST", "", ""))
    with OUT.open("w", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["cameo", "name", "goldstein", "quad_class", "plover_type", "plover_mode", "plover_context"])
        for code, name, goldstein, quad in codes:
            p = next((plover[code[:n]] for n in (4, 3, 2) if code[:n] in plover and len(code) >= n), None)
            p_type, mode, context = p if p else ("", "", "")
            w.writerow([code, name, goldstein, quad, p_type, mode, context])
    print(f"wrote {OUT} ({len(codes)} codes)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference")
