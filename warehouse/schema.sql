-- 决算看板 warehouse schema (DuckDB 2.x).
--
-- Layers, as in jaffle_shop: raw tables (filled by etl/build.py, one row per extracted
-- record, every value with its source) -> staging views (rename, join identity, units
-- already converted to 万元 by the extractor) -> stable views that pages and outside tools
-- read (units, reports, metric_values, metric_series, function_items, projects, indicators).
-- Data tests for these tables live in warehouse/data_tests.sql.

-- ---------------------------------------------------------------- raw tables
CREATE TABLE raw_units (
    unit_id     VARCHAR PRIMARY KEY,   -- stable hash of the canonical unit key
    unit_name   VARCHAR NOT NULL,      -- canonical full name (中共峨边彝族自治县委办公室)
    unit_short  VARCHAR,               -- the short name the reports use (县委办)
    region      VARCHAR,               -- county/district (峨边彝族自治县)
    region_short VARCHAR,              -- 峨边
    city        VARCHAR,               -- 乐山市 (NULL for a 直辖市's districts: no city between)
    display_name VARCHAR NOT NULL,     -- 峨边·县委办: how the UI names a unit
    unit_type   VARCHAR,               -- 党委部门, 政府部门, 事业单位, 医院 ... (etl/vocab/unit_kinds.csv)
    province    VARCHAR,               -- 四川省 / 上海市, from the national division list
    region_code VARCHAR,               -- GB/T 2260 code of the region (511132); NULL when not listed
    region_id   VARCHAR,               -- the region's stable id in links: region_code, or for a zone
                                       --   or an unlisted name parent code + z/x + hash
                                       --   (etl/vocab/regions.py); NULL without a region
    unit_type_id VARCHAR               -- the unit type's id (party_committee), etl/vocab/unit_types.csv
);

CREATE TABLE unit_type_catalog (       -- every unit type etl/vocab/unit_kinds.csv knows
    unit_type   VARCHAR PRIMARY KEY,
    unit_type_id VARCHAR NOT NULL UNIQUE -- its stable id, declared in etl/vocab/unit_types.csv
);

CREATE TABLE raw_unit_names (          -- every name variant seen, for alias review
    unit_id     VARCHAR NOT NULL,
    name_variant VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL
);

CREATE TABLE raw_reports (
    report_id   VARCHAR PRIMARY KEY,   -- first 16 hex digits of the file's sha256
    unit_id     VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,
    doc_kind    VARCHAR NOT NULL,      -- 决算 | 绩效自评
    source_file VARCHAR NOT NULL,      -- input file base name
    source_path VARCHAR NOT NULL,      -- path as given to the build
    source_sha256 VARCHAR NOT NULL,
    fmt         VARCHAR NOT NULL,      -- pdf | docx | txt | xlsx (.doc/.wps: converted)
    pages       INTEGER,               -- PDF pages; NULL for DOCX/text
    unit_name_stated VARCHAR NOT NULL, -- the name as this report states it
    unit_short_stated VARCHAR,         -- short name, region and city as this report states
    region_stated VARCHAR,             --   them: units are re-resolved from these on every
    city_stated VARCHAR,               --   build, so an alias edit applies without re-parsing
    is_synthetic BOOLEAN NOT NULL DEFAULT false,
    parsed_at   TIMESTAMP NOT NULL,
    parser_version VARCHAR NOT NULL
);

CREATE TABLE raw_coverage (           -- what each report gave: one row per report
    report_id   VARCHAR PRIMARY KEY,
    from_tables INTEGER NOT NULL,      -- metrics read from a table cell
    from_text   INTEGER NOT NULL,      -- metrics read from a sentence
    missing_sections VARCHAR NOT NULL, -- template headings not found (etl/vocab/template.csv), 、-joined
    missing_tables VARCHAR NOT NULL,   -- standard 附表 not found, 、-joined
    summary     VARCHAR NOT NULL       -- the line the build output prints
);

CREATE TABLE raw_facts (
    report_id   VARCHAR NOT NULL,
    metric      VARCHAR NOT NULL,      -- key of etl/metrics.csv
    value       DOUBLE NOT NULL,       -- money in 万元 (元 converted by the extractor)
    unit        VARCHAR NOT NULL,
    page        INTEGER,
    loc         VARCHAR NOT NULL,      -- 第3页 (PDF) / heading · “opening words…” (DOCX, text)
    quote       VARCHAR NOT NULL,
    origin      VARCHAR                -- text | table | schedule (a standard 附表, authoritative)
);

CREATE TABLE raw_derived_facts (       -- prior-year values implied by a stated change
    report_id   VARCHAR NOT NULL,      -- the report that states the change
    metric      VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,      -- the year the value belongs to
    value       DOUBLE NOT NULL,
    unit        VARCHAR NOT NULL,
    page        INTEGER,
    loc         VARCHAR NOT NULL,
    quote       VARCHAR NOT NULL,
    basis       VARCHAR NOT NULL       -- e.g. 863.44 - (-214.57)
);

CREATE TABLE raw_function_classes (
    report_id   VARCHAR NOT NULL,
    class_name  VARCHAR NOT NULL,
    amount      DOUBLE,
    pct         DOUBLE,
    page        INTEGER,
    loc         VARCHAR NOT NULL,
    quote       VARCHAR NOT NULL,
    code        VARCHAR                -- 科目编码 (类), when a 附表 states it
);

CREATE TABLE raw_function_items (
    report_id   VARCHAR NOT NULL,
    seq         INTEGER NOT NULL,
    class_name  VARCHAR NOT NULL,
    kuan        VARCHAR NOT NULL,
    xiang       VARCHAR NOT NULL,
    amount      DOUBLE,
    pct_of_budget DOUBLE,
    page        INTEGER,
    loc         VARCHAR NOT NULL,
    quote       VARCHAR NOT NULL,
    code        VARCHAR                -- 科目编码 (类款项), when a 附表 states it
);

CREATE TABLE raw_cells (               -- every amount cell of the standard 附表 (etl/vocab/tables.toml)
    report_id   VARCHAR NOT NULL,
    table_key   VARCHAR NOT NULL,      -- total | income | expenditure | fiscal_total | gpb | …
    title       VARCHAR NOT NULL,      -- the title the table was recognised by
    row_no      INTEGER NOT NULL,      -- 1-based body row of the table
    row_code    VARCHAR NOT NULL,      -- 科目编码 (201…, 301…) or 行次; '' when none is printed
    row_label   VARCHAR NOT NULL,      -- the row's label, numbering dropped; '' when none
    column_path VARCHAR NOT NULL,      -- header labels top-down joined with '/'
    col_no      INTEGER NOT NULL,      -- 1-based column of the table
    value       DOUBLE,                -- 万元 (元 converted); NULL when the cell is blank or a dash
    text        VARCHAR NOT NULL,      -- the cell as printed
    unit        VARCHAR NOT NULL,      -- the table's stated unit: 万元 | 元
    page        INTEGER,
    loc         VARCHAR NOT NULL,
    quote       VARCHAR NOT NULL,      -- the row's words
    ocr_box     VARCHAR NOT NULL DEFAULT '', -- read by OCR (confirmed): 'x0,top,x1,bottom' points on the page
    ocr_conf    DOUBLE                 -- read by OCR: the recogniser's confidence (0-1); NULL for a text layer
);

CREATE TABLE raw_projects (
    report_id   VARCHAR NOT NULL,
    seq         INTEGER NOT NULL,
    code        VARCHAR,
    name        VARCHAR NOT NULL,
    initial_budget DOUBLE,
    adjusted_budget DOUBLE,
    executed    DOUBLE,
    execution_rate DOUBLE,
    score       DOUBLE,
    page        INTEGER,
    loc         VARCHAR NOT NULL,
    quote       VARCHAR NOT NULL
);

CREATE TABLE raw_indicators (
    report_id   VARCHAR NOT NULL,
    seq         INTEGER NOT NULL,
    table_name  VARCHAR NOT NULL,      -- project name, or 部门整体
    level1      VARCHAR,
    level2      VARCHAR,
    level3      VARCHAR,
    target      VARCHAR,
    actual      VARCHAR,
    weight      DOUBLE,
    score       DOUBLE,
    page        INTEGER,
    loc         VARCHAR NOT NULL,
    sign        VARCHAR,               -- 指标性质 (≥ ≤ ＝), when the table has the column
    unit        VARCHAR,               -- 度量单位 (万元, 次, %), when the table has the column
    deviation   VARCHAR                -- 偏差原因分析及改进措施, when the table states it
);

CREATE TABLE raw_notes (               -- what the parser did not store, and why
    report_id   VARCHAR NOT NULL,
    message     VARCHAR NOT NULL
);

CREATE TABLE raw_mentions (            -- what a report says about a figure, for the checks
    report_id   VARCHAR NOT NULL,
    seq         INTEGER NOT NULL,
    -- one typed record per kind (etl/statements.py); its COLUMNS map its named fields onto
    -- the generic columns below, which mean what that kind says they mean
    kind        VARCHAR NOT NULL,      -- completion | change | share | year_* | … (KINDS)
    subject     VARCHAR,               -- mostly the metric key (or gpb.basic) spoken about
    value       DOUBLE,                -- mostly 万元 / count / signed change
    pct         DOUBLE,
    base        DOUBLE,                -- mostly a stated budget or denominator
    year        INTEGER,
    other_year  INTEGER,
    flag        VARCHAR,
    section     VARCHAR,
    page        INTEGER,
    loc         VARCHAR NOT NULL,
    quote       VARCHAR NOT NULL,
    context     VARCHAR
);

CREATE TABLE raw_findings (            -- written by etl/checks after the raw tables
    finding_id  VARCHAR PRIMARY KEY,   -- stable hash of report, rule, metric and message
    report_id   VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    rule        VARCHAR NOT NULL,      -- id documented in the README (etl/checks RULE_CATALOG)
    severity    VARCHAR NOT NULL,      -- error | warning | info
    metric      VARCHAR,               -- key of etl/metrics.csv, when the finding concerns one
    stated      DOUBLE,
    expected    DOUBLE,
    message     VARCHAR NOT NULL,      -- one Chinese sentence
    evidence    VARCHAR NOT NULL,      -- JSON list of {quote, loc, page, file}
    detail      VARCHAR NOT NULL DEFAULT '',  -- the statistic behind the message (outliers)
    unit        VARCHAR NOT NULL DEFAULT '万元'  -- unit of stated / expected (万元, %, 分, 辆 ...)
);

CREATE TABLE check_rules (             -- etl/checks/registry.py declarations, written with the findings
    rule        VARCHAR PRIMARY KEY,
    name_zh     VARCHAR NOT NULL,      -- Chinese name shown wherever the id would be
    severity    VARCHAR NOT NULL,      -- the highest severity the rule gives
    description VARCHAR NOT NULL,      -- one-line explanation
    tolerance   VARCHAR NOT NULL
);

CREATE TABLE raw_files (               -- one row per input file of the last build
    source_file VARCHAR NOT NULL,
    source_path VARCHAR NOT NULL,
    source_sha256 VARCHAR,
    status      VARCHAR NOT NULL,      -- loaded | duplicate | failed
    message     VARCHAR,               -- why it failed / which file was kept instead
    report_id   VARCHAR,               -- loaded: its report; duplicate: the report kept instead
    fact_count  INTEGER                -- facts the file yielded (loaded and duplicate files)
);

CREATE TABLE raw_personal_text (       -- originals of masked text (etl/privacy.py); no page reads it
    table_name  VARCHAR NOT NULL,      -- the raw table whose column was masked
    column_name VARCHAR NOT NULL,
    report_id   VARCHAR NOT NULL,
    original    VARCHAR NOT NULL,      -- the text as the report printed it
    masked      VARCHAR NOT NULL       -- the text pages and downloads show
);

CREATE TABLE raw_build_info (          -- how the warehouse was built (parser version, alias file)
    key         VARCHAR PRIMARY KEY,
    value       VARCHAR NOT NULL
);

CREATE TABLE metric_catalog (          -- etl/metrics.csv, loaded at build time
    metric      VARCHAR PRIMARY KEY,
    label_zh    VARCHAR NOT NULL,
    unit        VARCHAR NOT NULL,
    section     VARCHAR NOT NULL
);

-- ---------------------------------------------------------------- stable views
CREATE VIEW units AS
SELECT unit_id, unit_name, unit_short, region, city, display_name, region_short, unit_type,
       province, region_code, region_id, unit_type_id
FROM raw_units;

CREATE VIEW reports AS
SELECT report_id, unit_id, fiscal_year, doc_kind, source_file, source_sha256, pages,
       parsed_at, parser_version, fmt, is_synthetic, unit_name_stated
FROM raw_reports;

-- One row per report and stated metric; derived prior-year rows are NOT here.
CREATE VIEW metric_values AS
SELECT f.report_id, r.source_file, u.unit_name, u.unit_short, u.region, r.fiscal_year,
       f.metric, f.value, f.unit, f.page, f.quote,
       r.unit_id, u.display_name, r.doc_kind, f.loc, c.label_zh
FROM raw_facts f
JOIN raw_reports r USING (report_id)
JOIN raw_units u USING (unit_id)
LEFT JOIN metric_catalog c USING (metric);

-- Stated values plus prior-year values derived from stated changes, for trend charts.
-- A derived row is dropped where a report of that unit, year and kind states the value.
CREATE VIEW metric_series AS
SELECT r.unit_id, u.display_name, r.fiscal_year, r.doc_kind, f.metric, f.value, f.unit,
       false AS derived, f.report_id, r.source_file, f.page, f.loc, f.quote, NULL AS basis
FROM raw_facts f JOIN raw_reports r USING (report_id) JOIN raw_units u USING (unit_id)
UNION ALL
SELECT r.unit_id, u.display_name, d.fiscal_year, r.doc_kind, d.metric, d.value, d.unit,
       true AS derived, d.report_id, r.source_file, d.page, d.loc, d.quote, d.basis
FROM raw_derived_facts d JOIN raw_reports r USING (report_id) JOIN raw_units u USING (unit_id)
WHERE NOT EXISTS (
    SELECT 1 FROM raw_facts f2 JOIN raw_reports r2 USING (report_id)
    WHERE r2.unit_id = r.unit_id AND r2.fiscal_year = d.fiscal_year
      AND r2.doc_kind = r.doc_kind AND f2.metric = d.metric);

CREATE VIEW function_classes AS
SELECT f.*, r.source_file, r.unit_id, r.fiscal_year FROM raw_function_classes f JOIN raw_reports r USING (report_id);

CREATE VIEW function_items AS
SELECT f.*, r.source_file, r.unit_id, r.fiscal_year FROM raw_function_items f JOIN raw_reports r USING (report_id);

CREATE VIEW projects AS
SELECT p.*, r.source_file, r.unit_id, r.fiscal_year FROM raw_projects p JOIN raw_reports r USING (report_id);

CREATE VIEW indicators AS
SELECT i.*, r.source_file, r.unit_id, r.fiscal_year FROM raw_indicators i JOIN raw_reports r USING (report_id);

CREATE VIEW table_cells AS
SELECT c.*, r.source_file, r.unit_id, r.fiscal_year FROM raw_cells c JOIN raw_reports r USING (report_id);

CREATE VIEW extraction_notes AS
SELECT n.report_id, r.source_file, n.message FROM raw_notes n JOIN raw_reports r USING (report_id);

-- Findings with the unit and year they concern, for the 核查与异常 page.
CREATE VIEW findings AS
SELECT f.finding_id, f.source_file, f.report_id, f.rule, f.severity, f.metric, f.stated,
       f.expected, f.message, f.evidence, r.unit_id, u.display_name, u.region,
       r.fiscal_year, r.doc_kind, c.label_zh AS metric_label, f.detail, f.unit,
       k.name_zh AS rule_name
FROM raw_findings f
JOIN raw_reports r USING (report_id)
JOIN raw_units u USING (unit_id)
LEFT JOIN metric_catalog c USING (metric)
LEFT JOIN check_rules k USING (rule);
