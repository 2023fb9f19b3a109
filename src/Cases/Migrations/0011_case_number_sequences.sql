-- Case numbers (<year>-<sequence>, per tenant) come from a PostgreSQL sequence per tenant and year instead of a
-- counter row. A counter row is locked by whoever increments it until that transaction ends, so taking the number
-- inside a filing would make a tenant's filings wait for each other's commits (it was taken in a transaction of its
-- own instead, one more per new case); nextval() takes no lock that lasts and writes no transaction. Numbers stay
-- unique and increasing per tenant and year; a filing that rolls back leaves its number unused, as before.

-- The sequence of a tenant's year. The tenant id is hashed so that any id makes a valid, short name.
CREATE FUNCTION case_number_sequence(tenant text, year integer) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    RETURN 'case_number_' || left(md5(tenant), 20) || '_' || year;

-- Creates the sequence of a tenant's year unless it exists. Called in a transaction of its own before the first
-- filing of that year: created inside a filing, the sequence would be invisible to the tenant's other filings until
-- that filing commits, and they would wait for it.
CREATE FUNCTION create_case_number_sequence(tenant text, year integer) RETURNS void
    LANGUAGE plpgsql STRICT
AS $$
BEGIN
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', case_number_sequence(tenant, year));
EXCEPTION WHEN duplicate_table OR unique_violation THEN
    NULL; -- created by another filing at the same moment
END
$$;

-- The counters so far continue in their sequences.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT tenant_id, year, last_value FROM case_number_sequences LOOP
        EXECUTE format('CREATE SEQUENCE %I START %s', case_number_sequence(c.tenant_id, c.year), c.last_value + 1);
    END LOOP;
END
$$;

DROP TABLE case_number_sequences;
