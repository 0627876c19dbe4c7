-- The first llmbench schema.
--
-- Conventions: every table is STRICT; instants are RFC 3339 UTC text with
-- nine fractional digits (fixed width, so text order is time order) and NULL
-- where Go has a zero time; durations are INTEGER nanoseconds; lists are JSON
-- arrays. No table has a column for credentials.

CREATE TABLE runs (
    id              TEXT PRIMARY KEY,
    config_name     TEXT NOT NULL,
    config          TEXT NOT NULL,
    baseline        TEXT NOT NULL,
    harness_version TEXT NOT NULL,
    repeats         INTEGER NOT NULL,
    seed            INTEGER NOT NULL,
    started         TEXT NOT NULL,
    ended           TEXT,
    status          TEXT NOT NULL
        CHECK (status IN ('running', 'completed', 'interrupted', 'incomplete', 'failed')),
    note            TEXT NOT NULL
) STRICT;

CREATE INDEX runs_by_config ON runs (config_name, started);

-- Targets in config order (position). No credentials: keys come from the
-- environment at run time and are never written here.
CREATE TABLE run_targets (
    run_id    TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    provider  TEXT NOT NULL,
    model     TEXT NOT NULL,
    base_url  TEXT NOT NULL,
    api       TEXT NOT NULL,
    params    TEXT NOT NULL CHECK (params = '' OR json_valid(params)),
    simulated INTEGER NOT NULL CHECK (simulated IN (0, 1)),
    PRIMARY KEY (run_id, name),
    UNIQUE (run_id, position)
) STRICT, WITHOUT ROWID;

-- Suites in config order (position).
CREATE TABLE run_suites (
    run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    path        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    scorers     TEXT NOT NULL CHECK (json_type(scorers) IN ('array', 'null')),
    PRIMARY KEY (run_id, name),
    UNIQUE (run_id, position)
) STRICT, WITHOUT ROWID;

-- Cases as run. seq is the insertion order, which is the case order within
-- a suite; a case is stored once per run, whatever the number of targets
-- and repeats.
CREATE TABLE cases (
    seq             INTEGER PRIMARY KEY,
    run_id          TEXT NOT NULL,
    suite           TEXT NOT NULL,
    case_id         TEXT NOT NULL,
    prompt          TEXT NOT NULL,
    references_json TEXT NOT NULL CHECK (json_type(references_json) IN ('array', 'null')),
    hash            TEXT NOT NULL,
    UNIQUE (run_id, suite, case_id),
    FOREIGN KEY (run_id, suite) REFERENCES run_suites (run_id, name) ON DELETE CASCADE
) STRICT;

CREATE INDEX cases_in_order ON cases (run_id, suite, seq);

-- A case's images, in order, stored once per run, suite and case.
CREATE TABLE case_images (
    case_seq INTEGER NOT NULL REFERENCES cases (seq) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    path     TEXT NOT NULL,
    mime     TEXT NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (case_seq, position)
) STRICT;

-- One call. The UNIQUE key is what makes a resumed run unable to store a
-- call twice.
CREATE TABLE results (
    id             INTEGER PRIMARY KEY,
    run_id         TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    suite          TEXT NOT NULL,
    case_id        TEXT NOT NULL,
    target         TEXT NOT NULL,
    repeat         INTEGER NOT NULL CHECK (repeat >= 0),
    output         TEXT NOT NULL,
    started        TEXT,
    latency_ns     INTEGER NOT NULL,
    ttft_ns        INTEGER NOT NULL,
    wait_ns        INTEGER NOT NULL,
    retry_ns       INTEGER NOT NULL,
    attempts       INTEGER NOT NULL,
    input_tokens   INTEGER NOT NULL,
    output_tokens  INTEGER NOT NULL,
    model_reported TEXT NOT NULL,
    finish_reason  TEXT NOT NULL,
    error_class    TEXT NOT NULL,
    error_code     TEXT NOT NULL,
    error_message  TEXT NOT NULL,
    UNIQUE (run_id, suite, case_id, target, repeat),
    FOREIGN KEY (run_id, suite, case_id) REFERENCES cases (run_id, suite, case_id) ON DELETE CASCADE,
    FOREIGN KEY (run_id, target) REFERENCES run_targets (run_id, name) ON DELETE CASCADE
) STRICT;

CREATE INDEX results_by_target ON results (run_id, target);

-- Scores, one row per result, scorer and scorer version: rescoring adds
-- rows and keeps the old ones. id is the write order, so a scorer's latest
-- score on a result is its row with the highest id. position is the score's
-- place in the list it was written with (the first is the primary score).
-- value is NULL for NaN.
CREATE TABLE scores (
    id        INTEGER PRIMARY KEY,
    result_id INTEGER NOT NULL REFERENCES results (id) ON DELETE CASCADE,
    scorer    TEXT NOT NULL,
    version   TEXT NOT NULL,
    position  INTEGER NOT NULL,
    value     REAL,
    binary    INTEGER NOT NULL CHECK (binary IN (0, 1)),
    extracted TEXT NOT NULL,
    tokenizer TEXT NOT NULL,
    created   TEXT NOT NULL,
    UNIQUE (result_id, scorer, version)
) STRICT;

-- The latest score per result and scorer: what reports read.
CREATE VIEW latest_scores AS
SELECT s.*
FROM scores AS s
WHERE s.id = (
    SELECT max(x.id) FROM scores AS x
    WHERE x.result_id = s.result_id AND x.scorer = s.scorer
);
