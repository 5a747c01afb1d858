"""Print the rule table generated from the declarations, or rewrite it in README.md."""

import sys
from pathlib import Path

import etl.checks  # noqa: F401  (imports every rule module, filling the registry)
from etl.checks.registry import readme_table, rewrite_readme

README = Path(__file__).resolve().parents[2] / "README.md"

if "--write-readme" in sys.argv:
    README.write_text(rewrite_readme(README.read_text(encoding="utf-8")), encoding="utf-8")
else:
    print(readme_table())
