"""What the project knows about the reports, kept as data files beside this module.

Each file here is read once by its own small loader module; the readers, the extractor, the
checks, the dashboard and the generator all take that knowledge from here and nowhere else.
"""

from pathlib import Path

VOCAB_DIR = Path(__file__).resolve().parent
