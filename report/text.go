package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes a benchstat-like terminal summary of d: per suite, one
// line per target with its score [interval], n, change against the
// baseline (or ~), errors, refusals and p50/p95 latency; then footnotes for
// excluded cases and simulated targets. Results answered from the cache are
// counted per target under the run line; they are in the scores but not in
// the latencies. A suite run with repeats also shows
// the scored samples, the pooled spread across repeats and, for pass/fail
// scores, pass@k; n then counts cases. A confidence level other than 95%
// is stated under the run line.
func WriteText(w io.Writer, d *Data) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "run %s", d.Run.ID)
	if d.Run.ConfigName != "" {
		fmt.Fprintf(bw, " (%s)", d.Run.ConfigName)
	}
	fmt.Fprintf(bw, ": %s", d.Run.Status)
	if d.Run.Note != "" {
		fmt.Fprintf(bw, " (%s)", d.Run.Note)
	}
	fmt.Fprintln(bw)
	if d.Simulated {
		var sims []string
		for _, t := range d.Targets {
			if t.Simulated {
				sims = append(sims, t.Name)
			}
		}
		fmt.Fprintf(bw, "SIMULATED: %s answered from the local simulator; their figures are synthetic.\n", strings.Join(sims, ", "))
	}
	writeJudgeLine(bw, d)
	if c := cachedText(d); c != "" {
		fmt.Fprintf(bw, "from the cache: %s results (not sent in this run: no cost, and left out of latency)\n", c)
	}
	if d.Level != 0 && d.Level != DefaultLevel {
		fmt.Fprintf(bw, "intervals are %s confidence intervals (not 95%%).\n", levelText(d.Level))
	}
	switch {
	case d.BaselineMissing:
		fmt.Fprintf(bw, "baseline %s is not a target of this run; no comparisons.\n", d.Run.Baseline)
	case d.Run.Baseline == "":
		fmt.Fprintln(bw, "no baseline; no comparisons.")
	}

	var notes []string
	note := func(s string) string {
		notes = append(notes, s)
		return superscript(len(notes))
	}
	for _, s := range d.Suites {
		kind := "mean"
		if s.Binary {
			kind = "pass rate %"
		}
		rep := s.Repeats > 1
		fmt.Fprintf(bw, "\nsuite %s · %s · %s", s.Name, orDash(s.Scorer), kind)
		if rep {
			fmt.Fprintf(bw, " · %d repeats per case, n = cases", s.Repeats)
		}
		fmt.Fprintln(bw)
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		delta := "Δ vs baseline"
		if d.Run.Baseline != "" && !d.BaselineMissing {
			delta = "Δ vs " + d.Run.Baseline
		}
		extra := ""
		if rep {
			extra = "samples\trepeat sd\t"
			if s.Binary {
				extra += fmt.Sprintf("pass@%d\t", s.Repeats)
			}
		}
		fmt.Fprintf(tw, "target\tscore\tn\t%s%s\terrors\trefusals\tp50\tp95\n", extra, delta)
		for _, c := range s.Cells {
			if c.NotRun {
				continue
			}
			name := c.Target
			if c.Simulated {
				name += " (simulated)"
			}
			score := scoreText(c.Score, s.Binary)
			if s.Binary && c.Score.N > 0 {
				score = strings.TrimSuffix(score, "%")
			}
			if iv := intervalText(c.Score, s.Binary); iv != "" {
				score += " " + iv
			}
			var dl string
			switch {
			case c.Baseline:
				dl = "(baseline)"
			case c.Comparison != nil:
				dl = c.Comparison.Verdict()
				if c.Comparison.Excluded.Total() > 0 || c.Comparison.Partial > 0 {
					dl += " " + note(fmt.Sprintf("%s vs %s on %s: %s", c.Target, c.Comparison.Baseline, s.Name, c.Comparison.PairsNote()))
				}
			default:
				dl = "—"
			}
			extra := ""
			if rep {
				extra = fmt.Sprintf("%d\t%s\t", c.Samples, sdText(c, s.Binary))
				if s.Binary {
					extra += passKText(lastPassK(c.PassK)) + "\t"
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s%s\t%s\t%s\t%s\t%s\n",
				name, score, c.Score.N, extra, dl,
				countRate(c.Errors, c.ErrorRate()), countRate(c.Refusals, c.RefusalRate()),
				durText(c.Latency.P50), durText(c.Latency.P95))
		}
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("write summary: %w", err)
		}
	}
	repeated := false
	for _, s := range d.Suites {
		repeated = repeated || s.Repeats > 1
	}
	if len(notes) > 0 || repeated {
		fmt.Fprintln(bw)
	}
	for i, n := range notes {
		fmt.Fprintf(bw, "%s %s\n", superscript(i+1), n)
	}
	if repeated {
		fmt.Fprintln(bw, "With repeats the case is the unit: n counts cases, a case's score is the mean of its scored samples,")
		fmt.Fprintln(bw, "comparisons pair cases; repeat sd is the pooled spread within a case; pass@k (Chen et al. 2021,")
		fmt.Fprintln(bw, "unbiased) is over cases with at least k scored samples, \"short\" counts the others.")
	}
	writeMoreText(bw, d)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

// sdText is a cell's spread across repeats in the score's units
// (percentage points for pass rates), "—" when no case had two samples.
func sdText(c Cell, binary bool) string {
	if c.Samples <= c.Score.N {
		return "—"
	}
	if binary {
		return fmt.Sprintf("%.1f pp", 100*c.RepeatSD)
	}
	return fmt.Sprintf("%.3f", c.RepeatSD)
}

// passKText is pass@k as "86.7 [70.0, 96.7]" (percent), with the number
// of cases left out for having fewer than k samples.
func passKText(p *PassK) string {
	if p == nil || p.N == 0 {
		return "—"
	}
	s := fmt.Sprintf("%.1f %s", 100*p.Centre, intervalText(p.Interval, true))
	if p.Short > 0 {
		s += fmt.Sprintf(" (%d short)", p.Short)
	}
	return s
}

// lastPassK is pass@k at the largest k (the suite's repeats), or nil.
func lastPassK(ps []PassK) *PassK {
	if len(ps) == 0 {
		return nil
	}
	return &ps[len(ps)-1]
}

func countRate(n int, rate float64) string {
	if n == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (%.1f%%)", n, 100*rate)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// superscript writes n in superscript digits, benchstat's footnote marks.
func superscript(n int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	var b strings.Builder
	for _, c := range fmt.Sprint(n) {
		b.WriteString(string([]rune(digits)[c-'0']))
	}
	return b.String()
}
