-- The OMS representatives' service: the SMO's register of insured persons and the clinics' dispensary lists, appeals
-- by tier with the law's clock, the knowledge base, reminder campaigns and their invitations, staffing.
-- Every table is keyed by tenant (the SMO); no query reads across tenants.

-- The register: one row per insured person (ЕНП, the 16-digit single policy number), loaded in bulk by binary COPY.
CREATE TABLE insured (
    tenant_id                text NOT NULL,
    enp                      text COLLATE "C" NOT NULL,
    full_name                text NOT NULL,
    birth_date               date NOT NULL,
    sex                      char(1) NOT NULL CHECK (sex IN ('m', 'f')),
    region                   text NOT NULL,            -- the subject of the Russian Federation, by its two-digit code ('77' Moscow)
    clinic_code              text,                     -- the medical organisation the person is attached to
    disability_group         smallint CHECK (disability_group BETWEEN 1 AND 3),
    in_depth                 boolean NOT NULL DEFAULT false,  -- entitled to the in-depth dispanserization (after COVID-19)
    last_checkup_on          date,                     -- the last preventive check-up attended
    last_dispanserization_on date,                     -- the last dispanserization (stage 1) attended
    phone                    text,
    reminder_channel         text CHECK (reminder_channel IN ('sms', 'call')),  -- null: no consent to reminders
    updated_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, enp)
);
CREATE INDEX insured_by_name ON insured (tenant_id, lower(full_name), birth_date);

-- The clinics' lists of patients under dispensary observation (chronic conditions), one row per person and diagnosis.
CREATE TABLE dispensary_observations (
    tenant_id     text NOT NULL,
    enp           text COLLATE "C" NOT NULL,
    diagnosis     text NOT NULL,                       -- ICD-10
    clinic_code   text NOT NULL,                       -- the clinic whose list it is
    next_visit_on date NOT NULL,                       -- the next visit due by the clinic's plan
    loaded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, enp, diagnosis)
);
CREATE INDEX dispensary_due ON dispensary_observations (tenant_id, next_visit_on);

-- Appeals: numbered per SMO and year (OMS-2026-000001), at a tier, on the law's clock when written.
CREATE TABLE appeal_numbers (
    tenant_id text NOT NULL,
    year      int NOT NULL,
    last      int NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

CREATE TABLE appeals (
    id                 bigserial PRIMARY KEY,
    tenant_id          text NOT NULL,
    number             text NOT NULL,
    channel            text NOT NULL CHECK (channel IN ('phone', 'chat', 'letter', 'email', 'portal')),
    written            boolean NOT NULL GENERATED ALWAYS AS (channel IN ('letter', 'email', 'portal')) STORED,
    kind               text NOT NULL,                  -- the topic it was classified as (decides the tier)
    tier               smallint NOT NULL CHECK (tier BETWEEN 1 AND 3),
    status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered')),
    enp                text COLLATE "C",               -- the insured person, when known
    applicant_name     text NOT NULL,
    applicant_phone    text,
    applicant_email    text,
    applicant_address  text,
    summary            text NOT NULL,                  -- what the citizen asks or complains of
    organisation       text,                           -- the medical organisation concerned, if any
    received_at        timestamptz NOT NULL,           -- when the call was taken or the letter arrived
    registered_at      timestamptz NOT NULL,
    wait_seconds       int,                            -- how long a call or chat waited to be answered
    due_at             timestamptz,                    -- written appeals: registered_at + 30 days (59-FZ)
    extended_to        timestamptz,                    -- at most 30 days more, once, with a notice to the citizen
    extension_reason   text,
    extension_notice   text,                           -- the notice letter to the citizen (Russian), as sent
    notice_sent_at     timestamptz,
    answered_at        timestamptz,
    answer             text,
    outcome            text CHECK (outcome IN ('resolved', 'partially-resolved', 'not-resolved', 'explained', 'redirected')),
    justified          boolean,                        -- complaints: was it justified
    first_contact      boolean,                        -- resolved in the contact that brought it
    contacts           int NOT NULL DEFAULT 1,
    assigned_to        text,
    created_by         text NOT NULL,
    version            int NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, number)
);
CREATE INDEX appeals_open_by_due ON appeals (tenant_id, coalesce(extended_to, due_at)) WHERE status = 'open' AND written;
CREATE INDEX appeals_by_registered ON appeals (tenant_id, registered_at);
CREATE INDEX appeals_by_enp ON appeals (tenant_id, enp) WHERE enp IS NOT NULL;

