-- The clinic network: the clinics each tenant (an insurer, or the assistance company for it) works with, where they
-- are, what they do, and on what terms. Geography is PostGIS: the extension is created here when the service's user
-- may (locally and in the development overlay); in production a superuser creates it once (k8s/README.md).
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE clinics (
    id                      uuid PRIMARY KEY,
    tenant_id               text        NOT NULL,
    -- The network's own id for the clinic: what a register load upserts by.
    code                    text        NOT NULL,
    name                    text        NOT NULL,
    country                 char(2)     NOT NULL,
    city                    text        NOT NULL,
    address                 text        NOT NULL,
    location                geography(Point, 4326) NOT NULL,
    -- IANA zone of the clinic: opening hours are in it.
    time_zone               text        NOT NULL,
    phone                   text        NULL,
    email                   text        NULL,
    -- Codes of the published list (README, "Clinic network").
    specialties             text[]      NOT NULL DEFAULT '{}',
    -- ISO 639-1 codes of the languages the staff speak.
    languages               text[]      NOT NULL DEFAULT '{}',
    inpatient               boolean     NOT NULL DEFAULT false,
    outpatient              boolean     NOT NULL DEFAULT true,
    admits_24_7             boolean     NOT NULL DEFAULT false,
    direct_billing          boolean     NOT NULL DEFAULT false,
    -- The insurers the clinic bills directly (empty with direct_billing: any).
    direct_billing_insurers text[]      NOT NULL DEFAULT '{}',
    contract_from           date        NULL,
    contract_to             date        NULL,
    -- active, suspended or delisted.
    status                  text        NOT NULL DEFAULT 'active',
    -- [{ "day": 1..7 (Monday = 1), "opens": "08:00", "closes": "20:00" }], in the clinic's zone; empty: no hours given.
    opening_hours           jsonb       NOT NULL DEFAULT '[]',
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL,
    UNIQUE (tenant_id, code)
);
CREATE INDEX clinics_location ON clinics USING gist (location);
