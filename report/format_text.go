package report

import (
	"fmt"
	"io"
	"strings"
)

// writeMoreText ends the terminal summary with what needs prices or
// history: each target's cost, each judge target's judging and the total,
// quota use, the answers changed since the previous run, and the
// significant drops of the trend.
func writeMoreText(w io.Writer, d *Data) {
	var lines []string
	if cs := d.Cost; cs != nil && (len(cs.Prices) > 0 || len(cs.Quotas) > 0) {
		parts := make([]string, 0, len(d.Targets)+1)
		for _, t := range d.Targets {
			parts = append(parts, t.Name+" "+costText(t.Cost))
		}
		for _, j := range cs.Judging {
			parts = append(parts, "judging by "+j.Judge.Name+" "+judgingText(j))
		}
		line := "cost: " + strings.Join(parts, ", ") + "; total " + totalText(cs.Total)
		if e := cs.Exchange; e != nil {
			line += fmt.Sprintf(" at %s CNY/USD (%s)", fnum(e.USDCNY), e.Date)
		}
		lines = append(lines, line)
		for _, q := range cs.Quotas {
			l := fmt.Sprintf("quota %s: %d of %d free tokens used (%s)", q.Target, q.Used, q.Tokens, pctText(q.Fraction()))
			if !q.InRun {
				l += ", not a target of this run"
			}
			lines = append(lines, l)
		}
	}
	if p := d.Previous; p != nil {
		lines = append(lines, fmt.Sprintf("changed since run %s: %s in %s", p.ID, plural(p.Answers, "answer"), plural(p.Rows, "row")))
	}
	if tr := d.Trend; tr != nil {
		lines = append(lines, fmt.Sprintf("trend over the last %d runs of %s: %s", len(tr.Runs), d.Run.ConfigName, plural(len(tr.Drops), "significant drop")))
		for _, dr := range tr.Drops {
			lines = append(lines, fmt.Sprintf("  %s / %s in run %s: %s", dr.Suite, dr.Target, tr.Runs[dr.Run].ID, changeText(dr.Change, dr.Binary)))
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(w)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

// plural is "1 answer", "3 answers".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// judgingText is a judge target's spend with its calls: "$0.0123 (14
// calls, 3 from the cache)".
func judgingText(j Judging) string {
	s := costText(j.Cost) + " (" + plural(j.Calls, "call")
	if j.Cost.Cached > 0 {
		s += fmt.Sprintf(", %d from the cache", j.Cost.Cached)
	}
	return s + ")"
}

// cachedText says how many results of each target came from the cache:
// "gpt-4o 4 of 10, claude 10 of 10"; "" when none did.
func cachedText(d *Data) string {
	var parts []string
	for _, t := range d.Targets {
		if t.Cached > 0 {
			parts = append(parts, fmt.Sprintf("%s %d of %d", t.Name, t.Cached, t.N))
		}
	}
	return strings.Join(parts, ", ")
}

// anyCached reports whether any result or judge call of d came from the
// cache.
func anyCached(d *Data) bool {
	for _, t := range d.Targets {
		if t.Cached > 0 {
			return true
		}
	}
	return d.Judge != nil && d.Judge.Cached > 0
}
