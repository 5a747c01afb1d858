"""What the project knows about the reports, kept as data files beside this module.

Each file here is read once by its own small loader module; the readers, the extractor, the
checks, the dashboard and the generator all take that knowledge from here and nowhere else.
"""

import csv
from pathlib import Path

VOCAB_DIR = Path(__file__).resolve().parent


def read_rows(path: Path) -> list[dict[str, str]]:
    """Given a vocabulary CSV (lines starting with # are comments), return its rows."""
    lines = [
        line
        for line in path.read_text(encoding="utf-8-sig").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return list(csv.DictReader(lines))
