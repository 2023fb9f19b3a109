-- A row that keeps failing no longer blocks the others: it waits for its next attempt, and after a bounded number of
-- attempts it is parked (visible and countable) until an operator replays it.
ALTER TABLE outbox_messages
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN locked_until    timestamptz NULL,
    ADD COLUMN parked_at       timestamptz NULL;

DROP INDEX outbox_messages_pending;
CREATE INDEX outbox_messages_pending ON outbox_messages (id) WHERE sent_at IS NULL AND parked_at IS NULL;
CREATE INDEX outbox_messages_parked ON outbox_messages (id) WHERE parked_at IS NOT NULL AND sent_at IS NULL;
CREATE INDEX inbox_messages_processed_at ON inbox_messages (processed_at);
