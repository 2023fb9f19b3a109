-- The insurers' policy registers. One row per policy, one per insured person; benefit limits are a small list
-- that is always read with its policy, so they live in the policy row as jsonb.
CREATE TABLE policies (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id           text          NOT NULL,
    -- "C" collation: policy numbers are identifiers; it also lets the unique index serve prefix searches.
    policy_number       text COLLATE "C" NOT NULL,
    plan                text          NOT NULL,
    starts_on           date          NOT NULL,
    ends_on             date          NOT NULL,
    territory           text[]        NOT NULL,
    limits              jsonb         NOT NULL,   -- [{"benefit":"medical-expenses","amount":50000,"currency":"EUR"}]
    deductible_amount   numeric       NULL,
    deductible_currency char(3)       NULL,
    covered_risks       text[]        NOT NULL,
    excluded_risks      text[]        NOT NULL,
    assistance_partner  text          NULL,
    created_at          timestamptz   NOT NULL DEFAULT now(),
    updated_at          timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT policies_number_unique UNIQUE (tenant_id, policy_number),
    CONSTRAINT policies_period CHECK (starts_on <= ends_on),
    CONSTRAINT policies_deductible CHECK ((deductible_amount IS NULL) = (deductible_currency IS NULL))
);

-- No foreign key to policies: rows are written only by the loader, in the transaction that upserts their policy
-- (with the id it returned), and policies are never deleted; the key check cost a third of a bulk load's insured insert.
CREATE TABLE policy_insured (
    policy_id       bigint NOT NULL,
    tenant_id       text   NOT NULL,
    position        int    NOT NULL,
    full_name       text   NOT NULL,   -- trimmed, inner whitespace collapsed by the loader
    date_of_birth   date   NOT NULL,
    document_number text   NULL,
    PRIMARY KEY (policy_id, position)
);

-- Coverage lookup by name and date of birth (equality), and search by name prefix (text_pattern_ops serves both).
CREATE INDEX policy_insured_by_person ON policy_insured (tenant_id, lower(full_name) text_pattern_ops, date_of_birth);
