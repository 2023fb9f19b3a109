-- Billing: invoices from clinics and the insured's receipts, adjudicated line by line against what this service keeps
-- of the other services' facts (never read from their databases): each case's cover and policy terms (from Cases),
-- the guarantee letters and the clinics' price lists (from the clinic network), and the exchange rates an admin loads.

-- The latest picture of a case's cover that Cases published (highest version wins). policy: the policy's terms (JSON,
-- the contract's PolicyTerms: period, deductible, limits, risks); null when the case has no policy found.
CREATE TABLE case_covers (
    tenant_id             text        NOT NULL,
    case_id               uuid        NOT NULL,
    case_number           text        NOT NULL,
    insured_name          text        NOT NULL,
    insured_date_of_birth date        NULL,
    policy_number         text        NULL,
    country               char(2)     NULL,
    policy                jsonb       NULL,
    version               bigint      NOT NULL,
    changed_at            timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, case_id),
    UNIQUE (tenant_id, case_number)
);
-- The deductible is taken once per policy, over all of its cases.
CREATE INDEX case_covers_by_policy ON case_covers (tenant_id, policy_number) WHERE policy_number IS NOT NULL;

-- Per benefit (lower-case code): the limit and its currency as Cases counts it.
CREATE TABLE case_cover_benefits (
    tenant_id    text    NOT NULL,
    case_id      uuid    NOT NULL,
    benefit      text    NOT NULL,
    limit_amount numeric NULL,
    currency     char(3) NOT NULL,
    PRIMARY KEY (tenant_id, case_id, benefit),
    FOREIGN KEY (tenant_id, case_id) REFERENCES case_covers (tenant_id, case_id) ON DELETE CASCADE
);

-- Guarantee letters as the clinic network issued them: the number invoices are billed under and its terms.
CREATE TABLE guarantee_letters (
    id                uuid PRIMARY KEY,
    tenant_id         text        NOT NULL,
    number            text        NULL,
    case_id           uuid        NOT NULL,
    clinic_code       text        NULL,
    clinic_name       text        NULL,
    benefit           text        NOT NULL,
    amount            numeric     NOT NULL,
    currency          char(3)     NOT NULL,
    period_from       date        NULL,
    period_to         date        NULL,
    co_payment        numeric     NOT NULL DEFAULT 0,
    deductible        numeric     NOT NULL DEFAULT 0,
    excluded_services text[]      NOT NULL DEFAULT '{}',
    -- issued or revoked.
    status            text        NOT NULL,
    changed_at        timestamptz NOT NULL
);
CREATE UNIQUE INDEX guarantee_letters_by_number ON guarantee_letters (tenant_id, number) WHERE number IS NOT NULL;

-- The clinics' price lists, as the clinic network last published them (every version; a whole picture per clinic).
CREATE TABLE clinic_price_lists (
    tenant_id   text        NOT NULL,
    clinic_code text        NOT NULL,
    clinic_name text        NOT NULL,
    country     char(2)     NOT NULL,
    changed_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, clinic_code)
);

CREATE TABLE clinic_prices (
    tenant_id    text    NOT NULL,
    clinic_code  text    NOT NULL,
    service_code text    NOT NULL,
    price        numeric NOT NULL,
    currency     char(3) NOT NULL,
    valid_from   date    NOT NULL,
    valid_to     date    NULL,
    PRIMARY KEY (tenant_id, clinic_code, service_code, valid_from),
    FOREIGN KEY (tenant_id, clinic_code) REFERENCES clinic_price_lists (tenant_id, clinic_code) ON DELETE CASCADE
);

-- Exchange rates an admin loads: on rate_date one unit of currency is worth rate units of base. A rate loaded again
-- for the same day replaces the earlier one; adjudication records which it used.
CREATE TABLE exchange_rates (
    tenant_id  text        NOT NULL,
    rate_date  date        NOT NULL,
    currency   char(3)     NOT NULL,
    base       char(3)     NOT NULL,
    rate       numeric     NOT NULL CHECK (rate > 0),
    loaded_at  timestamptz NOT NULL,
    loaded_by  text        NOT NULL,
    PRIMARY KEY (tenant_id, currency, base, rate_date)
);

-- X12 837 files as received, once each.
CREATE TABLE x12_files (
    id          uuid PRIMARY KEY,
    tenant_id   text        NOT NULL,
    content     text        NOT NULL,
    received_at timestamptz NOT NULL,
    received_by text        NOT NULL
);

