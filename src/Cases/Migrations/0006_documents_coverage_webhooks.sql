-- Documents sent for a case (passport, policy, medical report, ROMIF, ...) and their review.
CREATE TABLE case_documents (
    id            uuid PRIMARY KEY,
    tenant_id     text        NOT NULL,
    case_id       uuid        NOT NULL REFERENCES cases (id),
    type          text        NOT NULL,          -- passport | policy | medical-report | discharge-summary | itemised-bill | romif | medif | invoice | receipt | other
    file_name     text        NOT NULL,
    content_type  text        NOT NULL,          -- as sniffed from the bytes, which matched what the client declared
    size_bytes    bigint      NOT NULL,
    sha256        bytea       NOT NULL,
    uploaded_at   timestamptz NOT NULL,
    uploaded_by   text        NOT NULL,
    review_state  text        NOT NULL DEFAULT 'received',   -- received (awaiting review) | accepted | rejected
    review_reason text        NULL,
    reviewed_at   timestamptz NULL,
    reviewed_by   text        NULL,
    UNIQUE (case_id, sha256)                     -- the same file twice on one case is a conflict, not a second document
);
CREATE INDEX case_documents_by_case ON case_documents (tenant_id, case_id, uploaded_at);

-- The bytes, apart from the metadata so that listing documents never reads them. PostgreSQL is an acceptable store at
-- today's volumes (a case has tens of documents of a few MiB); an object store is the next step.
CREATE TABLE case_document_contents (
    document_id uuid  PRIMARY KEY REFERENCES case_documents (id),
    tenant_id   text  NOT NULL,
    content     bytea NOT NULL
);
ALTER TABLE case_document_contents ALTER COLUMN content SET STORAGE EXTERNAL; -- PDFs and JPEGs are compressed already

-- Coverage consumption is derived from the letters and invoices other services report, kept as they arrived, so that
-- events in any order (an amendment before its letter, a correction of an invoice) fold to the same figures.
CREATE TABLE coverage_entries (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   text          NOT NULL,
    case_id     uuid          NOT NULL REFERENCES cases (id),
    kind        text          NOT NULL,          -- letter-issued | letter-amended | letter-revoked | invoice-adjudicated
    source_id   uuid          NOT NULL,          -- the letter or the invoice
    letter_id   uuid          NULL,              -- for invoices billed under a guarantee letter
    benefit     text          NULL,              -- null only for revocations
    amount      numeric(14,2) NULL,
    currency    text          NULL,
    at          timestamptz   NOT NULL,
    recorded_at timestamptz   NOT NULL,
    UNIQUE (tenant_id, source_id, kind, at)      -- the same fact published twice (a new message id) counts once
);
CREATE INDEX coverage_entries_by_case ON coverage_entries (tenant_id, case_id);

-- Thresholds crossed, once per case, benefit and threshold: a limit warned about is not warned about again.
CREATE TABLE coverage_thresholds_reached (
    tenant_id  text        NOT NULL,
    case_id    uuid        NOT NULL REFERENCES cases (id),
    benefit    text        NOT NULL,
    threshold  integer     NOT NULL,
    reached_at timestamptz NOT NULL,
    PRIMARY KEY (case_id, benefit, threshold)
);

-- Amounts in a currency other than the limit's are not converted yet: each such (benefit, currency) is flagged once.
CREATE TABLE coverage_currency_flags (
    tenant_id  text        NOT NULL,
    case_id    uuid        NOT NULL REFERENCES cases (id),
    benefit    text        NOT NULL,
    currency   text        NOT NULL,
    flagged_at timestamptz NOT NULL,
    PRIMARY KEY (case_id, benefit, currency)
);

-- Insurers' webhook subscriptions. The secret is kept as given: signing needs it in the clear.
CREATE TABLE webhook_subscriptions (
    id         uuid PRIMARY KEY,
    tenant_id  text        NOT NULL,
    url        text        NOT NULL,
    events     text[]      NOT NULL,             -- timeline kinds, or '*'
    secret     text        NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text        NOT NULL,
    deleted_at timestamptz NULL
);
CREATE INDEX webhook_subscriptions_active ON webhook_subscriptions (tenant_id) WHERE deleted_at IS NULL;

-- One row per (timeline entry, matching subscription), written in the transaction of the entry.
CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY,
    event_id         uuid        NOT NULL,       -- the same for every subscription that receives the entry
    tenant_id        text        NOT NULL,
    subscription_id  uuid        NOT NULL REFERENCES webhook_subscriptions (id),
    case_id          uuid        NOT NULL REFERENCES cases (id),
    case_number      text        NOT NULL,
    kind             text        NOT NULL,
    summary          text        NOT NULL,
    at               timestamptz NOT NULL,
    data             jsonb       NULL,
    status           text        NOT NULL DEFAULT 'pending',   -- pending | delivered | failed | cancelled
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    claim_token      uuid        NULL,           -- the dispatcher holding the row; its result is recorded only under this token
    last_status_code integer     NULL,
    last_error       text        NULL,
    created_at       timestamptz NOT NULL,
    completed_at     timestamptz NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, created_at DESC);

CREATE TABLE webhook_delivery_attempts (
    delivery_id  uuid        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt      integer     NOT NULL,
    attempted_at timestamptz NOT NULL,
    status_code  integer     NULL,
    error        text        NULL,
    duration_ms  integer     NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);
