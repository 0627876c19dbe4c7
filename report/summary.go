package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/llmbench/llmbench/results"
)

// SummarySchema names the version of the summary.json layout. Fields are
// only ever added under the same version; a change of meaning gets a new
// one.
const SummarySchema = "llmbench.summary/v1"

// Summary verdicts.
const (
	VerdictOK          = "ok"           // compared, nothing regressed
	VerdictRegression  = "regression"   // at least one cell regressed
	VerdictFirstRun    = "first_run"    // no earlier completed run to compare with
	VerdictNotCompared = "not_compared" // the run did not complete, so it is not compared
)

// Summary is what a nightly run says: summary.json is its JSON encoding
// (stable: see SummarySchema), summary.md and junit.xml are rendered from
// it.
type Summary struct {
	Schema string `json:"schema"`
	// Config is the config's name: runs of the same name form a history.
	Config string `json:"config"`
	// Run is the run summarised; Previous the run compared with (null on
	// the first night).
	Run      SummaryRun  `json:"run"`
	Previous *SummaryRun `json:"previous"`
	// Verdict is one of the Verdict constants; Message says it in words.
	Verdict string `json:"verdict"`
	Message string `json:"message"`
	// Regressions counts the (suite, target) cells with a regression.
	Regressions int `json:"regressions"`
	// Thresholds are the rules the verdicts used.
	Thresholds SummaryThresholds `json:"thresholds"`
	// Cells has one entry per (suite, target) of the run.
	Cells []SummaryCell `json:"cells"`
	// ModelChanges lists targets whose reported model changed since
	// Previous.
	ModelChanges []SummaryModelChange `json:"model_changes"`
	// VsBaseline lists cells significantly worse than the run's baseline
	// target: reported, never a regression.
	VsBaseline []SummaryBaseline `json:"vs_baseline"`
}

// SummaryRun identifies a run.
type SummaryRun struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Started string `json:"started"`         // RFC 3339 UTC
	Ended   string `json:"ended,omitempty"` // RFC 3339 UTC
	// DurationSeconds is Ended − Started (0 while running).
	DurationSeconds float64 `json:"duration_seconds"`
	Baseline        string  `json:"baseline"`
}

// SummaryThresholds mirrors Thresholds.
type SummaryThresholds struct {
	Level        float64 `json:"level"`
	MinPassDrop  float64 `json:"min_pass_drop"`
	MinScoreDrop float64 `json:"min_score_drop"`
	P50Ratio     float64 `json:"p50_ratio"`
	P95Ratio     float64 `json:"p95_ratio"`
	MinLatencyN  int     `json:"min_latency_n"`
	// MinLatencyRiseMS is Thresholds.MinLatencyRise in milliseconds.
	MinLatencyRiseMS float64 `json:"min_latency_rise_ms"`
	MinRateRise      float64 `json:"min_rate_rise"`
}

// SummaryCell is one (suite, target). Scores are fractions for pass rates
// and the scorer's units otherwise; latencies are milliseconds.
type SummaryCell struct {
	Suite  string `json:"suite"`
	Target string `json:"target"`
	Scorer string `json:"scorer"`
	Binary bool   `json:"binary"`
	// Model is the model name the provider reported in this run.
	Model string `json:"model,omitempty"`
	// ModelBefore is set when the reported model changed since Previous.
	ModelBefore string `json:"model_before,omitempty"`
	// Compared is false when Previous is null or has no results for the
	// cell; the fields below up to Findings are then zero.
	Compared       bool    `json:"compared"`
	SharedCases    int     `json:"shared_cases"`
	ContentChanged int     `json:"content_changed_cases"`
	UnpairedCases  int     `json:"unpaired_cases"`
	ScoreBefore    float64 `json:"score_before"`
	ScoreAfter     float64 `json:"score_after"`
	// Delta is ScoreAfter − ScoreBefore with its paired bootstrap interval
	// at DeltaLevel (the Holm-adjusted level).
	Delta         float64       `json:"delta"`
	DeltaLo       float64       `json:"delta_lo"`
	DeltaHi       float64       `json:"delta_hi"`
	DeltaLevel    float64       `json:"delta_level"`
	P             float64       `json:"p"`
	PHolm         float64       `json:"p_holm"`
	Test          string        `json:"test,omitempty"`
	P50BeforeMS   float64       `json:"p50_before_ms"`
	P50AfterMS    float64       `json:"p50_after_ms"`
	P95BeforeMS   float64       `json:"p95_before_ms"`
	P95AfterMS    float64       `json:"p95_after_ms"`
	ErrorBefore   float64       `json:"error_rate_before"`
	ErrorAfter    float64       `json:"error_rate_after"`
	RefusalBefore float64       `json:"refusal_rate_before"`
	RefusalAfter  float64       `json:"refusal_rate_after"`
	Regressed     bool          `json:"regressed"`
	Findings      []SummaryFind `json:"findings"`
	Flipped       []SummaryFlip `json:"flipped"`
	Calls         int           `json:"calls"`
	TimeSeconds   float64       `json:"time_seconds"`
}