-- The appeal's history: who did what and why (registered, classified, escalated, de-escalated, knowledge-answer,
-- contact, intervention, expertise-ordered, expertise-concluded, extended, answered, deadline warnings and breaches).
CREATE TABLE appeal_events (
    id        bigserial PRIMARY KEY,
    tenant_id text NOT NULL,
    appeal_id bigint NOT NULL REFERENCES appeals (id),
    at        timestamptz NOT NULL,
    actor     text NOT NULL,
    kind      text NOT NULL,
    from_tier smallint,
    to_tier   smallint,
    text      text,
    data      jsonb
);
CREATE INDEX appeal_events_of ON appeal_events (appeal_id, id);

-- Tier 2: what the representative did with the medical organisation.
CREATE TABLE interventions (
    id             bigserial PRIMARY KEY,
    tenant_id      text NOT NULL,
    appeal_id      bigint NOT NULL REFERENCES appeals (id),
    organisation   text NOT NULL,
    contact_person text NOT NULL,                      -- whom they called (name, position)
    contacted_at   timestamptz NOT NULL,
    agreed         text NOT NULL,                      -- what was agreed
    outcome        text NOT NULL CHECK (outcome IN ('pending', 'resolved', 'partially-resolved', 'refused')),
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL
);
CREATE INDEX interventions_of ON interventions (appeal_id);

-- Tier 3: the expertise of the quality of care ordered on a complaint, and its conclusion.
CREATE TABLE expertises (
    id           bigserial PRIMARY KEY,
    tenant_id    text NOT NULL,
    appeal_id    bigint NOT NULL REFERENCES appeals (id),
    organisation text NOT NULL,
    reason       text NOT NULL,
    expert       text NOT NULL,
    ordered_at   timestamptz NOT NULL,
    due_on       date NOT NULL,
    concluded_at timestamptz,
    findings     text,
    violations   boolean,
    created_by   text NOT NULL
);
CREATE INDEX expertises_of ON expertises (appeal_id);

-- Work that must not be missed: deadline warnings and breaches of the law's clock, overdue expertises.
CREATE TABLE oms_tasks (
    id         bigserial PRIMARY KEY,
    tenant_id  text NOT NULL,
    appeal_id  bigint NOT NULL REFERENCES appeals (id),
    kind       text NOT NULL,                          -- registration-late, answer-due-soon, answer-overdue, expertise-overdue
    due_at     timestamptz NOT NULL,
    status     text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    created_at timestamptz NOT NULL,
    done_at    timestamptz,
    done_by    text,
    UNIQUE (appeal_id, kind)
);
CREATE INDEX oms_tasks_open ON oms_tasks (tenant_id, due_at) WHERE status = 'open';

-- The SMO's knowledge base for tier 1: typical questions and the answers its representatives give.
CREATE TABLE knowledge_articles (
    tenant_id  text NOT NULL,
    code       text NOT NULL,
    kind       text NOT NULL,                          -- the appeal kind it answers
    question   text NOT NULL,
    answer     text NOT NULL,
    keywords   text NOT NULL DEFAULT '',
    search     tsvector GENERATED ALWAYS AS (to_tsvector('russian', question || ' ' || keywords || ' ' || answer)) STORED,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, code)
);
CREATE INDEX knowledge_search ON knowledge_articles USING gin (search);

