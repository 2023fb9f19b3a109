-- No planner statistics on the columns that only carry a payload (JSON documents, free text): no statement filters,
-- joins or sorts on them, so their statistics were never used, and computing them was most of what ANALYZE cost.
-- Autovacuum analyzes a table each time a tenth of it has changed, which on a young database is every few minutes:
-- ANALYZE of appeals took 1.1 s of CPU with these columns, most of it sorting 30,000 sampled JSON documents.
ALTER TABLE appeals ALTER COLUMN coverage SET STATISTICS 0, ALTER COLUMN next_steps SET STATISTICS 0,
                    ALTER COLUMN description SET STATISTICS 0;
ALTER TABLE policies ALTER COLUMN limits SET STATISTICS 0;
