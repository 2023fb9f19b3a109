-- A case's timeline has one order, its entries' seq, and one index for it (timeline_entries_per_case, unique). The
-- index on (case_id, id) beside it served only the policy-end watch's look-up of a case's latest appeal entry, which
-- now orders by seq too (the same order: a case's entries are numbered under its row's lock, as they are inserted).
-- Every entry wrote both; a new case writes three entries.
DROP INDEX timeline_by_case;
