"""Review status of findings (已核实 / 误报 / 已整改 with a note), kept outside the warehouse.

A finding is known by a fingerprint of what it is about — its rule, the report (unit, year,
kind), its metric and the figures involved (stated, expected and the numbers its quotes
hold) — never by file path or row id, so a mark survives rebuilds and a change of the file
format a report was given in.  The store is a small JSON file written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

STATUSES = ("已核实", "误报", "已整改")
FIGURE = re.compile(r"\d+(?:\.\d+)?")


def _figure(value) -> str:
    """Given a stated/expected value (None allowed), return it as the fingerprint writes it."""
    return "" if value is None or value != value else f"{float(value):.2f}"


def fingerprint(
    rule: str, unit_id: str, fiscal_year: int, doc_kind: str, metric: str | None,
    stated, expected, evidence_json: str,
) -> str:  # fmt: skip
    """Given a finding's rule, report identity, metric, figures and evidence, return its key."""
    try:
        quotes = [e.get("quote", "") for e in json.loads(evidence_json or "[]")]
    except ValueError:
        quotes = []
    numbers = sorted({n for q in quotes for n in FIGURE.findall(q or "")})
    key = "\x1f".join(
        [rule, unit_id, str(int(fiscal_year)), doc_kind, metric if isinstance(metric, str) else "",
         _figure(stated),
         _figure(expected), " ".join(numbers)]
    )  # fmt: skip
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def load(path: Path) -> dict[str, dict]:
    """Given the store's path, return fingerprint -> {status, note, at}; {} when absent."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict) and v.get("status") in STATUSES}


def mark(path: Path, key: str, status: str | None, note: str = "", about: str = "") -> None:
    """Given the store, a fingerprint and a status (None clears it), write the mark atomically."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown review status {status!r}")
    data = load(path)
    if status is None:
        data.pop(key, None)
    else:
        at = datetime.now().replace(microsecond=0).isoformat()
        data[key] = {"status": status, "note": note.strip(), "at": at, "about": about}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
