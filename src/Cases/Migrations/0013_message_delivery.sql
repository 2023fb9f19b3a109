-- Messages to contacts are delivered: by e-mail or SMS, as the contact prefers and has agreed to, retried, with the
-- outcome on the message and the timeline.

-- Whether the contact agreed to be written to about the case (e-mail, SMS). False: nothing is sent; a coordinator
-- passes the message on by phone.
ALTER TABLE case_contacts ADD COLUMN consents_to_messages boolean NOT NULL DEFAULT true;

-- status: pending (waiting to be sent, or to be tried again), sent (accepted by the mail server or the SMS provider),
-- failed (refused, or given up after retries), held (not sent: no consent, no address or no contact; a coordinator
-- passes it on). channel is where it goes (email or sms), address the e-mail address or phone number used;
-- retry_from: when the current retry window began (null: when it was queued; a resend starts a new one).
ALTER TABLE contact_messages
    ADD COLUMN status          text        NOT NULL DEFAULT 'pending',
    ADD COLUMN address         text        NULL,
    ADD COLUMN retry_from      timestamptz NULL,
    ADD COLUMN attempts        int         NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz NULL,
    ADD COLUMN claim_token     uuid        NULL,
    ADD COLUMN last_error      text        NULL,
    ADD COLUMN provider_id     text        NULL,
    ADD COLUMN note            text        NULL;

-- Messages queued before delivery existed were shown on the timeline only; a stale warning sent now would mislead, so
-- they stay as they were, marked held for a coordinator.
UPDATE contact_messages SET status = 'held', note = 'Queued before messages were delivered; pass it on by phone if still relevant.';

CREATE INDEX contact_messages_due ON contact_messages (next_attempt_at) WHERE status = 'pending';
