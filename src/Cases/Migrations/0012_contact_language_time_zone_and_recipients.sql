-- Each contact's own time zone (IANA id; null: inferred from the phone, else the case's country) and when they last
-- called: messages and the briefing speak to a person, in their language and zone.
ALTER TABLE case_contacts
    ADD COLUMN time_zone      text        NULL,
    ADD COLUMN last_called_at timestamptz NULL;

-- A message names its recipient and channel, and is written in the recipient's language.
ALTER TABLE contact_messages
    ADD COLUMN contact_id uuid NULL REFERENCES case_contacts (id),
    ADD COLUMN recipient  text NULL,
    ADD COLUMN channel    text NULL,
    ADD COLUMN language   text NULL;

-- Who sent a document (a contact of the case), so the review is told to them.
ALTER TABLE case_documents ADD COLUMN sent_by_contact_id uuid NULL REFERENCES case_contacts (id);
