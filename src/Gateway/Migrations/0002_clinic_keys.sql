-- API keys are the insurer's (its integration) or one clinic's of its network (clinic_code: the clinic's code there),
-- which acts as that clinic only.
ALTER TABLE api_keys
    ADD COLUMN role        text NOT NULL DEFAULT 'insurer',
    ADD COLUMN clinic_code text NULL,
    ADD CONSTRAINT api_keys_role CHECK (role IN ('insurer', 'clinic')),
    ADD CONSTRAINT api_keys_clinic_code CHECK ((role = 'clinic') = (clinic_code IS NOT NULL));
