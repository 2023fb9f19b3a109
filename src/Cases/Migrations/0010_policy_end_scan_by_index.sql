-- The SLA clock's policy-end scan reads only the cases whose treatment can outrun their policy (those with an
-- expected discharge or a planned repatriation), not every open case every 5 seconds.
CREATE INDEX cases_open_with_dates ON cases (id)
    WHERE status <> 'closed' AND (expected_discharge_on IS NOT NULL OR repatriation_planned_on IS NOT NULL);
