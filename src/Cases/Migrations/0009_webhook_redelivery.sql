-- Deliveries are retried for a time (Webhooks:RetryFor, 24 h by default) rather than a number of attempts, and a
-- failed or delivered one can be sent again on request, which opens a new retry window: when it started, and how
-- many attempts came before it (the backoff starts over, the attempt log keeps counting).
ALTER TABLE webhook_deliveries
    ADD COLUMN retry_window_started_at timestamptz NULL,       -- null: the delivery's creation
    ADD COLUMN retry_window_attempts   integer     NOT NULL DEFAULT 0,
    ADD COLUMN redelivered_at          timestamptz NULL,
    ADD COLUMN redelivered_by          text        NULL;