// SummaryFind is a Finding.
type SummaryFind struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// SummaryFlip is a Flip.
type SummaryFlip struct {
	Case   string  `json:"case"`
	Before float64 `json:"before"`
	After  float64 `json:"after"`
}

// SummaryModelChange is a ModelChange.
type SummaryModelChange struct {
	Target string `json:"target"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// SummaryBaseline is a cell significantly worse than the baseline.
type SummaryBaseline struct {
	Suite    string  `json:"suite"`
	Target   string  `json:"target"`
	Baseline string  `json:"baseline"`
	Binary   bool    `json:"binary"`
	Delta    float64 `json:"delta"`
	DeltaLo  float64 `json:"delta_lo"`
	DeltaHi  float64 `json:"delta_hi"`
	Text     string  `json:"text"`
}

// NewSummary builds the summary of diff.After (compared with diff.Before
// when diff.Compared). d, the run's report data, supplies the comparison
// with the baseline; it may be nil.
func NewSummary(diff *RunDiff, d *Data) *Summary {
	run := diff.After
	th := diff.Thresholds
	s := &Summary{
		Schema: SummarySchema, Config: run.ConfigName, Run: summaryRun(run),
		Thresholds: SummaryThresholds{Level: th.Level, MinPassDrop: th.MinPassDrop, MinScoreDrop: th.MinScoreDrop,
			P50Ratio: th.P50Ratio, P95Ratio: th.P95Ratio, MinLatencyN: th.MinLatencyN, MinRateRise: th.MinRateRise, MinLatencyRiseMS: msOf(th.MinLatencyRise)},
		Cells: []SummaryCell{}, ModelChanges: []SummaryModelChange{}, VsBaseline: []SummaryBaseline{},
	}
	if diff.Compared() {
		p := summaryRun(diff.Before)
		s.Previous = &p
	}
	for i := range diff.Cells {
		c := &diff.Cells[i]
		sc := SummaryCell{Suite: c.Suite, Target: c.Target, Scorer: c.Scorer, Binary: c.Binary, Model: c.Model,
			Compared: c.InBefore && c.Shared > 0, SharedCases: c.Shared, ContentChanged: c.ContentChanged, UnpairedCases: c.Unpaired,
			Regressed: c.Regressed(), Findings: []SummaryFind{}, Flipped: []SummaryFlip{},
			Calls: c.Calls, TimeSeconds: c.Time.Seconds()}
		if c.ModelChange != nil {
			sc.ModelBefore = c.ModelChange.Before
		}
		if c.InBefore {
			sc.ScoreBefore, sc.ScoreAfter = c.Before, c.After
			sc.Delta, sc.DeltaLo, sc.DeltaHi, sc.DeltaLevel = c.Delta.Centre, c.Delta.Lo, c.Delta.Hi, c.DeltaLevel
			sc.P, sc.PHolm, sc.Test = c.P, c.PHolm, c.Test
			sc.P50BeforeMS, sc.P50AfterMS = msOf(c.LatBefore.P50), msOf(c.LatAfter.P50)
			sc.P95BeforeMS, sc.P95AfterMS = msOf(c.LatBefore.P95), msOf(c.LatAfter.P95)
			sc.ErrorBefore, sc.ErrorAfter = c.ErrBefore.Value(), c.ErrAfter.Value()
			sc.RefusalBefore, sc.RefusalAfter = c.RefBefore.Value(), c.RefAfter.Value()
		}
		for _, f := range c.Findings {
			sc.Findings = append(sc.Findings, SummaryFind{Kind: f.Kind, Message: f.Message})
		}
		for _, f := range c.Flipped {
			sc.Flipped = append(sc.Flipped, SummaryFlip{Case: f.CaseID, Before: f.Before, After: f.After})
		}
		s.Cells = append(s.Cells, sc)
	}
	for _, m := range diff.ModelChanges {
		s.ModelChanges = append(s.ModelChanges, SummaryModelChange{Target: m.Target, Before: m.Before, After: m.After})
	}
	if d != nil {
		for _, su := range d.Suites {
			for _, cell := range su.Cells {
				cmp := cell.Comparison
				if cmp == nil || !cmp.Significant || cmp.Delta.Centre >= 0 {
					continue
				}
				s.VsBaseline = append(s.VsBaseline, SummaryBaseline{Suite: su.Name, Target: cell.Target, Baseline: cmp.Baseline,
					Binary: cmp.Binary, Delta: cmp.Delta.Centre, DeltaLo: cmp.Delta.Lo, DeltaHi: cmp.Delta.Hi, Text: cmp.Verdict()})
			}
		}
	}
	s.Regressions = diff.Regressions()
	switch {
	case run.Status != results.StatusCompleted:
		s.Verdict = VerdictNotCompared
		s.Message = fmt.Sprintf("run %s is %s: not compared", run.ID, run.Status)
	case !diff.Compared():
		s.Verdict = VerdictFirstRun
		s.Message = fmt.Sprintf("no previous run to compare with: run %s is the first completed run of config %q", run.ID, run.ConfigName)
	case s.Regressions > 0:
		s.Verdict = VerdictRegression
		s.Message = fmt.Sprintf("%s since run %s", countNoun(s.Regressions, "regression"), diff.Before.ID)
	default:
		s.Verdict = VerdictOK
		s.Message = fmt.Sprintf("no regression since run %s", diff.Before.ID)
	}
	return s
}

func summaryRun(r results.Run) SummaryRun {
	s := SummaryRun{ID: r.ID, Status: r.Status, Started: r.Started.UTC().Format(time.RFC3339), Baseline: r.Baseline}
	if !r.Ended.IsZero() {
		s.Ended = r.Ended.UTC().Format(time.RFC3339)
		s.DurationSeconds = r.Ended.Sub(r.Started).Seconds()
	}
	return s
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// WriteSummaryJSON writes s as indented JSON (summary.json).
func WriteSummaryJSON(w io.Writer, s *Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// maxFlipsShown caps the flipped cases listed per cell in summary.md
// (summary.json lists them all).
const maxFlipsShown = 20

// WriteSummaryMarkdown writes s as Markdown for a CI job summary or a chat
// message (summary.md).
func WriteSummaryMarkdown(w io.Writer, s *Summary) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# llmbench nightly: %s\n\n", sumText(s.Config))
	icon := map[string]string{VerdictOK: "✅", VerdictRegression: "❌", VerdictFirstRun: "ℹ️", VerdictNotCompared: "⚠️"}[s.Verdict]
	fmt.Fprintf(&b, "%s **%s**: %s\n\n", icon, s.Verdict, sumText(s.Message))
	fmt.Fprintf(&b, "Run `%s` (%s, started %s)", s.Run.ID, s.Run.Status, s.Run.Started)
	if s.Previous != nil {
		fmt.Fprintf(&b, " compared with run `%s` (started %s)", s.Previous.ID, s.Previous.Started)
	}
	b.WriteString(".\n")
	if len(s.ModelChanges) > 0 {
		b.WriteString("\n## Model changes\n\n")
		for _, m := range s.ModelChanges {
			fmt.Fprintf(&b, "- **%s** now reports model %s (was %s)\n", sumText(m.Target), codeText(m.After), codeText(m.Before))
		}
	}
	if s.Regressions > 0 {
		b.WriteString("\n## Regressions\n")
		for _, c := range s.Cells {
			if !c.Regressed {
				continue
			}
			fmt.Fprintf(&b, "\n### %s × %s\n\n", sumText(c.Target), sumText(c.Suite))
			if c.ModelBefore != "" {
				fmt.Fprintf(&b, "- model changed: %s → %s\n", codeText(c.ModelBefore), codeText(c.Model))
			}
			for _, f := range c.Findings {
				if f.Kind != FindScoreRise {
					fmt.Fprintf(&b, "- %s: %s\n", f.Kind, sumText(f.Message))
				}
			}
			writeFlips(&b, c)
		}
	}
	if len(s.Cells) > 0 {
		b.WriteString("\n## All cells\n\n")
		if s.Previous != nil {
			b.WriteString("| suite | target | before | after | Δ (Holm-adjusted CI) | p (Holm) | p50 ms | errors | verdict |\n|---|---|---|---|---|---|---|---|---|\n")
		} else {
			b.WriteString("| suite | target | calls | model |\n|---|---|---|---|\n")
		}
		for _, c := range s.Cells {
			if s.Previous == nil {
				fmt.Fprintf(&b, "| %s | %s | %d | %s |\n", sumText(c.Suite), sumText(c.Target), c.Calls, codeText(c.Model))
				continue
			}
			if !c.Compared {
				fmt.Fprintf(&b, "| %s | %s | – | – | not in previous run | | | | |\n", sumText(c.Suite), sumText(c.Target))
				continue
			}
			verdict := "~"
			switch {
			case c.Regressed:
				verdict = "**regression**"
			case hasKind(c.Findings, FindScoreRise):
				verdict = "improved"
			}
			model := ""
			if c.ModelBefore != "" {
				model = fmt.Sprintf(" (model %s → %s)", codeText(c.ModelBefore), codeText(c.Model))
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s%s | %s | %.0f → %.0f | %.1f%% → %.1f%% | %s |\n",
				sumText(c.Suite), sumText(c.Target), scoreFmt(c.ScoreBefore, c.Binary), scoreFmt(c.ScoreAfter, c.Binary),
				deltaFmt(c), model, FormatP(c.PHolm), c.P50BeforeMS, c.P50AfterMS, 100*c.ErrorBefore, 100*c.ErrorAfter, verdict)
		}
		if s.Previous != nil {
			notes := []string{}
			for _, c := range s.Cells {
				if c.ContentChanged > 0 {
					notes = append(notes, fmt.Sprintf("%s × %s: %d cases left out because their content changed", c.Target, c.Suite, c.ContentChanged))
				}
			}
			if len(notes) > 0 {
				b.WriteString("\n")
				for _, n := range notes {
					fmt.Fprintf(&b, "- %s\n", sumText(n))
				}
			}
		}
	}
	if len(s.VsBaseline) > 0 {
		b.WriteString("\n## Worse than the baseline (not a regression)\n\n")
		for _, v := range s.VsBaseline {
			fmt.Fprintf(&b, "- %s × %s vs %s: %s\n", sumText(v.Target), sumText(v.Suite), sumText(v.Baseline), sumText(v.Text))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFlips(b *strings.Builder, c SummaryCell) {
	if len(c.Flipped) == 0 {
		return
	}
	ids := make([]string, 0, min(len(c.Flipped), maxFlipsShown))
	for i, f := range c.Flipped {
		if i == maxFlipsShown {
			break
		}
		if c.Binary && f.Before == 1 && f.After == 0 {
			ids = append(ids, codeText(f.Case))
		} else {
			ids = append(ids, fmt.Sprintf("%s (%s → %s)", codeText(f.Case), scoreFmt(f.Before, c.Binary), scoreFmt(f.After, c.Binary)))
		}
	}
	what := "cases whose score dropped"
	if c.Binary {
		what = "cases that went from pass to fail"
	}
	more := ""
	if len(c.Flipped) > maxFlipsShown {
		more = fmt.Sprintf(" and %d more (see summary.json)", len(c.Flipped)-maxFlipsShown)
	}
	fmt.Fprintf(b, "- %d %s: %s%s\n", len(c.Flipped), what, strings.Join(ids, ", "), more)
}

func hasKind(fs []SummaryFind, kind string) bool {
	for _, f := range fs {
		if f.Kind == kind {
			return true
		}
	}
	return false
}

func scoreFmt(v float64, binary bool) string {
	if binary {
		return fmt.Sprintf("%.1f%%", 100*v)
	}
	return fmt.Sprintf("%.3f", v)
}

func deltaFmt(c SummaryCell) string {
	if c.Binary {
		return fmt.Sprintf("%+.1f pp [%+.1f, %+.1f]", 100*c.Delta, 100*c.DeltaLo, 100*c.DeltaHi)
	}
	return fmt.Sprintf("%+.3f [%+.3f, %+.3f]", c.Delta, c.DeltaLo, c.DeltaHi)
}

// sumText escapes text from configs and models for Markdown: the
// characters that would start markup or break a table cell.
func sumText(s string) string { return sumEscaper.Replace(s) }

var sumEscaper = strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "\n", " ", "\r", " ")

// codeText is s as inline code ("" for an empty s).
func codeText(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(s, "`", "'") + "`"
}

// countNoun is "1 regression", "2 regressions".
func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
