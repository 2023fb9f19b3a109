-- Work with a due time and an owner: callbacks promised at intake, control calls, document chasing, warnings.
CREATE TABLE case_tasks (
    id           uuid PRIMARY KEY,
    tenant_id    text        NOT NULL,
    case_id      uuid        NOT NULL REFERENCES cases (id),
    kind         text        NOT NULL,          -- callback | control-call | document-chase | coverage-warning | extension-warning | ...
    title        text        NOT NULL,
    due_at       timestamptz NOT NULL,
    owner        text        NULL,              -- coordinator id; null = the case's coordinator / the queue
    status       text        NOT NULL DEFAULT 'open',   -- open | done | cancelled
    created_at   timestamptz NOT NULL,
    completed_at timestamptz NULL,
    escalated_at timestamptz NULL,
    dedup_key    text        NULL,              -- one task per (case, dedup key): rules that run again create nothing new
    data         jsonb       NULL
);
CREATE INDEX case_tasks_open_due ON case_tasks (due_at) WHERE status = 'open';
CREATE INDEX case_tasks_by_case ON case_tasks (case_id, due_at);
CREATE UNIQUE INDEX case_tasks_dedup ON case_tasks (case_id, dedup_key) WHERE dedup_key IS NOT NULL;

-- Messages to the case's contacts (the caller, relatives), in their language; a sender delivers them by channel.
CREATE TABLE contact_messages (
    id         uuid PRIMARY KEY,
    tenant_id  text        NOT NULL,
    case_id    uuid        NOT NULL REFERENCES cases (id),
    kind       text        NOT NULL,
    text       text        NOT NULL,
    created_at timestamptz NOT NULL,
    sent_at    timestamptz NULL
);
CREATE INDEX contact_messages_by_case ON contact_messages (case_id, created_at);
