package report

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/llmbench/llmbench/results"
)

//go:embed report.html.tmpl
var htmlSource string

//go:embed filter.js
var filterJS string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"score":       scoreText,
	"interval":    intervalText,
	"pct":         pctText,
	"passK":       func(p PassK) string { return passKText(&p) },
	"dur":         durText,
	"utc":         utcText,
	"runTime":     runTimeText,
	"deltaClass":  deltaClass,
	"thumbURL":    thumbURL,
	"colour":      colourClass,
	"wasText":     wasText,
	"answerScore": answerScoreText,
	"paged":       func(s SuiteSummary) bool { return paged(&s) },
	"pageSize":    func() int { return PageSize },
	"anyCached":   anyCached,
	"suiteCached": suiteCached,
}).Parse(htmlSource))

// answerScoreText is one answer's score for the drill-down: pass or fail
// for pass/fail scores, three decimals otherwise.
func answerScoreText(a Answer, binary bool) string {
	if binary {
		if a.Score >= 0.5 {
			return "pass"
		}
		return "fail"
	}
	return fmt.Sprintf("%.3f", a.Score)
}

// view is what the HTML template renders.
type view struct {
	*Data
	Plots    *plots
	Baseline *TargetSummary
	// SimulatedNames are the simulated targets' names, in display order.
	SimulatedNames []string
	Script         template.JS
	CSP            string
	PaletteCSS     template.CSS
	Resamples      int
	MaxText        int
	// LevelText is the confidence level of every interval, "95%" by default.
	LevelText string
	// Repeated is true when some suite has more than one sample per case.
	Repeated bool
	// AnyPaged is true when some suite's drill-down is paged (see pages.go).
	AnyPaged bool
}

// WriteHTML writes d as one self-contained HTML file: inline CSS, inline
// SVG plots, a small inline script (allowed by hash in the page's
// Content-Security-Policy, which also forbids every network fetch), and
// case images as data: URLs. All text from the run (model output, prompts,
// names, config) is escaped by html/template, except the drill-down rows of
// suites with more than PagedRows rows: those are JSON data blocks (escaped
// by encoding/json so they hold no '<') that the script pages through. The
// same d always gives the same bytes.
func WriteHTML(w io.Writer, d *Data) error {
	ps, err := renderPlots(d)
	if err != nil {
		return err
	}
	v := view{
		Data:       d,
		Plots:      ps,
		Script:     template.JS(filterJS),
		CSP:        contentSecurityPolicy(filterJS),
		PaletteCSS: template.CSS(paletteCSS()),
		Resamples:  Resamples,
		MaxText:    MaxTextBytes,
		LevelText:  levelText(d.Level),
	}
	for _, s := range d.Suites {
		v.Repeated = v.Repeated || s.Repeats > 1
		v.AnyPaged = v.AnyPaged || paged(&s)
	}
	for i := range d.Targets {
		if d.Targets[i].Baseline {
			v.Baseline = &d.Targets[i]
		}
		if d.Targets[i].Simulated {
			v.SimulatedNames = append(v.SimulatedNames, d.Targets[i].Name)
		}
	}
	bw := bufio.NewWriter(w)
	if err := htmlTemplate.Execute(bw, v); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	// The rows of large suites go in JSON blocks after the main content and
	// before the script that reads them (see pages.go).
	if err := writeRowData(bw, d); err != nil {
		return err
	}
	if err := htmlTemplate.ExecuteTemplate(bw, "tail", v); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}

// contentSecurityPolicy allows inline styles (the SVGs use style
// attributes), data: images, and exactly the report's own script; nothing
// may be fetched.
func contentSecurityPolicy(script string) string {
	sum := sha256.Sum256([]byte(script))
	return "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-" +
		base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; form-action 'none'"
}

// paletteCSS gives each palette index a class: .c3 sets --c, the colour
// swatches and answer headers use it.
func paletteCSS() string {
	var b strings.Builder
	for i, c := range palette {
		fmt.Fprintf(&b, ".c%d{--c:%s}", i, hexColour(c))
	}
	return b.String()
}

func colourClass(i int) string { return fmt.Sprintf("c%d", i%len(palette)) }

// scoreText is an interval's centre: a percentage for pass rates, three
// decimals for continuous scores; "—" when there is nothing to show.
func scoreText(iv Interval, binary bool) string {
	if iv.N == 0 {
		return "—"
	}
	if binary {
		return fmt.Sprintf("%.1f%%", 100*iv.Centre)
	}
	return fmt.Sprintf("%.3f", iv.Centre)
}

// intervalText is "[lo, hi]" in the same units as scoreText.
func intervalText(iv Interval, binary bool) string {
	if iv.N == 0 {
		return ""
	}
	if binary {
		return fmt.Sprintf("[%.1f, %.1f]", 100*iv.Lo, 100*iv.Hi)
	}
	return fmt.Sprintf("[%.3f, %.3f]", iv.Lo, iv.Hi)
}

func pctText(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

// durText prints a duration for people: "850ms", "1.23s", "—" for zero.
func durText(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Round(time.Millisecond)/time.Millisecond)
	case d < time.Minute:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}

func utcText(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format(time.RFC3339)
}

// runTimeText is the run's wall-clock duration ("—" while running).
func runTimeText(r results.Run) string {
	if r.Started.IsZero() || r.Ended.IsZero() {
		return "—"
	}
	return r.Ended.Sub(r.Started).Round(time.Second).String()
}

func deltaClass(c *Comparison) string {
	switch {
	case c == nil || c.Delta.N == 0:
		return "none"
	case !c.Significant:
		return "noise"
	case c.Delta.Centre > 0:
		return "up"
	}
	return "down"
}

// thumbURL is a thumbnail as a data: URL. Only bytes this package encoded
// as PNG reach it (see Thumbnail), so marking the URL safe lets nothing
// from a suite through unescaped.
func thumbURL(t Thumbnail) template.URL {
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(t.PNG))
}

// suiteCached counts the results of suite s answered from the cache.
func suiteCached(s SuiteSummary) int {
	n := 0
	for _, c := range s.Cells {
		n += c.Cached
	}
	return n
}
