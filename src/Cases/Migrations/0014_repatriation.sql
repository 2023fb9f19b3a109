-- The way home as the repatriation service tells it: per transport plan, the whole picture of the highest version
-- received (an older version arriving late changes nothing), and whether the plan is still under way.
-- status: planned (agreed, the legs ahead), completed (the patient arrived), cancelled (cancel_reason says why); a
-- completed or cancelled plan is final. legs and medif are the event's RepatriationLeg list and RepatriationMedif.
CREATE TABLE repatriation_plans (
    tenant_id     text        NOT NULL,
    case_id       uuid        NOT NULL REFERENCES cases (id),
    plan_id       uuid        NOT NULL,
    version       bigint      NOT NULL,
    mode          text        NOT NULL,
    escort        text        NOT NULL,
    destination   text        NULL,
    legs          jsonb       NOT NULL,
    medif         jsonb       NULL,
    changed_at    timestamptz NOT NULL,
    status        text        NOT NULL DEFAULT 'planned',
    status_at     timestamptz NULL,
    cancel_reason text        NULL,
    PRIMARY KEY (tenant_id, case_id, plan_id)
);
