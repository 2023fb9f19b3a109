-- Repatriation: how a patient travels home. What it keeps of the other services' facts (never read from their
-- databases): each case's insured person, location and repatriation cover (from Cases' coverage events) and the
-- attending doctor's details (from Cases' medical details); what it owns: the facts fitness to fly is judged on, the
-- transport providers and their rates, the plans with their legs, commitments to providers and booking requests.

-- The latest picture of a case that Cases published (highest version wins). cover: the repatriation benefit's limit,
-- what letters reserve and what invoices spent, in its currency (null: the policy names no repatriation cover).
CREATE TABLE cases (
    tenant_id             text        NOT NULL,
    case_id               uuid        NOT NULL,
    case_number           text        NOT NULL,
    insured_name          text        NOT NULL,
    insured_date_of_birth date        NULL,
    policy_number         text        NULL,
    country               char(2)     NULL,
    city                  text        NULL,
    cover_limit           numeric     NULL,
    cover_currency        char(3)     NULL,
    cover_reserved        numeric     NOT NULL DEFAULT 0,
    cover_spent           numeric     NOT NULL DEFAULT 0,
    cover_version         bigint      NOT NULL,
    cover_changed_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, case_id),
    UNIQUE (tenant_id, case_number)
);

-- The attending doctor's details as Cases last recorded them (highest version wins); a case's row may come before or
-- after its cover (the two events travel apart), so it is its own table.
CREATE TABLE case_medical_details (
    tenant_id             text        NOT NULL,
    case_id               uuid        NOT NULL,
    version               bigint      NOT NULL,
    diagnosis_code        text        NULL,
    diagnosis_text        text        NULL,
    procedures            text[]      NOT NULL,
    admission_on          date        NULL,
    expected_discharge_on date        NULL,
    return_flight_on      date        NULL,
    fit_to_fly            text        NOT NULL,
    recorded_at           timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, case_id)
);

-- What fitness to fly is judged on, as a doctor of the assistance company records it here: diagnoses with the date of
-- the event, procedures (by code) with their dates, haemoglobin, pregnancy, the cardiac risk class. facts: JSON
-- (MedicalFactsRequest); each recording is a new version, the latest counts.
CREATE TABLE medical_facts (
    tenant_id   text        NOT NULL,
    case_id     uuid        NOT NULL,
    version     int         NOT NULL,
    facts       jsonb       NOT NULL,
    recorded_at timestamptz NOT NULL,
    recorded_by text        NOT NULL,
    PRIMARY KEY (tenant_id, case_id, version)
);

-- A carrier's own fitness rules, replacing the default rule of the same id for that carrier (CSV as loaded).
CREATE TABLE carrier_fitness_rules (
    tenant_id  text        NOT NULL,
    carrier    text        NOT NULL,
    csv        text        NOT NULL,
    loaded_at  timestamptz NOT NULL,
    loaded_by  text        NOT NULL,
    PRIMARY KEY (tenant_id, carrier)
);

-- Transport providers: air ambulance operators, ground ambulance companies, escort agencies, airlines' medical desks.
CREATE TABLE providers (
    tenant_id  text        NOT NULL,
    code       text        NOT NULL,
    name       text        NOT NULL,
    kind       text        NOT NULL,
    email      text        NOT NULL,
    phone      text        NULL,
    language   text        NOT NULL,
    active     boolean     NOT NULL,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

-- A provider's price for a mode over a class of route (an escort kind's price is a rate of mode 'escort:{kind}').
CREATE TABLE provider_rates (
    tenant_id     text    NOT NULL,
    provider_code text    NOT NULL,
    mode          text    NOT NULL,
    route_class   text    NOT NULL,
    amount        numeric NOT NULL,
    currency      char(3) NOT NULL,
    PRIMARY KEY (tenant_id, provider_code, mode, route_class),
    FOREIGN KEY (tenant_id, provider_code) REFERENCES providers (tenant_id, code) ON DELETE CASCADE
);

