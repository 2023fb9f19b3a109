-- SLA clocks: what happened to each task (who completed it, the note, a control call's result) and where an overdue
-- task escalated to. The owner keeps the work after an escalation; the supervisors' queue sees it as well.
ALTER TABLE case_tasks
    ADD COLUMN completed_by text NULL,
    ADD COLUMN outcome      text NULL,
    ADD COLUMN result       text NULL,     -- control calls: reached | no-answer | left-message
    ADD COLUMN escalated_to text NULL;     -- the queue that was told: 'supervisor'

-- The clock's scan: open tasks past due that have not escalated yet. Small, since most tasks are done in time.
CREATE INDEX case_tasks_to_escalate ON case_tasks (due_at) WHERE status = 'open' AND escalated_at IS NULL;
-- Overdue lists and the supervisor figures read per tenant, kind and due time.
CREATE INDEX case_tasks_by_tenant_kind_due ON case_tasks (tenant_id, kind, due_at);

-- The policy end watch compares these with the policy's end. Migration 0007 (the case file) owns them; they are added
-- here too because this script runs first, and both add them only if missing.
ALTER TABLE cases
    ADD COLUMN IF NOT EXISTS expected_discharge_on   date NULL,
    ADD COLUMN IF NOT EXISTS repatriation_planned_on date NULL;

-- Each insurer's control-call rule: every how many days a case in a status gets a control call. Without a row the
-- platform's defaults apply; a status missing from the row gets none.
CREATE TABLE control_call_settings (
    tenant_id  text PRIMARY KEY,
    every_days jsonb       NOT NULL,     -- {"hospitalised": 1, "outpatient": 2}
    updated_at timestamptz NOT NULL,
    updated_by text        NOT NULL
);
