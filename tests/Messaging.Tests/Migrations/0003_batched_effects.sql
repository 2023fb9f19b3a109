-- What the batched consumer changes: one counter per message, and the transaction that last applied it.
CREATE TABLE batched_effects (
    id      uuid PRIMARY KEY,
    applied integer NOT NULL,
    txid    bigint NOT NULL
);
