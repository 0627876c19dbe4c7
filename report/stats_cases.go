package report

import "math"

// passValue maps a binary score to 0 or 1 (a pass is a score ≥ ½).
func passValue(v float64) float64 {
	if v >= 0.5 {
		return 1
	}
	return 0
}

// caseSide is what one target did on one case, across its repeats.
type caseSide struct {
	present, refused, errored int
}

// cellAcc accumulates one target's per-case figures over a suite.
type cellAcc struct {
	// means holds each case's mean over its scored samples, for cases with
	// at least one, in case order.
	means           []float64
	samples, passes int
	// ssw and dfw are Σ(nᵢ−1)sᵢ² and Σ(nᵢ−1) over cases with nᵢ ≥ 2.
	ssw, dfw float64
	// passK[k−2] holds per-case pass@k for k = 2..Repeats, over cases with
	// at least k samples; short[k−2] counts cases with fewer (but some).
	passK [][]float64
	short []int
	// Comparison with the baseline: per-case differences and bookkeeping.
	diffs    []float64
	multi    bool // some paired case has more than one sample on a side
	partial  int
	excluded Excluded
}

// caseStats computes a suite's statistics with the case as the unit:
// ss.Repeats, ss.Cases, each cell's Score, Samples, RepeatSD, PassK and
// Comparison, and the Lost marks on ss.Rows (when built). rows are the
// indices of s's rows sorted by case, then repeat, and ss.Rows[i] (if any)
// is rows[i] in display form; calls holds the cells' call counts (display
// order) and classes names their error classes.
//
// Pairing is per case, never per (case, repeat): a repeat index carries no
// meaning across targets (repeat 2 of one target has nothing to do with
// repeat 2 of another), and treating k repeats as k cases would shrink
// every interval by about √k without more evidence about the suite.
func caseStats(ss *SuiteSummary, s *suiteAcc, rows []int, perm []int, base int, calls []callsAcc, classes []string, d *Data, level float64) {
	nt := len(perm)
	type span struct{ lo, hi int }
	var spans []span
	for i := 0; i < len(rows); {
		j := i + 1
		for j < len(rows) && s.keys[rows[j]].c == s.keys[rows[i]].c {
			j++
		}
		spans = append(spans, span{i, j})
		ss.Repeats = max(ss.Repeats, j-i)
		i = j
	}
	repeated := ss.Repeats > 1

	accs := make([]cellAcc, nt)
	if ss.Binary && repeated {
		for i := range accs {
			accs[i].passK = make([][]float64, ss.Repeats-1)
			accs[i].short = make([]int, ss.Repeats-1)
		}
	}
	sides := make([]caseSide, nt)
	vals := make([]float64, 0, ss.Repeats)
	ss.Cases = make([]CaseSummary, 0, len(spans))
	// One block for every case's scores rather than one per case.
	scores := make([]CaseScore, len(spans)*nt)
	for ci, sp := range spans {
		cs := CaseSummary{CaseID: s.caseIDs[s.keys[rows[sp.lo]].c], Scores: scores[ci*nt : (ci+1)*nt : (ci+1)*nt]}
		for di, ii := range perm {
			vals = vals[:0]
			var sd caseSide
			col := s.out[ii]
			for _, ri := range rows[sp.lo:sp.hi] {
				o := &col[ri]
				switch o.kind {
				case kindMissing:
					continue
				case kindRefused:
					sd.refused++
				case kindError:
					sd.errored++
				case kindScored:
					v := o.score
					if ss.Binary {
						v = passValue(v)
					}
					vals = append(vals, v)
				}
				sd.present++
			}
			sides[di] = sd
			sc := scoreCase(vals, ss.Binary)
			cs.Scores[di] = sc
			if sc.Samples == 0 {
				continue
			}
			a := &accs[di]
			a.means = append(a.means, sc.Mean)
			a.samples += sc.Samples
			a.passes += sc.Passes
			if sc.Samples > 1 {
				a.ssw += float64(sc.Samples-1) * sc.Var
				a.dfw += float64(sc.Samples - 1)
			}
			for k := 2; k <= len(a.passK)+1; k++ {
				if sc.Samples >= k {
					a.passK[k-2] = append(a.passK[k-2], PassAtK(sc.Samples, sc.Passes, k))
				} else {
					a.short[k-2]++
				}
			}
		}
		if base >= 0 {
			pairCase(ss, sp.lo, sp.hi, cs.Scores, sides, base, accs)
		}
		ss.Cases = append(ss.Cases, cs)
	}

	for di, t := range d.Targets {
		a := &accs[di]
		c := Cell{
			Target:    t.Name,
			Baseline:  t.Baseline,
			Simulated: t.Simulated,
			Colour:    t.Colour,
			Unscored:  calls[di].unscored,
			Calls:     calls[di].calls(classes),
			Samples:   a.samples,
		}
		if ss.Binary && !repeated {
			c.Score = WilsonAt(a.passes, a.samples, level)
		} else {
			// Without repeats each case's mean is its one score, so this is
			// the bootstrap of the scores themselves.
			c.Score = BootstrapMeanAt(a.means, level)
		}
		if a.dfw > 0 {
			c.RepeatSD = math.Sqrt(a.ssw / a.dfw)
		}
		for k := 2; k <= len(a.passK)+1; k++ {
			c.PassK = append(c.PassK, PassK{K: k, Interval: BootstrapMeanAt(a.passK[k-2], level), Short: a.short[k-2]})
		}
		c.NotRun = c.Calls.N == 0
		if base >= 0 && di != base && !c.NotRun {
			c.Comparison = compare(a.diffs, pairing{
				baseline: d.Targets[base].Name,
				binary:   ss.Binary,
				single:   !a.multi,
				repeats:  ss.Repeats,
				partial:  a.partial,
				excluded: a.excluded,
				level:    level,
			})
		}
		ss.Cells = append(ss.Cells, c)
	}
}

