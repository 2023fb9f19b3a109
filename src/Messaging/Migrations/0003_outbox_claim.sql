-- The relay's claim: the oldest due rows, leased. The outbox is a queue: rows are inserted, leased, published and
-- deleted within moments, so between two vacuums the table holds thousands of pages of dead rows and a handful of live
-- ones. The planner, knowing only that, costs reading the pending index and reading the whole table about the same, and
-- the plan it settled on at a relay's first claims (or after a vacuum) was at times a sequential scan and a sort: 2-4 ms
-- a claim at 100 appeals/s, the most expensive statement an appeal caused. Through the pending index (whose entries for
-- dead rows are marked dead once seen) a claim reads a few pages. The setting holds only inside this function.
CREATE FUNCTION outbox_claim(batch_size integer, lease interval)
RETURNS TABLE (id bigint, message_id uuid, message_type text, body text, trace_parent text, attempts integer)
LANGUAGE plpgsql
SET enable_seqscan = off
AS $$
#variable_conflict use_column
BEGIN
    -- The due ids are taken once (ARRAY(...) is an InitPlan), then the rows updated through the primary key: joined as
    -- a subquery instead, the locking subquery could be run again for every row of an outer scan.
    RETURN QUERY
    UPDATE outbox_messages o SET locked_until = now() + lease
    WHERE o.id = ANY (ARRAY(
        SELECT due.id FROM outbox_messages due
        WHERE due.sent_at IS NULL AND due.parked_at IS NULL AND due.next_attempt_at <= now()
          AND (due.locked_until IS NULL OR due.locked_until < now())
        ORDER BY due.id LIMIT batch_size
        FOR UPDATE SKIP LOCKED))
    RETURNING o.id, o.message_id, o.message_type, o.body::text, o.trace_parent, o.attempts;
END
$$;
