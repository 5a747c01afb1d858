-- Data tests for warehouse/schema.sql, run by etl/build.py on every build before the new
-- warehouse replaces the old one.  Each test is one query after a "-- test: <name>" line
-- and returns the offending rows; any row fails the build and leaves the old warehouse
-- untouched.

-- test: raw_reports.report_id is unique
SELECT report_id, count(*) AS n FROM raw_reports GROUP BY report_id HAVING count(*) > 1;

-- test: raw_units.unit_id is unique
SELECT unit_id, count(*) AS n FROM raw_units GROUP BY unit_id HAVING count(*) > 1;

-- test: one report per unit, fiscal_year and doc_kind
SELECT unit_id, fiscal_year, doc_kind, count(*) AS n
FROM raw_reports GROUP BY ALL HAVING count(*) > 1;

-- test: keys are not null
SELECT 'raw_reports' AS tbl, report_id FROM raw_reports
WHERE report_id IS NULL OR unit_id IS NULL OR source_sha256 IS NULL
UNION ALL SELECT 'raw_units', unit_id FROM raw_units WHERE unit_id IS NULL OR display_name IS NULL
UNION ALL SELECT 'raw_facts', report_id FROM raw_facts WHERE report_id IS NULL OR metric IS NULL
UNION ALL SELECT 'raw_files', source_file FROM raw_files WHERE source_file IS NULL OR status IS NULL;

-- test: raw_units.unit_type is a unit type of etl/vocab/unit_kinds.csv (or not known)
SELECT unit_id, unit_type FROM raw_units
WHERE unit_type IS NOT NULL AND unit_type NOT IN (SELECT unit_type FROM unit_type_catalog);

-- test: raw_units.unit_type_id is the id unit_type_catalog declares for its unit_type
SELECT u.unit_id, u.unit_type, u.unit_type_id FROM raw_units u
LEFT JOIN unit_type_catalog c USING (unit_type)
WHERE u.unit_type_id IS DISTINCT FROM c.unit_type_id;

-- test: raw_units.region_id is set exactly when the unit has a region
SELECT unit_id, region_short, region_id FROM raw_units
WHERE (coalesce(region_short, '') <> '') <> (region_id IS NOT NULL);

-- test: raw_units.region_code is a 6-digit code and then the region_id
SELECT unit_id, region_code, region_id FROM raw_units
WHERE region_code IS NOT NULL
  AND (NOT regexp_full_match(region_code, '[0-9]{6}') OR region_id IS DISTINCT FROM region_code);

-- test: raw_units.region_id without a code is a parent code, z or x and six hex digits
SELECT unit_id, region_id FROM raw_units
WHERE region_code IS NULL AND region_id IS NOT NULL
  AND NOT regexp_full_match(region_id, '[0-9]{6}[zx][0-9a-f]{6}');

-- test: one short region name per raw_units.region_id
SELECT region_id, count(DISTINCT region_short) AS n FROM raw_units
WHERE region_id IS NOT NULL GROUP BY region_id HAVING count(DISTINCT region_short) > 1;

-- test: every report has exactly one raw_coverage row
SELECT r.report_id, count(c.report_id) AS n FROM raw_reports r
LEFT JOIN raw_coverage c USING (report_id) GROUP BY r.report_id HAVING count(c.report_id) <> 1;

-- test: raw_reports.doc_kind is 决算 or 绩效自评
SELECT report_id, doc_kind FROM raw_reports WHERE doc_kind NOT IN ('决算', '绩效自评');

-- test: raw_reports.fmt is pdf, docx, txt, xlsx (.xls too) or html
SELECT report_id, fmt FROM raw_reports WHERE fmt NOT IN ('pdf', 'docx', 'txt', 'xlsx', 'html');

-- test: raw_files.status is loaded, duplicate or failed
SELECT source_file, status FROM raw_files WHERE status NOT IN ('loaded', 'duplicate', 'failed');

-- test: loaded and duplicate files point at a report in raw_reports
SELECT source_file, status, report_id FROM raw_files
WHERE status IN ('loaded', 'duplicate')
  AND report_id NOT IN (SELECT report_id FROM raw_reports);

-- test: failed files say why
SELECT source_file FROM raw_files WHERE status = 'failed' AND coalesce(message, '') = '';

-- test: raw_reports.unit_id is in raw_units
SELECT report_id, unit_id FROM raw_reports WHERE unit_id NOT IN (SELECT unit_id FROM raw_units);

-- test: every raw_facts.metric is in metric_catalog
SELECT DISTINCT metric FROM raw_facts WHERE metric NOT IN (SELECT metric FROM metric_catalog);