CREATE TABLE invoices (
    id               uuid PRIMARY KEY,
    tenant_id        text        NOT NULL,
    -- clinic or reimbursement; professional, institutional or other; json, x12-837p, x12-837i or receipt.
    kind             text        NOT NULL,
    form             text        NOT NULL,
    source           text        NOT NULL,
    number           text        NOT NULL,
    case_id          uuid        NOT NULL,
    case_number      text        NOT NULL,
    letter_id        uuid        NULL,
    guarantee_number text        NULL,
    -- The biller's code: the clinic's code in the network, or 'insured' for a reimbursement (one per case).
    biller_code      text        NOT NULL,
    biller           jsonb       NOT NULL,
    patient          jsonb       NOT NULL,
    service_from     date        NOT NULL,
    service_to       date        NOT NULL,
    currency         char(3)     NOT NULL,
    diagnoses        text[]      NOT NULL DEFAULT '{}',
    facility_code    text        NULL,
    -- Where a reimbursement is paid: the insured's account (holder, IBAN or number, bank).
    payee_account    jsonb       NULL,
    -- adjudicated, returned (to the biller for correction: return_reason) or pending (cannot be decided yet:
    -- pending_reason, e.g. no exchange rate; adjudicated again when the rate is loaded, or on request).
    status           text        NOT NULL,
    -- What a pending invoice waits for: rate (adjudicated when rates are loaded), cover or person.
    pending_on       text        NULL,
    pending_reason   text        NULL,
    return_reason    text        NULL,
    received_at      timestamptz NOT NULL,
    submitted_by     text        NOT NULL,
    -- The X12 file the invoice came in (one file may carry many claims).
    x12_file_id      uuid        NULL REFERENCES x12_files (id),
    -- A returned invoice, once its biller sent the corrected one under the same number.
    superseded_by    uuid        NULL
);
-- A biller's invoice number is its own: the same number twice from one biller is the same invoice (unless the first
-- was returned for correction and the second corrects it).
CREATE UNIQUE INDEX invoices_number ON invoices (tenant_id, biller_code, number) WHERE superseded_by IS NULL;
CREATE INDEX invoices_by_case ON invoices (tenant_id, case_id);
-- What other invoices under a letter used of it (its reservation, its co-payment).
CREATE INDEX invoices_by_letter ON invoices (letter_id) WHERE letter_id IS NOT NULL;

CREATE TABLE invoice_lines (
    invoice_id         uuid    NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    line               integer NOT NULL,
    tenant_id          text    NOT NULL,
    case_id            uuid    NOT NULL,
    biller_code        text    NOT NULL,
    service_code       text    NOT NULL,
    code_system        text    NOT NULL,
    revenue_code       text    NULL,
    description        text    NULL,
    service_date       date    NOT NULL,
    quantity           numeric NOT NULL,
    unit_price         numeric NOT NULL,
    amount             numeric NOT NULL,
    diagnosis_pointers integer[] NOT NULL DEFAULT '{}',
    benefit            text    NOT NULL,
    PRIMARY KEY (invoice_id, line)
);
-- Duplicates across invoices: the same biller, patient (case), date, code and amount.
CREATE INDEX invoice_lines_duplicates ON invoice_lines (tenant_id, case_id, biller_code, service_date, service_code, amount);

-- The insured's receipts, attached to their reimbursement claims.
CREATE TABLE receipts (
    id           uuid PRIMARY KEY,
    invoice_id   uuid        NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    tenant_id    text        NOT NULL,
    file_name    text        NOT NULL,
    content_type text        NOT NULL,
    content      bytea       NOT NULL,
    uploaded_at  timestamptz NOT NULL
);
CREATE INDEX receipts_by_invoice ON receipts (invoice_id);

-- Every adjudication of an invoice (revision 1, 2, ...): the latest is in force. lines: the decisions per line (JSON).
CREATE TABLE adjudications (
    invoice_id                  uuid        NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    revision                    integer     NOT NULL,
    tenant_id                   text        NOT NULL,
    status                      text        NOT NULL,
    return_reason               text        NULL,
    billed                      numeric     NOT NULL,
    approved                    numeric     NOT NULL,
    patient_responsibility      numeric     NOT NULL,
    rejected                    numeric     NOT NULL,
    policy_currency             char(3)     NOT NULL,
    rate                        numeric     NOT NULL,
    rate_date                   date        NULL,
    approved_in_policy_currency numeric     NOT NULL,
    deductible_taken            numeric     NOT NULL DEFAULT 0,
    lines                       jsonb       NOT NULL,
    adjudicated_at              timestamptz NOT NULL,
    adjudicated_by              text        NOT NULL,
    PRIMARY KEY (invoice_id, revision)
);

-- A person's decision on a line (a coordinator or a doctor), with the reason: kept and applied by every later revision.
CREATE TABLE line_overrides (
    invoice_id uuid        NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    line       integer     NOT NULL,
    tenant_id  text        NOT NULL,
    outcome    text        NOT NULL,
    paid       numeric     NOT NULL,
    reason     text        NOT NULL,
    decided_by text        NOT NULL,
    decided_at timestamptz NOT NULL,
    PRIMARY KEY (invoice_id, line)
);

CREATE SEQUENCE x12_control_numbers MAXVALUE 999999999;

CREATE TABLE payment_orders (
    id             uuid PRIMARY KEY,
    tenant_id      text        NOT NULL,
    invoice_id     uuid        NOT NULL REFERENCES invoices (id),
    -- clinic or insured.
    payee_kind     text        NOT NULL,
    payee_name     text        NOT NULL,
    payee_account  jsonb       NULL,
    amount         numeric     NOT NULL,
    currency       char(3)     NOT NULL,
    -- pending, sent, paid or failed.
    status         text        NOT NULL,
    failure_reason text        NULL,
    reference      text        NOT NULL,
    method         text        NOT NULL,
    -- The interchange and group control number of the payment's 835 (ISA13, GS06): one per payment, so the file
    -- read twice is the same file.
    control_number integer     NOT NULL DEFAULT nextval('x12_control_numbers'),
    created_at     timestamptz NOT NULL,
    changed_at     timestamptz NOT NULL,
    paid_on        date        NULL,
    UNIQUE (tenant_id, reference)
);
CREATE INDEX payment_orders_by_invoice ON payment_orders (invoice_id);
CREATE SEQUENCE payment_references;
