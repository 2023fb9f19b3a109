-- Guarantee letters (GOP): the clinic network's own view of each case's cover, kept from Cases' CaseCoverageChanged
-- and Billing's InvoiceAdjudicated (never read from Cases' database), the letters issued against it, the e-mails
-- that carry them to clinics, and the GOP numbers.

-- The latest picture of a case's cover that Cases published (highest version wins; older ones arriving late are dropped).
CREATE TABLE case_covers (
    tenant_id             text        NOT NULL,
    case_id               uuid        NOT NULL,
    case_number           text        NOT NULL,
    insured_name          text        NOT NULL,
    insured_date_of_birth date        NULL,
    policy_number         text        NULL,
    version               bigint      NOT NULL,
    changed_at            timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, case_id),
    UNIQUE (tenant_id, case_number)
);

-- Per benefit (key: lower-case code, as Cases keys it): limit and currency; reserved and spent as Cases counted them
-- (shown, not used for the cover rule, which counts this service's own letters and invoices).
CREATE TABLE case_cover_benefits (
    tenant_id    text    NOT NULL,
    case_id      uuid    NOT NULL,
    benefit      text    NOT NULL,
    limit_amount numeric NULL,
    currency     text    NOT NULL,
    reserved     numeric NOT NULL,
    spent        numeric NOT NULL,
    PRIMARY KEY (tenant_id, case_id, benefit),
    FOREIGN KEY (tenant_id, case_id) REFERENCES case_covers (tenant_id, case_id) ON DELETE CASCADE
);

-- Adjudicated invoices, the latest adjudication of each: what is spent, and what releases a letter's reservation.
CREATE TABLE cover_invoices (
    tenant_id      text        NOT NULL,
    invoice_id     uuid        NOT NULL,
    case_id        uuid        NOT NULL,
    benefit        text        NOT NULL,
    amount         numeric     NOT NULL,
    currency       text        NOT NULL,
    letter_id      uuid        NULL,
    adjudicated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, invoice_id)
);
CREATE INDEX cover_invoices_by_case ON cover_invoices (tenant_id, case_id);

CREATE TABLE guarantee_letters (
    id                     uuid PRIMARY KEY,
    tenant_id              text        NOT NULL,
    -- GOP-<year>-<sequence>, per tenant: what the letter shows and what billing matches invoices against.
    number                 text        NOT NULL,
    case_id                uuid        NOT NULL,
    case_number            text        NOT NULL,
    -- The insured as the case knew them when the letter was issued: the letter says what it said.
    insured_name           text        NOT NULL,
    insured_date_of_birth  date        NULL,
    policy_number          text        NULL,
    -- The clinic as it was at issue: the letter goes to this address, in this language, and expires in this zone.
    clinic_id              uuid        NOT NULL,
    clinic_code            text        NOT NULL,
    clinic_name            text        NOT NULL,
    clinic_address         text        NOT NULL,
    clinic_email           text        NULL,
    clinic_time_zone       text        NOT NULL,
    language               text        NOT NULL,
    benefit                text        NOT NULL,
    amount                 numeric     NOT NULL,
    currency               char(3)     NOT NULL,
    period_from            date        NOT NULL,
    period_to              date        NOT NULL,
    room_type              text        NOT NULL,
    co_payment             numeric     NOT NULL DEFAULT 0,
    deductible             numeric     NOT NULL DEFAULT 0,
    excluded_services      text[]      NOT NULL DEFAULT '{}',
    -- issued, revoked or expired.
    status                 text        NOT NULL,
    revocation_reason      text        NULL,
    issued_at              timestamptz NOT NULL,
    issued_by              text        NOT NULL,
    amended_at             timestamptz NULL,
    revoked_at             timestamptz NULL,
    -- The clinic's answer: accepted or refused (with its reason), by the signed link or recorded by staff.
    acknowledgement        text        NULL,
    acknowledgement_reason text        NULL,
    acknowledged_at        timestamptz NULL,
    acknowledged_by        text        NULL,
    UNIQUE (tenant_id, number)
);
CREATE INDEX guarantee_letters_by_case ON guarantee_letters (tenant_id, case_id);
CREATE INDEX guarantee_letters_to_expire ON guarantee_letters (period_to) WHERE status = 'issued';

-- E-mails carrying a letter to its clinic (on issue, amendment, revocation): claimed and leased by a sender, retried.
CREATE TABLE guarantee_mails (
    id              uuid PRIMARY KEY,
    tenant_id       text        NOT NULL,
    letter_id       uuid        NOT NULL REFERENCES guarantee_letters (id),
    -- issued, amended or revoked: what the e-mail announces.
    kind            text        NOT NULL,
    address         text        NULL,
    -- pending, sent or failed.
    status          text        NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text        NULL,
    claim_token     uuid        NULL,
    next_attempt_at timestamptz NULL,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz NULL
);
CREATE INDEX guarantee_mails_due ON guarantee_mails (next_attempt_at) WHERE status = 'pending';
CREATE INDEX guarantee_mails_by_letter ON guarantee_mails (letter_id, created_at);

-- GOP numbers come from a sequence per tenant and year, as Cases' case numbers do (its migration 0011 says why:
-- nextval() holds no lock until commit, so two issues for one tenant do not wait for each other).
CREATE FUNCTION gop_number_sequence(tenant text, year integer) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    RETURN 'gop_number_' || left(md5(tenant), 20) || '_' || year;

CREATE FUNCTION create_gop_number_sequence(tenant text, year integer) RETURNS void
    LANGUAGE plpgsql STRICT
AS $$
BEGIN
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', gop_number_sequence(tenant, year));
EXCEPTION WHEN duplicate_table OR unique_violation THEN
    NULL; -- created by another issue at the same moment
END
$$;
