-- What the probe consumer changes: one counter per probe, incremented once per applied message.
CREATE TABLE probe_effects (
    probe_id uuid PRIMARY KEY,
    applied  integer NOT NULL
);
-- A state change that travels with an outbox event, to show that a rollback takes both away.
CREATE TABLE probe_state (
    probe_id uuid PRIMARY KEY
);