// scoreCase summarises one target's scored samples of one case.
func scoreCase(vals []float64, binary bool) CaseScore {
	sc := CaseScore{Samples: len(vals)}
	if len(vals) == 0 {
		return sc
	}
	sc.Mean = Mean(vals)
	if binary {
		for _, v := range vals {
			if v == 1 {
				sc.Passes++
			}
		}
	}
	if len(vals) > 1 {
		var ss float64
		for _, v := range vals {
			ss += (v - sc.Mean) * (v - sc.Mean)
		}
		sc.Var = ss / float64(len(vals)-1)
	}
	return sc
}

// pairCase adds one case (rows lo..hi of ss.Rows) to every target's
// comparison with the baseline: the difference of the two sides' case
// means when both have a scored sample, else an exclusion with its reason.
// A target whose mean is below the baseline's has its scored answers on
// the case marked Lost.
func pairCase(ss *SuiteSummary, lo, hi int, scores []CaseScore, sides []caseSide, base int, accs []cellAcc) {
	bs, bside := scores[base], sides[base]
	for di := range scores {
		if di == base {
			continue
		}
		ts, tside := scores[di], sides[di]
		a := &accs[di]
		switch {
		case tside.present == 0 && bside.present == 0:
			// Neither side has a result for this case: it is not part of
			// this comparison at all.
		case ts.Samples == 0 || bs.Samples == 0:
			// The reason comes from the side(s) without a scored sample.
			var refused, errored bool
			for _, s := range []struct {
				sc   CaseScore
				side caseSide
			}{{ts, tside}, {bs, bside}} {
				if s.sc.Samples == 0 {
					refused = refused || s.side.refused > 0
					errored = errored || s.side.errored > 0
				}
			}
			switch {
			case refused:
				a.excluded.Refusals++
			case errored:
				a.excluded.Errors++
			default:
				a.excluded.Missing++
			}
		default:
			dl := ts.Mean - bs.Mean
			a.diffs = append(a.diffs, dl)
			a.multi = a.multi || ts.Samples != 1 || bs.Samples != 1
			if ts.Samples < ss.Repeats || bs.Samples < ss.Repeats {
				a.partial++
			}
			if dl < 0 && ss.Rows != nil {
				for ri := lo; ri < hi; ri++ {
					if ans := &ss.Rows[ri].Answers[di]; ans.Scored {
						ans.Lost = true
						ss.Rows[ri].Lost = true
					}
				}
			}
		}
	}
}
