"""决算看板 ETL: read 部门决算 / 绩效自评 reports and load them into the DuckDB warehouse."""

# Bump whenever a reader or the extractor changes what it produces: reports parsed by an
# older version are parsed again on the next build instead of being carried over.
PARSER_VERSION = "9"
