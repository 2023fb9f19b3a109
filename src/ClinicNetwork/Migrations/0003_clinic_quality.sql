-- What is known of how well a clinic serves the tenant's insured: follow-up calls, complaints, time to organise help,
-- guarantee letters it refused, invoices disputed. Each event says how good it shows the clinic to be (signal, 0 bad to
-- 1 good) and how much it counts before its age discounts it (weight); the score is computed from them when read
-- (Quality/ClinicQuality.cs, README "Quality"), so it decays with time without anything rewriting it.
CREATE TABLE clinic_quality_events (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        text        NOT NULL,
    clinic_id        uuid        NOT NULL REFERENCES clinics (id),
    -- follow-up, complaint, help-organised, gop-refusal, invoice-dispute
    kind             text        NOT NULL,
    occurred_at      timestamptz NOT NULL,
    recorded_at      timestamptz NOT NULL,
    signal           double precision NOT NULL CHECK (signal BETWEEN 0 AND 1),
    weight           double precision NOT NULL CHECK (weight > 0),
    case_number      text        NULL,
    -- help-organised: minutes from the appeal to help organised.
    minutes          int         NULL,
    -- follow-up call results (openIMIS-style).
    care_rendered    boolean     NULL,
    payment_asked    boolean     NULL,
    payment_amount   numeric     NULL,
    payment_currency char(3)     NULL,
    drugs_received   boolean     NULL,
    assessment       smallint    NULL,
    note             text        NULL,
    actor            text        NULL
);
CREATE INDEX clinic_quality_events_clinic ON clinic_quality_events (tenant_id, clinic_id, occurred_at);
