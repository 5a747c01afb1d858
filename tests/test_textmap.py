"""A CharMap gives exactly what str.translate gives with its table, on real report text."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.extract import charts, project_prose, textnorm
from etl.readers import cleanup, places
from etl.textmap import CharMap
from etl.vocab import performance

ROOT = Path(__file__).resolve().parents[1]
TEXTS = sorted((ROOT / "samples" / "reports" / "txt").glob("*.txt"))[:2]
# every map the readers and extraction use
MAPS = {
    "to_halfwidth": textnorm.to_halfwidth,
    "to_chart_form": charts.to_chart_form,
    "KEY_DROP": project_prose.KEY_DROP,
    "LINE_BREAKS": project_prose.LINE_BREAKS,
    "CORNER_QUOTES": cleanup.CORNER_QUOTES,
    "MATCHING_FORM": places.MATCHING_FORM,
    "HALF_TO_FULL": performance.HALF_TO_FULL,
}


@pytest.mark.parametrize("name", sorted(MAPS))
def test_a_map_gives_what_translate_gives(name: str) -> None:
    mapped = MAPS[name]
    table = mapped.table
    changed = 0
    for path in TEXTS:
        text = path.read_text(encoding="utf-8")
        # every char the map changes, in Chinese text, alone, at the ends and doubled
        probes = [text, *text.splitlines()]
        probes += [f"{chr(k)}一{chr(k)}{chr(k)}" for k in table]
        for probe in probes:
            assert mapped(probe) == probe.translate(table)
            changed += mapped(probe) != probe
    assert changed > 0


def test_a_replacement_that_is_replaced_again_is_refused() -> None:
    with pytest.raises(ValueError):
        CharMap(str.maketrans("ab", "bc"))  # a -> b -> c would chain
