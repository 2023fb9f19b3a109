-- The register and the reminder campaigns, after 0001.

-- Names are found case-insensitively in Cyrillic too: lower() under the database's own collation may be "C", which
-- folds ASCII only, so the index and the search fold with ICU's root collation, whatever the database's locale.
DROP INDEX insured_by_name;
CREATE INDEX insured_by_name ON insured (tenant_id, lower(full_name COLLATE "und-x-icu"), birth_date);

-- A clinic's list is replaced as a whole.
CREATE INDEX dispensary_of_clinic ON dispensary_observations (tenant_id, clinic_code);

-- What the representative noted with the outcome of an invitation (a call's result, a refusal's reason).
ALTER TABLE invitations ADD COLUMN outcome_note text;

-- Whether a person is already invited for a kind in a year, and the re-invitations' "last invitation of that kind".
CREATE INDEX invitations_of_campaign_person ON invitations (campaign_id, enp, kind, wave);
