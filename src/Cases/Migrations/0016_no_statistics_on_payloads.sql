-- No planner statistics on the columns that only carry a payload (JSON documents, free text): no statement filters,
-- joins or sorts on them, so their statistics were never used, and computing them was most of what ANALYZE cost.
-- Autovacuum analyzes a table each time a tenth of it has changed, which on a young database is every few minutes:
-- ANALYZE of cases took 1.5 s of CPU with these columns and 0.23 s without, most of it sorting 30,000 sampled JSON
-- documents. (A filter on a key inside a document, such as data->>'to', never used the column's statistics.)
ALTER TABLE cases ALTER COLUMN policy_terms SET STATISTICS 0, ALTER COLUMN coverage SET STATISTICS 0;
ALTER TABLE timeline_entries ALTER COLUMN data SET STATISTICS 0, ALTER COLUMN summary SET STATISTICS 0;
ALTER TABLE case_tasks ALTER COLUMN data SET STATISTICS 0;
ALTER TABLE case_appeals ALTER COLUMN description SET STATISTICS 0;
ALTER TABLE webhook_deliveries ALTER COLUMN data SET STATISTICS 0;
