-- The case file: status with reasons, the responsible coordinator, contacts, the settlement plan and medical details.
ALTER TABLE cases
    ADD COLUMN IF NOT EXISTS expected_discharge_on  date NULL,
    ADD COLUMN IF NOT EXISTS repatriation_planned_on date NULL,
    ADD COLUMN status_reason     text        NULL,
    ADD COLUMN coordinator       text        NULL,
    ADD COLUMN coordinator_since timestamptz NULL,
    ADD COLUMN closed_at         timestamptz NULL;
CREATE INDEX cases_by_coordinator ON cases (tenant_id, coordinator) WHERE status <> 'closed';

-- Relatives and others who call about the case, each with what they may be told and how to reach them.
CREATE TABLE case_contacts (
    id                   uuid PRIMARY KEY,
    tenant_id            text        NOT NULL,
    case_id              uuid        NOT NULL REFERENCES cases (id),
    name                 text        NOT NULL,
    name_key             text        NOT NULL,
    relation             text        NOT NULL,
    phone                text        NULL,
    email                text        NULL,
    language             text        NULL,
    preferred_channel    text        NOT NULL DEFAULT 'phone',
    may_receive_medical  boolean     NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    UNIQUE (case_id, name_key)
);

-- How the case will be settled, as steps with owners; the caller is told the current step.
CREATE TABLE settlement_plans (
    case_id      uuid PRIMARY KEY REFERENCES cases (id),
    tenant_id    text        NOT NULL,
    kind         text        NOT NULL,
    steps        jsonb       NOT NULL,
    current_step integer     NOT NULL,
    updated_at   timestamptz NOT NULL,
    updated_by   text        NOT NULL
);

-- Medical details as structured fields; every change is a new row, the latest is current.
CREATE TABLE medical_details (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id             text        NOT NULL,
    case_id               uuid        NOT NULL REFERENCES cases (id),
    recorded_at           timestamptz NOT NULL,
    recorded_by           text        NOT NULL,
    diagnosis_code        text        NULL,
    diagnosis_text        text        NULL,
    procedures            text[]      NOT NULL DEFAULT '{}',
    admission_on          date        NULL,
    expected_discharge_on date        NULL,
    return_flight_on      date        NULL,
    recommendations       text        NULL,
    fit_to_fly            text        NOT NULL DEFAULT 'unknown',
    rehabilitation_needed boolean     NULL
);
CREATE INDEX medical_details_by_case ON medical_details (case_id, id DESC);