-- Reminder campaigns for preventive care (Minzdrav order 404n) and their invitations, one per person and kind.
CREATE TABLE campaigns (
    id              bigserial PRIMARY KEY,
    tenant_id       text NOT NULL,
    name            text NOT NULL,
    kinds           text[] NOT NULL,                   -- checkup, dispanserization, in-depth, dispensary
    year            int NOT NULL,                      -- the calendar year whose due check-ups it invites to
    starts_on       date NOT NULL,
    sms_per_day     int NOT NULL,
    calls_per_day   int NOT NULL,
    clinic_per_day  int NOT NULL,                      -- at most this many invitations a day per clinic, so none is flooded
    status          text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'cancelled')),
    planned_count   int NOT NULL DEFAULT 0,
    days            int NOT NULL DEFAULT 0,
    planning_ms     int NOT NULL DEFAULT 0,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL
);

CREATE TABLE invitations (
    id                  bigserial PRIMARY KEY,
    tenant_id           text NOT NULL,
    campaign_id         bigint NOT NULL REFERENCES campaigns (id),
    wave                smallint NOT NULL DEFAULT 1,     -- 2, 3 ...: a re-invitation
    enp                 text COLLATE "C" NOT NULL,
    kind                text NOT NULL CHECK (kind IN ('checkup', 'dispanserization', 'in-depth', 'dispensary')),
    channel             text NOT NULL CHECK (channel IN ('sms', 'call')),
    clinic_code         text,
    phone               text NOT NULL,
    scheduled_on        date NOT NULL,
    delivery            text NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'sending', 'sent', 'delivered', 'undelivered', 'cancelled')),
    provider_message_id text,
    attempts            smallint NOT NULL DEFAULT 0,
    last_error          text,
    sent_at             timestamptz,
    delivered_at        timestamptz,
    outcome             text CHECK (outcome IN ('reached', 'attended', 'refused', 'unreachable')),
    outcome_at          timestamptz,
    outcome_by          text
);
CREATE INDEX invitations_of_campaign ON invitations (campaign_id, scheduled_on);
CREATE INDEX invitations_to_send ON invitations (scheduled_on, id) WHERE delivery = 'pending' AND channel = 'sms';
CREATE INDEX invitations_by_provider_id ON invitations (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX invitations_of_person ON invitations (tenant_id, enp);

-- Staffing: insured persons per representative of each tier (the seed's figures by default) and the roster.
CREATE TABLE staffing_norms (
    tenant_id     text PRIMARY KEY,
    tier1_insured int NOT NULL,
    tier2_insured int NOT NULL,
    tier3_insured int NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE TABLE roster (
    tenant_id text NOT NULL,
    id        text NOT NULL,
    name      text NOT NULL,
    tier      smallint NOT NULL CHECK (tier BETWEEN 1 AND 3),
    fte       numeric(4, 2) NOT NULL CHECK (fte > 0 AND fte <= 1.5),
    active    boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- Who is due for which preventive measure in a calendar year (Minzdrav order 404n), by the age reached in that year:
-- dispanserization every 3 years at 18-39 (18, 21, ... 39) and yearly from 40 and for people with a disability; the
-- preventive check-up yearly from 18 in the other years; the in-depth dispanserization for those entitled to it. A
-- measure already attended in the year is not due. Dispensary observation comes from the clinics' lists instead.
-- One definition for the campaign planner and the regulator's report: IMMUTABLE, one expression without FROM, so the
-- planner inlines it into the query (a body with a FROM clause is called per row, about ten times slower).
CREATE FUNCTION oms_due_kinds(birth_date date, disability_group smallint, in_depth boolean,
                              last_checkup_on date, last_dispanserization_on date, year int)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN year - extract(year FROM birth_date)::int < 18 THEN '{}'::text[] ELSE array_remove(ARRAY[
        CASE WHEN (year - extract(year FROM birth_date)::int >= 40 OR disability_group IS NOT NULL
                   OR (year - extract(year FROM birth_date)::int - 18) % 3 = 0)
                  AND NOT coalesce(extract(year FROM last_dispanserization_on) = year, false)
             THEN 'dispanserization' END,
        CASE WHEN NOT (year - extract(year FROM birth_date)::int >= 40 OR disability_group IS NOT NULL
                       OR (year - extract(year FROM birth_date)::int - 18) % 3 = 0)
                  AND NOT coalesce(extract(year FROM last_checkup_on) = year, false)
             THEN 'checkup' END,
        CASE WHEN in_depth THEN 'in-depth' END
    ], NULL) END
$$;
