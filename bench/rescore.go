package bench

import (
	"context"
	"fmt"
	"iter"
	"path/filepath"

	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// RescoreStore is what Rescore needs from the store.
type RescoreStore interface {
	Run(ctx context.Context, runID string) (results.Run, error)
	Suites(ctx context.Context, runID string) ([]results.SuiteInfo, error)
	Results(ctx context.Context, runID string) iter.Seq2[results.Result, error]
	AddScores(ctx context.Context, runID string, scores map[results.Key][]suites.Score) error
}

// RescoreReport says what Rescore did.
type RescoreReport struct {
	// Rescored counts results that got new scores (failed calls have none).
	Rescored int
	// Suites lists the suites rescored.
	Suites []string
}

// rescoreBatch bounds how many results' scores go into one transaction.
const rescoreBatch = 2000

// Rescore recomputes the scores of every answered result of a stored run
// with the current scorers, without calling any provider. Old scores stay:
// the store keeps each scorer version, and reads return the newest.
//
// The suites are loaded again from the run's recorded config (built-in
// names, or paths relative to configDir) and must hash the same as when the
// run was made: new scorers over changed cases would score answers to
// questions that were never asked.
func Rescore(ctx context.Context, store RescoreStore, runID, configDir string) (*RescoreReport, error) {
	run, err := store.Run(ctx, runID)
	if err != nil {
		return nil, err
	}
	cfg, err := ParseConfig(filepath.Join(configDir, run.ConfigName+".yaml"), []byte(run.Config))
	if err != nil {
		return nil, fmt.Errorf("read the config recorded with run %s: %w", runID, err)
	}
	stored, err := store.Suites(ctx, runID)
	if err != nil {
		return nil, err
	}
	hashes := map[string]string{}
	for _, s := range stored {
		hashes[s.Name] = s.Hash
	}
	// Per suite its scorers, its case ids by position and a reader: the
	// results come case by case, so each case is read once, when its first
	// result does.
	type suiteScorers struct {
		scorers *suites.ScorerSet
		index   map[string]int
		rd      *suites.CaseReader
		last    *suites.Case
	}
	bySuite := map[string]*suiteScorers{}
	rep := &RescoreReport{}
	for _, ref := range cfg.Suites {
		s, err := suites.Resolve(ref, configDir)
		if err != nil {
			return nil, fmt.Errorf("load suite %s of run %s (pass --config-dir where its files are): %w", ref, runID, err)
		}
		if s, err = s.WithTags(cfg.Tags); err != nil { // the cases the run asked
			return nil, fmt.Errorf("suite %s of run %s: %w", ref, runID, err)
		}
		h, ok := hashes[s.Name]
		if !ok {
			continue
		}
		if h != s.Hash {
			return nil, fmt.Errorf("suite %s changed since run %s (hash %.12s, now %.12s); rescoring needs the suite as it was", s.Name, runID, h, s.Hash)
		}
		set, err := s.BuildScorerSet()
		if err != nil {
			return nil, err
		}
		// The judge's scores stay as they are: rescoring calls no model.
		rd, err := s.Open()
		if err != nil {
			return nil, fmt.Errorf("suite %s: %w", s.Name, err)
		}
		defer rd.Close()
		ss := &suiteScorers{scorers: set.Filter(isInline), index: make(map[string]int, s.Len()), rd: rd}
		for i := range s.Len() {
			ss.index[s.ID(i)] = i
		}
		bySuite[s.Name] = ss
		rep.Suites = append(rep.Suites, s.Name)
	}
	batch := map[results.Key][]suites.Score{}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := store.AddScores(ctx, runID, batch); err != nil {
			return fmt.Errorf("store new scores: %w", err)
		}
		batch = map[results.Key][]suites.Score{}
		return nil
	}
	// Writing while the read iterator is open is fine: under WAL the
	// reader keeps its snapshot on its own connection.
	for r, err := range store.Results(ctx, runID) {
		if err != nil {
			return nil, err
		}
		ss := bySuite[r.Suite]
		if !r.OK() || ss == nil {
			continue
		}
		c := ss.last
		if c == nil || c.ID != r.CaseID {
			i, ok := ss.index[r.CaseID]
			if !ok {
				return nil, fmt.Errorf("result %s has no case in suite %s", r.Key(), r.Suite)
			}
			if c, err = ss.rd.Case(i); err != nil {
				return nil, err
			}
			ss.last = c
		}
		list := ss.scorers.For(c)
		if len(list) == 0 {
			continue
		}
		scores := make([]suites.Score, len(list))
		for i, sc := range list {
			scores[i] = sc.Score(r.Output, c)
		}
		batch[r.Key()] = scores
		rep.Rescored++
		if len(batch) >= rescoreBatch {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return rep, nil
}

var _ RescoreStore = (*results.Store)(nil)
