-- Where each case is (country and city, from Cases' CaseCoverageChanged), so that clinics can be searched for a case
-- by its number.
ALTER TABLE case_covers
    ADD COLUMN country char(2) NULL,
    ADD COLUMN city    text    NULL;
