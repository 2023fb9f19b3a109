CREATE TABLE appeals (
    id                    uuid PRIMARY KEY,
    tenant_id             text        NOT NULL,
    channel               text        NOT NULL,
    urgency               text        NOT NULL,
    caller_name           text        NOT NULL,
    caller_relation       text        NOT NULL,
    caller_phone          text        NULL,
    caller_email          text        NULL,
    caller_language       text        NULL,
    insured_policy_number text        NULL,
    insured_full_name     text        NOT NULL,
    insured_date_of_birth date        NULL,
    country               char(2)     NOT NULL,
    city                  text        NULL,
    address               text        NULL,
    description           text        NOT NULL,
    registered_at         timestamptz NOT NULL,
    registered_by         text        NOT NULL,
    -- Filled in when Cases reports the case it opened for this appeal.
    case_id               uuid        NULL,
    case_number           text        NULL
);

CREATE INDEX appeals_by_tenant ON appeals (tenant_id, registered_at DESC);
