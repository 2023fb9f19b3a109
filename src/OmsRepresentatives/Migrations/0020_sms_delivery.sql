-- SMS delivery of invitations: when a pending invitation may be tried again after a failed attempt (its backoff), and
-- when a 'sending' claim runs out (a replica that died mid-send leaves it to be taken again).
ALTER TABLE invitations ADD COLUMN next_attempt_at timestamptz;
CREATE INDEX invitations_sending ON invitations (next_attempt_at) WHERE delivery = 'sending';
