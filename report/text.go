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
// excluded pairs and simulated targets.
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
		fmt.Fprintf(bw, "\nsuite %s · %s · %s\n", s.Name, orDash(s.Scorer), kind)
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		delta := "Δ vs baseline"
		if d.Run.Baseline != "" && !d.BaselineMissing {
			delta = "Δ vs " + d.Run.Baseline
		}
		fmt.Fprintf(tw, "target\tscore\tn\t%s\terrors\trefusals\tp50\tp95\n", delta)
		for _, c := range s.Cells {
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
				if c.Comparison.Excluded.Total() > 0 {
					dl += " " + note(fmt.Sprintf("%s vs %s on %s: %s", c.Target, c.Comparison.Baseline, s.Name, c.Comparison.PairsNote()))
				}
			default:
				dl = "—"
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n",
				name, score, c.Score.N, dl,
				countRate(c.Errors, c.ErrorRate()), countRate(c.Refusals, c.RefusalRate()),
				durText(c.Latency.P50), durText(c.Latency.P95))
		}
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("write summary: %w", err)
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(bw)
		for i, n := range notes {
			fmt.Fprintf(bw, "%s %s\n", superscript(i+1), n)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
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
