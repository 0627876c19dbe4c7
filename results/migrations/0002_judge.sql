-- LLM-as-judge: suites scored by a judge model after the run's calls.
--
-- run_judges says, per suite of a run that uses the judge scorer, which
-- target judged it, in which mode and by which rubric. judge_only is 1 when
-- the judge target answers no suite (an inline judge: in the config):
-- reports leave it out of the score tables and name it as the judge.
CREATE TABLE run_judges (
    run_id       TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    suite        TEXT NOT NULL,
    judge_target TEXT NOT NULL,
    judge_only   INTEGER NOT NULL CHECK (judge_only IN (0, 1)),
    mode         TEXT NOT NULL CHECK (mode IN ('rubric', 'pairwise')),
    rubric       TEXT NOT NULL,
    PRIMARY KEY (run_id, suite),
    FOREIGN KEY (run_id, suite) REFERENCES run_suites (run_id, name) ON DELETE CASCADE,
    FOREIGN KEY (run_id, judge_target) REFERENCES run_targets (run_id, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- One call to the judge about one stored result. Rubric mode makes one call
-- (ord 0); pairwise mode makes two, with the baseline's answer as A (ord 0)
-- and as B (ord 1). verdict is what was read from the judge's final line
-- ('7', 'A', 'B', 'tie'), '' when the call failed or the verdict could not be
-- read (error_class bad_response). The UNIQUE key is what makes a resumed
-- run unable to repeat a judge call that is stored.
CREATE TABLE judge_calls (
    id            INTEGER PRIMARY KEY,
    run_id        TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    suite         TEXT NOT NULL,
    case_id       TEXT NOT NULL,
    target        TEXT NOT NULL,
    repeat        INTEGER NOT NULL CHECK (repeat >= 0),
    judge_target  TEXT NOT NULL,
    mode          TEXT NOT NULL CHECK (mode IN ('rubric', 'pairwise')),
    ord           INTEGER NOT NULL CHECK (ord IN (0, 1)),
    prompt        TEXT NOT NULL,
    output        TEXT NOT NULL,
    verdict       TEXT NOT NULL,
    started       TEXT,
    latency_ns    INTEGER NOT NULL,
    ttft_ns       INTEGER NOT NULL,
    input_tokens  INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    attempts      INTEGER NOT NULL,
    error_class   TEXT NOT NULL,
    error_code    TEXT NOT NULL,
    error_message TEXT NOT NULL,
    UNIQUE (run_id, suite, case_id, target, repeat, ord),
    FOREIGN KEY (run_id, suite, case_id) REFERENCES cases (run_id, suite, case_id) ON DELETE CASCADE,
    FOREIGN KEY (run_id, target) REFERENCES run_targets (run_id, name) ON DELETE CASCADE,
    FOREIGN KEY (run_id, judge_target) REFERENCES run_targets (run_id, name) ON DELETE CASCADE,
    FOREIGN KEY (run_id, suite, case_id, target, repeat)
        REFERENCES results (run_id, suite, case_id, target, repeat) ON DELETE CASCADE
) STRICT;

-- For the foreign keys on run_targets: deleting a run's targets looks up
-- their judge calls by these columns.
CREATE INDEX judge_calls_by_target ON judge_calls (run_id, target);
CREATE INDEX judge_calls_by_judge ON judge_calls (run_id, judge_target);
