-- The SLA clock's control-call step looks only at open cases in a status that has a control-call rule (hospitalised,
-- outpatient... by default), not at every open case every 5 seconds: most open cases are merely open, which has none.
CREATE INDEX cases_open_by_status ON cases (status, tenant_id) WHERE status <> 'closed';
