package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"iter"
	"time"

	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// fakeSource is an in-memory Source over literal data.
type fakeSource struct {
	run     results.Run
	targets []results.Target
	suites  []results.SuiteInfo
	cases   []results.Case
	results []results.Result
	// resultsErr, if set, is yielded after the results.
	resultsErr error
}

var _ Source = (*fakeSource)(nil)

var errNoRun = errors.New("no such run")

func (f *fakeSource) Run(_ context.Context, id string) (results.Run, error) {
	if id != f.run.ID {
		return results.Run{}, errNoRun
	}
	return f.run, nil
}

func (f *fakeSource) Targets(context.Context, string) ([]results.Target, error) {
	return f.targets, nil
}

func (f *fakeSource) Suites(context.Context, string) ([]results.SuiteInfo, error) {
	return f.suites, nil
}

func (f *fakeSource) Cases(context.Context, string) iter.Seq2[results.Case, error] {
	return func(yield func(results.Case, error) bool) {
		for _, c := range f.cases {
			if !yield(c, nil) {
				return
			}
		}
	}
}

func (f *fakeSource) Results(context.Context, string) iter.Seq2[results.Result, error] {
	return func(yield func(results.Result, error) bool) {
		for _, r := range f.results {
			if !yield(r, nil) {
				return
			}
		}
		if f.resultsErr != nil {
			yield(results.Result{}, f.resultsErr)
		}
	}
}

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// Outcome letters of the fixture: P pass (1), F fail (0), E server error,
// R content-filter refusal, T timeout, U answered but unscored, - no
// result; a digit d is a continuous score d/8.
func fixture() *fakeSource {
	f := &fakeSource{
		run: results.Run{
			ID:             "run-0001",
			ConfigName:     "nightly",
			Config:         "name: nightly\nbaseline: gpt-4o\n",
			Baseline:       "gpt-4o",
			HarnessVersion: "v0.1.0",
			Repeats:        1,
			Seed:           42,
			Started:        t0,
			Ended:          t0.Add(150 * time.Second),
			Status:         results.StatusCompleted,
		},
		targets: []results.Target{
			{Name: "sim-fast", Provider: "sim", Model: "sim-1", BaseURL: "http://127.0.0.1:8089/v1", Params: `{"temperature":0}`, Simulated: true},
			{Name: "gpt-4o", Provider: "openai", Model: "gpt-4o", Params: `{"temperature":0}`},
			{Name: "claude", Provider: "anthropic", Model: "claude-sonnet", Params: `{}`},
		},
		suites: []results.SuiteInfo{
			{Name: "arith", Description: "Small arithmetic.", Path: "builtin:arith", Hash: "0123456789abcdef0123", Scorers: []string{"exact_match", "contains"}},
			{Name: "summ", Description: "One-line summaries.", Path: "suites/summ.yaml", Hash: "fedcba9876543210fedc", Scorers: []string{"rouge_l"}},
		},
	}
	for i := range 10 {
		c := results.Case{Suite: "arith", ID: fmt.Sprintf("a%02d", i+1), Prompt: fmt.Sprintf("What is %d+%d? Answer with the number only.", i, i+1), References: []string{fmt.Sprint(2*i + 1)}}
		if i == 0 {
			c.Images = []results.Image{{Path: "img/dots.png", MIME: "image/png", Data: testPNG(320, 200)}, {Path: "img/broken.webp", MIME: "image/webp", Data: []byte("RIFF....WEBP")}}
		}
		f.cases = append(f.cases, c)
	}
	for i := range 6 {
		f.cases = append(f.cases, results.Case{Suite: "summ", ID: fmt.Sprintf("s%d", i+1), Prompt: fmt.Sprintf("Summarise text %d in one line.", i+1), References: []string{fmt.Sprintf("summary %d", i+1)}})
	}
	arith := map[string]string{
		"gpt-4o":   "PPPPPPPPFF",
		"claude":   "PPPPPPPPPE",
		"sim-fast": "FFFFFPPPRF",
	}
	summ := map[string]string{
		"gpt-4o":   "456345",
		"claude":   "567447",
		"sim-fast": "22T22U",
	}
	// Results arrive interleaved by case, as the runner writes them.
	for _, s := range []struct {
		name, scorer string
		rows         map[string]string
		n            int
	}{{"arith", "exact_match", arith, 10}, {"summ", "rouge_l", summ, 6}} {
		for i := range s.n {
			for _, tg := range []string{"gpt-4o", "claude", "sim-fast"} {
				caseID := fmt.Sprintf("a%02d", i+1)
				if s.name == "summ" {
					caseID = fmt.Sprintf("s%d", i+1)
				}
				r := results.Result{
					RunID: "run-0001", Suite: s.name, CaseID: caseID, Target: tg, Repeat: 0,
					Started:  t0.Add(time.Duration(i) * time.Second),
					Attempts: 1, InputTokens: 20, ModelReported: tg,
				}
				switch tg {
				case "gpt-4o":
					r.Latency = time.Second + time.Duration(i)*100*time.Millisecond
					r.TTFT = 200*time.Millisecond + time.Duration(i)*10*time.Millisecond
				case "claude":
					r.Latency = 800*time.Millisecond + time.Duration(i)*50*time.Millisecond
				default:
					r.Latency = 10*time.Millisecond + time.Duration(i)*time.Millisecond
				}
				switch ch := s.rows[tg][i]; ch {
				case 'P', 'F':
					v := 0.0
					if ch == 'P' {
						v = 1
					}
					r.Output = fmt.Sprintf("The answer is %d.", 2*i+1)
					if ch == 'F' {
						r.Output = "I think it is 7."
					}
					r.OutputTokens, r.FinishReason = 6, "stop"
					r.Scores = []suites.Score{{Scorer: s.scorer, Value: v, Binary: true, Extracted: "x"}, {Scorer: "contains", Value: v, Binary: true}}
				case 'U':
					r.Output, r.OutputTokens, r.FinishReason = "(no summary)", 3, "stop"
				case 'E':
					r.ErrorClass, r.ErrorCode, r.ErrorMessage = "server", "500", "upstream exploded"
					r.Latency, r.OutputTokens = 0, 0
				case 'T':
					r.ErrorClass, r.ErrorMessage = "timeout", "deadline exceeded"
					r.Latency = 0
				case 'R':
					r.ErrorClass, r.ErrorCode, r.ErrorMessage = "content_filtered", "content_filter", "blocked by policy"
					r.Latency = 0
				default:
					r.Output = fmt.Sprintf("Summary %d, more or less.", i+1)
					r.OutputTokens, r.FinishReason = 8, "stop"
					r.Scores = []suites.Score{{Scorer: s.scorer, Value: float64(ch-'0') / 8, Tokenizer: "words"}}
				}
				f.results = append(f.results, r)
			}
		}
	}
	return f
}

// testPNG is a deterministic w×h test image.
func testPNG(w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), uint8((x/20 + y/20) % 2 * 255), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
