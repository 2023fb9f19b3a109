-- How the caller wants to be reached and whether they agreed to be written to (null: not said), passed on to the case.
ALTER TABLE appeals
    ADD COLUMN caller_preferred_channel    text    NULL,
    ADD COLUMN caller_consents_to_messages boolean NULL;
