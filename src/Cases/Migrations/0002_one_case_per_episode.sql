-- An appeal about an insured who already has an open case joins it: matched by policy number or by name and birth date.
ALTER TABLE cases ADD COLUMN insured_name_key text NULL;
UPDATE cases SET insured_name_key = lower(regexp_replace(trim(insured_full_name), '\s+', ' ', 'g'));
ALTER TABLE cases ALTER COLUMN insured_name_key SET NOT NULL;
CREATE INDEX cases_open_by_policy ON cases (tenant_id, insured_policy_number) WHERE status <> 'closed';
CREATE INDEX cases_open_by_person ON cases (tenant_id, insured_name_key, insured_date_of_birth) WHERE status <> 'closed';

ALTER TABLE case_appeals
    ADD COLUMN triage          text        NULL,
    ADD COLUMN callback_due_at timestamptz NULL;
