package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes d as GitHub-flavoured Markdown to paste in a pull
// request or a chat: a title line, then per suite a table
//
//	| target | score [95% CI] | n | Δ vs baseline | errors | refusals | p50 | cost |
//
// with the same figures as the HTML report (pass rates in percent, deltas
// in percentage points, "~" when not significant; cost is the answers'
// own), then the cost total with each judge target's judging, quota use,
// the results answered from the cache, the changed-since-previous count
// and significant drops.
// Every name and message is escaped so it shows as text, never as
// Markdown or HTML.
func WriteMarkdown(w io.Writer, d *Data) error {
	bw := bufio.NewWriter(w)
	title := "llmbench run " + mdCode(d.Run.ID)
	if d.Run.ConfigName != "" {
		title += " of " + mdText(d.Run.ConfigName)
	}
	fmt.Fprintf(bw, "### %s · %s\n\n", title, mdText(d.Run.Status))
	if d.Simulated {
		var sims []string
		for _, t := range d.Targets {
			if t.Simulated {
				sims = append(sims, mdText(t.Name))
			}
		}
		fmt.Fprintf(bw, "> **SIMULATED**: %s answered from the local simulator; their figures are synthetic.\n\n", strings.Join(sims, ", "))
	}
	lv := levelText(d.Level)
	delta := "Δ vs baseline"
	if d.Run.Baseline != "" && !d.BaselineMissing {
		delta = "Δ vs " + mdText(d.Run.Baseline)
	}
	for si := range d.Suites {
		s := &d.Suites[si]
		kind := "mean"
		if s.Binary {
			kind = "pass rate %"
		}
		fmt.Fprintf(bw, "**%s** · %s · %s", mdText(s.Name), mdText(orDash(s.Scorer)), kind)
		if s.Repeats > 1 {
			fmt.Fprintf(bw, " · %d repeats, n = cases", s.Repeats)
		}
		fmt.Fprint(bw, "\n\n")
		fmt.Fprintf(bw, "| target | score [%s CI] | n | %s | errors | refusals | p50 | cost |\n", lv, delta)
		fmt.Fprintln(bw, "|---|---|---:|---|---:|---:|---:|---:|")
		for _, c := range s.Cells {
			if c.NotRun {
				continue
			}
			name := mdText(c.Target)
			if c.Baseline {
				name += " (baseline)"
			}
			if c.Simulated {
				name += " (sim)"
			}
			score := scoreText(c.Score, s.Binary)
			if s.Binary && c.Score.N > 0 {
				score = strings.TrimSuffix(score, "%")
			}
			if iv := intervalText(c.Score, s.Binary); iv != "" {
				score += " " + iv
			}
			dl := "—"
			switch {
			case c.Baseline:
				dl = "baseline"
			case c.Comparison != nil:
				dl = c.Comparison.Verdict()
				if c.Comparison.Significant {
					dl = "**" + dl + "**"
				}
			}
			fmt.Fprintf(bw, "| %s | %s | %d | %s | %s | %s | %s | %s |\n",
				name, score, c.Score.N, dl,
				countRate(c.Errors, c.ErrorRate()), countRate(c.Refusals, c.RefusalRate()),
				durText(c.Latency.P50), costText(c.Cost))
		}
		fmt.Fprintln(bw)
	}
	if cs := d.Cost; cs != nil {
		fmt.Fprintf(bw, "Total cost: %s", totalText(cs.Total))
		if len(cs.Unpriced) > 0 {
			names := make([]string, len(cs.Unpriced))
			for i, n := range cs.Unpriced {
				names[i] = mdText(n)
			}
			fmt.Fprintf(bw, " (no price: %s)", strings.Join(names, ", "))
		}
		if e := cs.Exchange; e != nil {
			fmt.Fprintf(bw, " at %s CNY/USD (%s)", fnum(e.USDCNY), mdText(e.Date))
		}
		fmt.Fprint(bw, ".")
		for _, j := range cs.Judging {
			fmt.Fprintf(bw, " Judging by %s: %s, in the total.", mdText(j.Judge.Name), judgingText(j))
		}
		for _, q := range cs.Quotas {
			fmt.Fprintf(bw, " Quota %s: %d of %d free tokens used (%s).", mdText(q.Target), q.Used, q.Tokens, pctText(q.Fraction()))
		}
		fmt.Fprint(bw, "\n\n")
	}
	if c := cachedText(d); c != "" {
		fmt.Fprintf(bw, "From the cache: %s results, not sent in this run: no cost, and left out of p50.\n\n", mdText(c))
	}
	if p := d.Previous; p != nil {
		fmt.Fprintf(bw, "Changed since run %s: %s in %s.\n\n", mdCode(p.ID), plural(p.Answers, "answer"), plural(p.Rows, "row"))
	}
	if tr := d.Trend; tr != nil {
		fmt.Fprintf(bw, "Trend over the last %d runs: %s.\n", len(tr.Runs), plural(len(tr.Drops), "significant drop"))
		for _, dr := range tr.Drops {
			fmt.Fprintf(bw, "- %s / %s in run %s: %s\n", mdText(dr.Suite), mdText(dr.Target), mdCode(tr.Runs[dr.Run].ID), changeText(dr.Change, dr.Binary))
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintf(bw, "<sub>%s intervals; Δ is paired by case, `~` when not significant.</sub>\n", lv)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return nil
}

// mdEscaper backslash-escapes what Markdown (and the HTML it allows)
// would read as markup; line breaks would end a table row.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "#", `\#`, "!", `\!`, "&", `\&`,
	"\r\n", " ", "\n", " ", "\r", " ",
)

// mdText is text from a run (a name, a status) as Markdown text.
func mdText(s string) string { return mdEscaper.Replace(s) }

// mdCode is an identifier as inline code; a backtick in it falls back to
// escaped text.
func mdCode(s string) string {
	if s == "" || strings.ContainsAny(s, "`\r\n") {
		return mdText(s)
	}
	return "`" + s + "`"
}
