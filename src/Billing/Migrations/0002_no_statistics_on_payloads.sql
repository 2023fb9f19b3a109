-- No planner statistics on the cover copy's policy document: no statement filters, joins or sorts on it, and sorting
-- 30,000 sampled documents was most of what each ANALYZE of case_covers cost (0.7 s of CPU), which autovacuum runs
-- each time a tenth of the table has changed.
ALTER TABLE case_covers ALTER COLUMN policy SET STATISTICS 0;
