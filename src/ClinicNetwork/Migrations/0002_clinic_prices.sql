-- Price lists: one row per version of a price of a service at a clinic. A version is valid from valid_from to valid_to
-- (both inclusive; open-ended when null); a later version closes the one before it (valid_to = its valid_from - 1),
-- and nothing is deleted, so what a clinic charged on any date stays answerable (invoices are checked against it).
CREATE TABLE clinic_prices (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id    text        NOT NULL,
    clinic_id    uuid        NOT NULL REFERENCES clinics (id),
    service_code text        NOT NULL,
    price        numeric     NOT NULL,
    currency     char(3)     NOT NULL,
    valid_from   date        NOT NULL,
    valid_to     date        NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    UNIQUE (clinic_id, service_code, valid_from)
);

-- Lists by country and city, and the centroid of a city's clinics for a search by case.
CREATE INDEX clinics_city ON clinics (tenant_id, country, lower(city));
