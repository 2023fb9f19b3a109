-- Counts the runs of this script: with replicas starting together it must run once (the migrator's advisory lock).
-- The pause holds the lock long enough that a replica not waiting for it would run the script as well.
CREATE TABLE migration_runs (script text NOT NULL, ran_at timestamptz NOT NULL DEFAULT clock_timestamp());
INSERT INTO migration_runs (script) VALUES ('0002_migration_runs');
SELECT pg_sleep(0.5);
