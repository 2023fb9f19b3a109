-- The SMO's own details, as its letters, SMS and reports name it: one row per tenant (an SMO), set by its supervisor.
CREATE TABLE smo_profiles (
    tenant_id  text PRIMARY KEY,
    name       text NOT NULL,          -- as the insured know it: «Ромашка-Мед»
    phone      text NOT NULL,          -- the contact centre's number, in letters and SMS
    time_zone  text NOT NULL,          -- IANA: the region's, for the law's clock and every date a person reads
    address    text,                   -- for the letters' heading
    sms_sender text,                   -- the SMS sender name registered with the provider
    updated_at timestamptz NOT NULL
);

-- The time zone an SMO's days are counted in (the law's clock, the campaigns' days, the reports' periods): its
-- profile's, else Moscow's (SmoProfile.Default). For scans across SMOs, which cannot take one zone as a parameter.
CREATE FUNCTION oms_time_zone(tenant text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce((SELECT time_zone FROM smo_profiles WHERE tenant_id = tenant), 'Europe/Moscow')
$$;
