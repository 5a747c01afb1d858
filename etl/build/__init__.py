"""Build the DuckDB warehouse from report files: incremental, atomic and idempotent.

The build discovers input files and hashes them (inputs.py), carries over reports whose
file is unchanged (same sha256 and PARSER_VERSION) and plans the rest (plan.py: pure
functions), parses them in worker processes (pool.py: a file that overruns its time limit
or kills its worker fails alone), keeps one report per unit, fiscal year and kind
(plan.py), writes everything into a temporary file next to the target, runs
warehouse/data_tests.sql and only then replaces the target (writer.py).  A crash leaves
the old warehouse untouched and removes the temporary file.  Progress goes to a callback
(progress.py); run.py ties the parts together and resolves settings once.  cluster.py parses
on a Dask cluster instead of the local pool, checks.py re-checks only what changed, and
parquet.py writes the tables as Parquet partitioned by year and province.
"""

from etl.build.inputs import discover, file_sha256, precheck
from etl.build.model import (
    FMT_PRIORITY,
    SUPPORTED,
    UNSUPPORTED_HINTS,
    BuildConfig,
    BuildError,
    BuildResult,
    FileOutcome,
    InputFile,
)
from etl.build.pool import ParseFunc, parse_file, parse_in_workers
from etl.build.progress import Progress, format_progress
from etl.build.run import build
from etl.build.writer import RAW_DETAIL_TABLES, run_data_tests, write_rows

__all__ = [
    "FMT_PRIORITY",
    "RAW_DETAIL_TABLES",
    "SUPPORTED",
    "UNSUPPORTED_HINTS",
    "BuildConfig",
    "BuildError",
    "BuildResult",
    "FileOutcome",
    "InputFile",
    "ParseFunc",
    "Progress",
    "build",
    "discover",
    "file_sha256",
    "format_progress",
    "parse_file",
    "parse_in_workers",
    "precheck",
    "run_data_tests",
    "write_rows",
]
