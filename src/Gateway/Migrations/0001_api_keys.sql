-- Insurer API keys. Only the SHA-256 of the secret is stored: the secret itself is shown once, when issued.
CREATE TABLE api_keys (
    key_id       uuid        PRIMARY KEY,
    tenant_id    text        NOT NULL,
    name         text        NOT NULL,
    key_hash     bytea       NOT NULL,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    last_used_at timestamptz,
    CONSTRAINT api_keys_key_hash_unique UNIQUE (key_hash)
);

CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);