-- A transport plan. status: draft, agreed, in-progress, completed, cancelled. version: increases at every change, the
-- version of the RepatriationPlanned event Cases keeps. details: JSON of what the MEDIF needs besides the legs
-- (incapacity, wheelchair, ground arrangements, physician, escort's name).
CREATE TABLE plans (
    id                    uuid        PRIMARY KEY,
    tenant_id             text        NOT NULL,
    case_id               uuid        NOT NULL,
    case_number           text        NOT NULL,
    mode                  text        NOT NULL,
    escort                text        NOT NULL,
    route_class           text        NOT NULL,
    provider_code         text        NULL,
    receiving_clinic_code text        NULL,
    receiving_name        text        NULL,
    receiving_address     text        NULL,
    oxygen_lpm            numeric     NULL,
    equipment             text[]      NOT NULL,
    details               jsonb       NOT NULL,
    estimate_amount       numeric     NULL,
    estimate_currency     char(3)     NULL,
    status                text        NOT NULL,
    version               bigint      NOT NULL,
    created_at            timestamptz NOT NULL,
    created_by            text        NOT NULL,
    changed_at            timestamptz NOT NULL,
    changed_by            text        NOT NULL,
    cancel_reason         text        NULL
);
CREATE INDEX plans_by_case ON plans (tenant_id, case_id, created_at DESC);
-- One live plan per case: drafts are many, but only one may be agreed or under way.
CREATE UNIQUE INDEX plans_one_live_per_case ON plans (tenant_id, case_id) WHERE status IN ('agreed', 'in-progress');

CREATE TABLE plan_legs (
    plan_id       uuid        NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    number        int         NOT NULL,
    kind          text        NOT NULL,
    from_place    text        NOT NULL,
    to_place      text        NOT NULL,
    departs_at    timestamptz NOT NULL,
    departs_offset_minutes int NOT NULL,
    carrier       text        NULL,
    flight_number text        NULL,
    seats         int         NULL,
    arranged_by   text        NOT NULL,
    paid_by       text        NOT NULL,
    provider_code text        NULL,
    status        text        NOT NULL,
    reference     text        NULL,
    changed_at    timestamptz NOT NULL,
    changed_by    text        NOT NULL,
    PRIMARY KEY (plan_id, number)
);

-- A commitment to pay a transport provider (as a guarantee letter is to a clinic): it reserves the repatriation
-- cover in Cases through GuaranteeLetterIssued. number: RPC-{year}-{6 digits}, per tenant. status: issued, revoked.
CREATE TABLE commitments (
    id            uuid        PRIMARY KEY,
    tenant_id     text        NOT NULL,
    number        text        NOT NULL,
    plan_id       uuid        NOT NULL REFERENCES plans (id),
    case_id       uuid        NOT NULL,
    provider_code text        NOT NULL,
    amount        numeric     NOT NULL,
    currency      char(3)     NOT NULL,
    status        text        NOT NULL,
    issued_at     timestamptz NOT NULL,
    issued_by     text        NOT NULL,
    revoked_at    timestamptz NULL,
    UNIQUE (tenant_id, number)
);
CREATE UNIQUE INDEX commitments_one_per_plan ON commitments (plan_id) WHERE status = 'issued';

CREATE TABLE commitment_numbers (
    tenant_id text NOT NULL,
    year      int  NOT NULL,
    last      int  NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

-- Booking requests e-mailed to providers, sent by the mail sender (claimed with FOR UPDATE SKIP LOCKED, retried with
-- backoff). status: pending, sent, failed; answer: null until the provider answers through its link (confirmed, declined).
CREATE TABLE booking_requests (
    id              uuid        PRIMARY KEY,
    tenant_id       text        NOT NULL,
    plan_id         uuid        NOT NULL REFERENCES plans (id),
    leg_number      int         NOT NULL,
    provider_code   text        NOT NULL,
    address         text        NOT NULL,
    status          text        NOT NULL,
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    claim_token     uuid        NULL,
    last_error      text        NULL,
    sent_at         timestamptz NULL,
    provider_message_id text    NULL,
    answer          text        NULL,
    answered_at     timestamptz NULL,
    answer_reference text       NULL,
    created_at      timestamptz NOT NULL,
    created_by      text        NOT NULL
);
CREATE INDEX booking_requests_due ON booking_requests (next_attempt_at) WHERE status = 'pending';
CREATE INDEX booking_requests_by_plan ON booking_requests (plan_id, leg_number);
