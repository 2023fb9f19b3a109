-- The time zone the caller gave (IANA id); null: inferred from the phone number or the location when answering.
ALTER TABLE appeals ADD COLUMN caller_time_zone text NULL;

-- The settlement plan of each open case as Cases last reported it, so a later appeal is answered with the plan's
-- current step. Apart from open_cases: a plan's event may arrive before the case's own.
CREATE TABLE case_plans (
    case_id            uuid PRIMARY KEY,
    tenant_id          text        NOT NULL,
    kind               text        NOT NULL,
    current_step       integer     NOT NULL,
    step_count         integer     NOT NULL,
    current_step_title text        NULL,
    current_step_owner text        NULL,
    changed_at         timestamptz NOT NULL
);
