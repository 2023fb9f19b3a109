-- Idempotency keys moved to the gateway (Redis, for every service and route); Intake no longer keeps its own.
DROP TABLE IF EXISTS idempotency_keys;
