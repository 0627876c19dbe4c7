-- The response cache (llmbench run --cache).
--
-- request_hash is the hex SHA-256 of the canonical encoding of the request a
-- result answered (target provider, API, base URL and model; parameters;
-- messages with a hash of each image's bytes), NULL for results stored
-- before it was recorded. cached is 1 when the result was not called but
-- copied from an earlier successful result with the same request_hash: its
-- output, usage, latency and time to first token are the original's, and
-- attempts is 0.
ALTER TABLE results ADD COLUMN request_hash TEXT;
ALTER TABLE results ADD COLUMN cached INTEGER NOT NULL DEFAULT 0 CHECK (cached IN (0, 1));

-- Cache lookups: the newest successful result of a request, in any run.
CREATE INDEX results_by_request_hash ON results (request_hash, id)
    WHERE request_hash IS NOT NULL AND error_class = '';