-- test: every raw_derived_facts.metric is in metric_catalog
SELECT DISTINCT metric FROM raw_derived_facts
WHERE metric NOT IN (SELECT metric FROM metric_catalog);

-- test: (report_id, metric) is unique in raw_facts
SELECT report_id, metric, count(*) AS n FROM raw_facts GROUP BY ALL HAVING count(*) > 1;

-- test: fact values are finite numbers
SELECT report_id, metric, value FROM raw_facts WHERE isnan(value) OR isinf(value);

-- test: every detail row belongs to a report
SELECT 'raw_facts' AS tbl, report_id FROM raw_facts
WHERE report_id NOT IN (SELECT report_id FROM raw_reports)
UNION ALL SELECT 'raw_derived_facts', report_id FROM raw_derived_facts
WHERE report_id NOT IN (SELECT report_id FROM raw_reports)
UNION ALL SELECT 'raw_function_classes', report_id FROM raw_function_classes
WHERE report_id NOT IN (SELECT report_id FROM raw_reports)
UNION ALL SELECT 'raw_function_items', report_id FROM raw_function_items
WHERE report_id NOT IN (SELECT report_id FROM raw_reports)
UNION ALL SELECT 'raw_projects', report_id FROM raw_projects
WHERE report_id NOT IN (SELECT report_id FROM raw_reports)
UNION ALL SELECT 'raw_indicators', report_id FROM raw_indicators
WHERE report_id NOT IN (SELECT report_id FROM raw_reports)
UNION ALL SELECT 'raw_notes', report_id FROM raw_notes
WHERE report_id NOT IN (SELECT report_id FROM raw_reports)
UNION ALL SELECT 'raw_unit_names', unit_id FROM raw_unit_names
WHERE unit_id NOT IN (SELECT unit_id FROM raw_units)
UNION ALL SELECT 'raw_mentions', report_id FROM raw_mentions
WHERE report_id NOT IN (SELECT report_id FROM raw_reports)
UNION ALL SELECT 'raw_findings', report_id FROM raw_findings
WHERE report_id NOT IN (SELECT report_id FROM raw_reports)
UNION ALL SELECT 'raw_cells', report_id FROM raw_cells
WHERE report_id NOT IN (SELECT report_id FROM raw_reports);

-- test: raw_findings.severity is an accepted value
SELECT finding_id, severity FROM raw_findings WHERE severity NOT IN ('error', 'warning', 'info');

-- test: raw_findings have a rule, a message and evidence
SELECT finding_id FROM raw_findings
WHERE rule IS NULL OR message IS NULL OR message = '' OR evidence IS NULL OR evidence = '[]';

-- test: every finding's rule is a declared rule (etl/checks/registry.py)
SELECT f.finding_id, f.rule FROM raw_findings f ANTI JOIN check_rules c USING (rule);

-- test: raw_findings.metric is a known metric key when set
SELECT finding_id, metric FROM raw_findings
WHERE metric IS NOT NULL AND metric NOT IN (SELECT metric FROM metric_catalog);

-- test: raw_cells keys and words are not null
SELECT report_id, table_key, row_no, col_no FROM raw_cells
WHERE report_id IS NULL OR table_key IS NULL OR title IS NULL OR row_no IS NULL
   OR row_code IS NULL OR row_label IS NULL OR column_path IS NULL OR col_no IS NULL
   OR text IS NULL OR unit IS NULL OR loc IS NULL OR quote IS NULL;

-- test: raw_cells.table_key is one of the 附表 of etl/vocab/tables.toml (nine standard, two provincial)
SELECT report_id, table_key FROM raw_cells
WHERE table_key NOT IN ('total', 'income', 'expenditure', 'fiscal_total', 'gpb', 'gpb_basic',
                        'sangong', 'gov_fund', 'state_capital', 'project_income',
                        'project_detail', 'im_info');

-- test: raw_cells.unit is 万元 or 元 (an information table's rows: a count unit, or '' for none)
SELECT report_id, table_key, unit FROM raw_cells
WHERE unit NOT IN ('万元', '元')
  AND NOT (table_key = 'im_info' AND unit IN ('辆', '个', '人', '次', '台', '套', '平方米', '%', ''));

-- test: (report_id, table_key, row_no, col_no) is unique in raw_cells
SELECT report_id, table_key, row_no, col_no, count(*) AS n FROM raw_cells
GROUP BY ALL HAVING count(*) > 1;

-- test: a raw_cells value is a finite number, and a blank cell has none
SELECT report_id, table_key, row_no, col_no, text, value FROM raw_cells
WHERE isnan(value) OR isinf(value) OR (text = '' AND value IS NOT NULL);
