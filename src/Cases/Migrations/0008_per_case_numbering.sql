-- Timeline entries and medical-details versions are numbered per case (1, 2, 3, ...). Their ids came from sequences
-- shared by every tenant, so the gaps between a case's numbers showed how busy the other insurers were. The ids stay
-- as internal keys and are never shown; the numbers are given out under the case row's lock by counters on the case.
ALTER TABLE cases
    ADD COLUMN timeline_seq     bigint NOT NULL DEFAULT 0,
    ADD COLUMN medical_versions bigint NOT NULL DEFAULT 0;

ALTER TABLE timeline_entries ADD COLUMN seq bigint NULL;
ALTER TABLE medical_details ADD COLUMN version bigint NULL;

-- The timeline refuses to be rewritten; this renumbering (and the version inside the entries it describes) is the
-- one exception, made here with its trigger off.
ALTER TABLE timeline_entries DISABLE TRIGGER timeline_append_only;

UPDATE timeline_entries t SET seq = n.seq
FROM (SELECT id, row_number() OVER (PARTITION BY case_id ORDER BY id) AS seq FROM timeline_entries) n
WHERE t.id = n.id;

UPDATE medical_details m SET version = n.version
FROM (SELECT id, row_number() OVER (PARTITION BY case_id ORDER BY id) AS version FROM medical_details) n
WHERE m.id = n.id;

-- A medical-details entry carries the record it describes, whose version was its global id; so does its webhook.
UPDATE timeline_entries t SET data = jsonb_set(t.data, '{version}', to_jsonb(m.version))
FROM medical_details m
WHERE t.kind = 'medical-details' AND t.case_id = m.case_id AND jsonb_typeof(t.data->'version') = 'number'
  AND (t.data->>'version')::bigint = m.id;
UPDATE webhook_deliveries d SET data = jsonb_set(d.data, '{version}', to_jsonb(m.version))
FROM medical_details m
WHERE d.kind = 'medical-details' AND d.case_id = m.case_id AND jsonb_typeof(d.data->'version') = 'number'
  AND (d.data->>'version')::bigint = m.id;

ALTER TABLE timeline_entries ENABLE TRIGGER timeline_append_only;

ALTER TABLE timeline_entries ALTER COLUMN seq SET NOT NULL;
ALTER TABLE medical_details ALTER COLUMN version SET NOT NULL;
CREATE UNIQUE INDEX timeline_entries_per_case ON timeline_entries (case_id, seq);
CREATE UNIQUE INDEX medical_details_per_case ON medical_details (case_id, version);

-- The version bump drops cached briefings, which showed the old numbers.
UPDATE cases c SET
    timeline_seq     = coalesce((SELECT max(seq) FROM timeline_entries t WHERE t.case_id = c.id), 0),
    medical_versions = coalesce((SELECT max(version) FROM medical_details m WHERE m.case_id = c.id), 0),
    version          = c.version + 1;
