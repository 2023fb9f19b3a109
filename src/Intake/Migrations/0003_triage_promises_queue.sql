-- Triage, callback promise, coverage result and next steps of every appeal, and the coordinators' work queue.
ALTER TABLE appeals
    ADD COLUMN requested_urgency  text        NULL,
    ADD COLUMN triage_reasons     text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN triage_rank        integer     NOT NULL DEFAULT 1,
    ADD COLUMN callback_due_at    timestamptz NULL,
    ADD COLUMN coverage_status    text        NOT NULL DEFAULT 'needs-review',
    ADD COLUMN coverage           jsonb       NOT NULL DEFAULT '{"status":"needs-review","reasons":[],"policy":null}',
    ADD COLUMN may_share_medical  boolean     NOT NULL DEFAULT false,
    ADD COLUMN event_date         date        NULL,
    ADD COLUMN next_steps         jsonb       NOT NULL DEFAULT '[]',
    ADD COLUMN attached_to_open_case boolean  NOT NULL DEFAULT false,
    ADD COLUMN queue_status       text        NOT NULL DEFAULT 'waiting',  -- waiting | taken | done
    ADD COLUMN taken_by           text        NULL,
    ADD COLUMN taken_at           timestamptz NULL;

UPDATE appeals SET callback_due_at = registered_at + interval '1 hour' WHERE callback_due_at IS NULL;
ALTER TABLE appeals ALTER COLUMN callback_due_at SET NOT NULL;

-- The work queue: most urgent first, then the earliest promised callback.
CREATE INDEX appeals_queue ON appeals (tenant_id, triage_rank, callback_due_at) WHERE queue_status <> 'done';

-- Per-insurer triage rules and callback times (defaults in code when absent).
CREATE TABLE intake_settings (
    tenant_id        text PRIMARY KEY,
    red_flags        text[]      NOT NULL,
    callback_minutes jsonb       NOT NULL,
    updated_at       timestamptz NOT NULL
);

-- A retried request with the same Idempotency-Key gets the first answer again; written with the appeal it answers.
CREATE TABLE idempotency_keys (
    tenant_id    text        NOT NULL,
    key          text        NOT NULL,
    request_hash bytea       NOT NULL,
    status_code  integer     NOT NULL,
    response     jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);

-- Open cases as Cases reports them, so an appeal about an insured with an open case is answered with that case.
CREATE TABLE open_cases (
    case_id               uuid PRIMARY KEY,
    tenant_id             text        NOT NULL,
    case_number           text        NOT NULL,
    insured_policy_number text        NULL,
    insured_name_key      text        NOT NULL,
    insured_date_of_birth date        NULL,
    opened_at             timestamptz NOT NULL
);
CREATE INDEX open_cases_by_policy ON open_cases (tenant_id, insured_policy_number);
CREATE INDEX open_cases_by_person ON open_cases (tenant_id, insured_name_key, insured_date_of_birth);
