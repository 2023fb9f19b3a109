-- Case numbers are human-friendly and unique per tenant: <year>-<sequence>, e.g. 2026-000042.
CREATE TABLE case_number_sequences (
    tenant_id  text    NOT NULL,
    year       integer NOT NULL,
    last_value integer NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

CREATE TABLE cases (
    id                    uuid PRIMARY KEY,
    tenant_id             text        NOT NULL,
    number                text        NOT NULL,
    status                text        NOT NULL,
    urgency               text        NOT NULL,
    insured_policy_number text        NULL,
    insured_full_name     text        NOT NULL,
    insured_date_of_birth date        NULL,
    country               char(2)     NOT NULL,
    city                  text        NULL,
    opened_at             timestamptz NOT NULL,
    UNIQUE (tenant_id, number)
);
CREATE INDEX cases_by_tenant ON cases (tenant_id, opened_at DESC);

-- Every appeal that concerns a case: the first one opens it, later ones attach to it.
CREATE TABLE case_appeals (
    appeal_id       uuid PRIMARY KEY,
    case_id         uuid        NOT NULL REFERENCES cases (id),
    tenant_id       text        NOT NULL,
    channel         text        NOT NULL,
    caller_name     text        NOT NULL,
    caller_relation text        NOT NULL,
    description     text        NOT NULL,
    registered_at   timestamptz NOT NULL
);
CREATE INDEX case_appeals_by_case ON case_appeals (case_id, registered_at);
