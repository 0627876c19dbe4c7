-- The response cache for judge calls (llmbench run --cache).
--
-- request_hash is the hex SHA-256 of the canonical encoding of the request
-- sent to the judge (judge target provider, API and base URL, model,
-- parameters and the prompt; see results 0003), NULL for judge calls stored
-- before it was recorded. cached is 1 when the judge was not called: the
-- call's output, usage, latency and time to first token were copied from an
-- earlier judge call with the same request_hash that gave a verdict, and
-- attempts is 0.
ALTER TABLE judge_calls ADD COLUMN request_hash TEXT;
ALTER TABLE judge_calls ADD COLUMN cached INTEGER NOT NULL DEFAULT 0 CHECK (cached IN (0, 1));

-- Cache lookups: the newest judge call of a request that gave a verdict, in
-- any run.
CREATE INDEX judge_calls_by_request_hash ON judge_calls (request_hash, id)
    WHERE request_hash IS NOT NULL AND error_class = '';
