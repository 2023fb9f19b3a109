-- Transactional outbox: rows are written in the same transaction as the state change that causes them,
-- and a relay publishes them to RabbitMQ afterwards.
CREATE TABLE outbox_messages (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id   uuid        NOT NULL UNIQUE,
    message_type text        NOT NULL,
    body         jsonb       NOT NULL,
    trace_parent text        NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    attempts     integer     NOT NULL DEFAULT 0,
    last_error   text        NULL,
    sent_at      timestamptz NULL
);
CREATE INDEX outbox_messages_pending ON outbox_messages (id) WHERE sent_at IS NULL;

-- Inbox: one row per (consumer, message) applied, so a redelivered message changes nothing.
CREATE TABLE inbox_messages (
    consumer     text        NOT NULL,
    message_id   uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);
