-- Everything that happens in a case, in order, with who and when. Entries are never rewritten.
CREATE TABLE timeline_entries (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id   uuid        NOT NULL REFERENCES cases (id),
    tenant_id text        NOT NULL,
    at        timestamptz NOT NULL,
    kind      text        NOT NULL,
    summary   text        NOT NULL,
    actor     text        NOT NULL,
    data      jsonb       NULL
);
CREATE INDEX timeline_by_case ON timeline_entries (case_id, id);

CREATE FUNCTION timeline_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'timeline entries are never rewritten (entry %)', OLD.id;
END $$;
CREATE TRIGGER timeline_append_only BEFORE UPDATE OR DELETE ON timeline_entries
    FOR EACH ROW EXECUTE FUNCTION timeline_is_append_only();

-- Every change to a case bumps its version (cached views such as the briefing are keyed by it), and the case keeps
-- the policy terms Intake found.
ALTER TABLE cases
    ADD COLUMN version      bigint      NOT NULL DEFAULT 1,
    ADD COLUMN updated_at   timestamptz NULL,
    ADD COLUMN policy_terms jsonb       NULL,
    ADD COLUMN coverage     jsonb       NULL;
