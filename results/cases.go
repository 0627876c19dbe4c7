package results

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
)

// PutCases records cases of a run, with their images, in the order given;
// that order is the case order within each suite. It is idempotent: a case
// already stored for the same run, suite and ID is left as it was (so a
// resumed run may put all its cases again). Every case's suite must be one
// of the run's suites.
func (s *Store) PutCases(ctx context.Context, runID string, cases []Case) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		suites := map[string]bool{}
		rows, err := tx.QueryContext(ctx, `SELECT name FROM run_suites WHERE run_id = ?`, runID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return err
			}
			suites[n] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(suites) == 0 {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM runs WHERE id = ?`, runID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return err
			}
		}

		insCase, err := tx.PrepareContext(ctx, `INSERT INTO cases
    (run_id, suite, case_id, prompt, references_json, hash)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer insCase.Close()
		insImage, err := tx.PrepareContext(ctx, `INSERT INTO case_images
    (case_seq, position, path, mime, data) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insImage.Close()

		for _, c := range cases {
			if !suites[c.Suite] {
				return fmt.Errorf("case %s/%s: suite %q is not one of the run's suites", c.Suite, c.ID, c.Suite)
			}
			refs, err := json.Marshal(c.References)
			if err != nil {
				return fmt.Errorf("case %s/%s: %w", c.Suite, c.ID, err)
			}
			seq, err := insertedID(insCase.ExecContext(ctx, runID, c.Suite, c.ID, c.Prompt, string(refs), c.Hash))
			if errors.Is(err, sql.ErrNoRows) {
				continue // stored before: keep the first
			}
			if err != nil {
				return fmt.Errorf("case %s/%s: %w", c.Suite, c.ID, err)
			}
			for i, im := range c.Images {
				data := im.Data
				if data == nil {
					data = []byte{} // the driver would bind nil as NULL
				}
				if _, err := insImage.ExecContext(ctx, seq, i, im.Path, im.MIME, data); err != nil {
					return fmt.Errorf("case %s/%s: image %d: %w", c.Suite, c.ID, i, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put cases of run %s: %w", runID, err)
	}
	return nil
}

// casesQuery reads a run's cases with their images, one row per image (or
// one row with NULL image columns). CROSS JOIN keeps the join order
// suites → cases → images, which yields rows already in the wanted order
// through the indexes: no sort, so no image data is copied into a sorter.
const casesQuery = `SELECT c.seq, c.suite, c.case_id, c.prompt, c.references_json, c.hash,
    i.path, i.mime, i.data
FROM run_suites AS rs
CROSS JOIN cases AS c ON c.run_id = rs.run_id AND c.suite = rs.name
LEFT JOIN case_images AS i ON i.case_seq = c.seq
WHERE rs.run_id = ?
ORDER BY rs.position, c.seq, i.position`

// Cases streams a run's cases, suites in config order and cases in the order
// they were put, each with its images. Breaking out of the loop releases the
// query. A missing run yields one error wrapping ErrNotFound.
func (s *Store) Cases(ctx context.Context, runID string) iter.Seq2[Case, error] {
	return func(yield func(Case, error) bool) {
		fail := func(err error) { yield(Case{}, fmt.Errorf("cases of run %s: %w", runID, err)) }
		rows, err := s.db.QueryContext(ctx, casesQuery, runID)
		if err != nil {
			fail(err)
			return
		}
		defer rows.Close()
		var (
			cur     Case
			curSeq  int64
			started bool
		)
		for rows.Next() {
			var (
				seq            int64
				c              Case
				refs           string
				imPath, imMIME sql.NullString
				imData         []byte
			)
			if err := rows.Scan(&seq, &c.Suite, &c.ID, &c.Prompt, &refs, &c.Hash, &imPath, &imMIME, &imData); err != nil {
				fail(err)
				return
			}
			if !started || seq != curSeq {
				if started && !yield(cur, nil) {
					return
				}
				if err := json.Unmarshal([]byte(refs), &c.References); err != nil {
					fail(fmt.Errorf("case %s/%s references: %w", c.Suite, c.ID, err))
					return
				}
				cur, curSeq, started = c, seq, true
			}
			if imPath.Valid {
				if imData == nil {
					imData = []byte{}
				}
				cur.Images = append(cur.Images, Image{Path: imPath.String, MIME: imMIME.String, Data: imData})
			}
		}
		if err := rows.Err(); err != nil {
			fail(err)
			return
		}
		if started {
			yield(cur, nil)
			return
		}
		if err := s.checkRun(ctx, runID); err != nil {
			fail(err)
		}
	}
}

// CountCases returns the number of cases recorded for a run.
func (s *Store) CountCases(ctx context.Context, runID string) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE run_id = ?`, runID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count cases of run %s: %w", runID, err)
	}
	if n == 0 {
		if err := s.checkRun(ctx, runID); err != nil {
			return 0, fmt.Errorf("count cases of run %s: %w", runID, err)
		}
	}
	return n, nil
}
