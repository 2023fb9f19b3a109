-- The register and the reminder campaigns, after 0001.

-- Persons are found by date of birth and then by name, case-insensitively in Cyrillic too (lower() under ICU's root
-- collation: the database's own may be "C", which folds ASCII only). A date of birth narrows a register of millions to
-- a few dozen persons, and a date index costs a load of a million rows far less than one on lower(full_name), which
-- would fold every name through ICU as it is written.
DROP INDEX insured_by_name;
CREATE INDEX insured_by_birth_date ON insured (tenant_id, birth_date);

-- A clinic's list is replaced as a whole.
CREATE INDEX dispensary_of_clinic ON dispensary_observations (tenant_id, clinic_code);

-- What the representative noted with the outcome of an invitation (a call's result, a refusal's reason).
ALTER TABLE invitations ADD COLUMN outcome_note text;

-- A person's invitations, by ЕНП first: ЕНП compares bytewise (COLLATE "C"), the tenant under the database's collation,
-- so this order costs a planner writing half a million invitations a few seconds less than (tenant_id, enp).
DROP INDEX invitations_of_person;
CREATE INDEX invitations_of_person ON invitations (enp, tenant_id);
