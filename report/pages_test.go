package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// largeSource is a run of nCases cases of one pass/fail suite × nTargets
// targets (the baseline gpt-4o and t1…), with answers of a few hundred
// bytes, some errors and refusals, drawn from a fixed seed.
func largeSource(nCases, nTargets int) *fakeSource {
	rng := rand.New(rand.NewPCG(7, 11))
	f := &fakeSource{
		run: results.Run{
			ID: "run-large", ConfigName: "large", Baseline: "gpt-4o", HarnessVersion: "v0.1.0",
			Repeats: 1, Seed: 7, Started: t0, Ended: t0.Add(time.Hour), Status: results.StatusCompleted,
		},
		suites: []results.SuiteInfo{{Name: "big", Description: "Many cases.", Path: "suites/big.yaml", Hash: "abcdef0123456789", Scorers: []string{"exact_match"}}},
	}
	names := []string{"gpt-4o"}
	for i := 1; i < nTargets; i++ {
		names = append(names, fmt.Sprintf("t%d", i))
	}
	for _, n := range names {
		f.targets = append(f.targets, results.Target{Name: n, Provider: "openai", Model: n, Params: `{}`})
	}
	filler := strings.Repeat("Working through it step by step, the result follows. ", 4)
	for i := range nCases {
		id := fmt.Sprintf("c%05d", i+1)
		f.cases = append(f.cases, results.Case{Suite: "big", ID: id, Hash: fmt.Sprintf("h%05d", i), Prompt: fmt.Sprintf("Question %d: what is %d × %d? Answer with the number only.", i+1, i, i+3), References: []string{fmt.Sprint(i * (i + 3))}})
		for ti, tg := range names {
			r := results.Result{
				RunID: f.run.ID, Suite: "big", CaseID: id, Target: tg,
				Started:  t0.Add(time.Duration(i) * time.Millisecond),
				Attempts: 1, InputTokens: 30, ModelReported: tg,
				Latency: time.Duration(300+rng.IntN(1500)+100*ti) * time.Millisecond,
				TTFT:    time.Duration(50+rng.IntN(300)) * time.Millisecond,
			}
			switch u := rng.Float64(); {
			case u < 0.01:
				r.ErrorClass, r.ErrorCode, r.ErrorMessage, r.Latency, r.TTFT = "server", "500", "upstream error", 0, 0
			case u < 0.015:
				r.ErrorClass, r.ErrorMessage, r.Latency, r.TTFT = "content_filtered", "blocked by policy", 0, 0
			default:
				v := 0.0
				if rng.Float64() < 0.8-0.03*float64(ti) {
					v = 1
				}
				r.Output = fmt.Sprintf("%sThe answer is %d.", filler, i*(i+3)+int(1-v))
				r.OutputTokens, r.FinishReason = 60, "stop"
				r.Scores = []suites.Score{{Scorer: "exact_match", Value: v, Binary: true}}
			}
			f.results = append(f.results, r)
		}
	}
	return f
}

// withPayloads puts the XSS payloads in everything a run lets a model or a
// suite write: the suite and a target name, the first case's ID, prompt
// and reference, and every answer and error message of the first case.
func withPayloads(f *fakeSource, target string, payload string) *fakeSource {
	f.run.ConfigName += payload
	suite := f.suites[0].Name
	f.suites[0].Name += payload
	f.suites[0].Description = payload
	first := f.cases[0].ID
	for i := range f.targets {
		if f.targets[i].Name == target {
			f.targets[i].Name += payload
		}
	}
	for i := range f.cases {
		c := &f.cases[i]
		if c.Suite == suite {
			c.Suite += payload
		}
		if c.ID == first {
			c.ID += payload
			c.Prompt = payload + "\n" + c.Prompt
			c.References = []string{payload}
		}
	}
	for i := range f.results {
		r := &f.results[i]
		if r.Suite == suite {
			r.Suite += payload
		}
		if r.Target == target {
			r.Target += payload
		}
		if r.CaseID == first {
			r.CaseID += payload
			if r.ErrorClass != "" {
				r.ErrorMessage = payload
			} else {
				r.Output = payload
			}
		}
	}
	return f
}

// payload is every hostile string of the issue, joined; each must show as
// text and do nothing.
var payload = strings.Join([]string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`</textarea>`,
	`</script><script>alert(1)</script>`,
	`<a href="javascript:alert(1)">javascript:alert(1)</a>`,
	`<!--`,
	"\u2028",
}, " ")

var rowBlockRE = regexp.MustCompile(`(?s)<script type="application/json" id="rows-(\d+)">(.*?)</script>`)

// TestPagedRows checks the JSON data of a paged suite: only suites over
// PagedRows rows are paged, the block holds no '<' (so no text can end the
// script element), and it decodes to every row with its answers.
func TestPagedRows(t *testing.T) {
	for _, tt := range []struct {
		name  string
		cases int
		paged bool
	}{
		{"at the threshold", PagedRows, false},
		{"one over", PagedRows + 1, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := withPayloads(largeSource(tt.cases, 3), "t1", payload)
			d := buildFixture(t, f)
			page := string(renderHTML(t, d))
			blocks := rowBlockRE.FindAllStringSubmatch(page, -1)
			if !tt.paged {
				if len(blocks) != 0 {
					t.Fatalf("%d JSON blocks, want none", len(blocks))
				}
				if got := strings.Count(page, "<tr data-case="); got != tt.cases {
					t.Errorf("%d server-rendered rows, want %d", got, tt.cases)
				}
				return
			}
			if len(blocks) != 1 || blocks[0][1] != "0" {
				t.Fatalf("JSON blocks %d, want one for suite 0", len(blocks))
			}
			if strings.Contains(page, "<tr data-case=") {
				t.Error("a paged suite also has server-rendered rows")
			}
			data := blocks[0][2]
			if i := strings.IndexAny(data, "<>&\u2028"); i >= 0 {
				t.Fatalf("JSON block holds %q at %d", data[i], i)
			}
			var rows []jsonRow
			if err := json.Unmarshal([]byte(data), &rows); err != nil {
				t.Fatal(err)
			}
			if len(rows) != tt.cases {
				t.Fatalf("%d rows, want %d", len(rows), tt.cases)
			}
			want := toJSONRow(&d.Suites[0].Rows[0], d.Suites[0].Binary)
			if diff := cmp.Diff(want, rows[0]); diff != "" {
				t.Errorf("first row (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(rows[0].Prompt, payload+"\n") || rows[0].Answers[0].Output != payload {
				t.Errorf("payload not kept as text: prompt %q, answer %+v", rows[0].Prompt, rows[0].Answers[0])
			}
			tags, _ := startTags(page)
			if got := countTags(tags, "script"); got != 2 {
				t.Errorf("%d script elements, want the data block and the filter", got)
			}
		})
	}
}

// TestPagedDeterministic: the same data gives the same bytes, paged or not.
func TestPagedDeterministic(t *testing.T) {
	d := buildFixture(t, largeSource(PagedRows+50, 3))
	a, b := renderHTML(t, d), renderHTML(t, d)
	if !bytes.Equal(a, b) {
		t.Error("two renderings of the same data differ")
	}
}

// storeLarge writes src into a new SQLite store under dir through
// results.Writer, as a run would, and returns the open store.
func storeLarge(tb testing.TB, dir string, src *fakeSource) *results.Store {
	tb.Helper()
	ctx := context.Background()
	st, err := results.Open(filepath.Join(dir, "llmbench.db"))
	if err != nil {
		tb.Fatal(err)
	}
	run := src.run
	run.Status, run.Ended = results.StatusRunning, time.Time{}
	if err := st.CreateRun(ctx, run, src.targets, src.suites); err != nil {
		tb.Fatal(err)
	}
	if err := st.PutCases(ctx, run.ID, src.cases); err != nil {
		tb.Fatal(err)
	}
	w := st.NewWriter(results.WriterOptions{})
	for _, r := range src.results {
		if err := w.Put(ctx, r); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := st.FinishRun(ctx, run.ID, src.run.Status, "", src.run.Ended); err != nil {
		tb.Fatal(err)
	}
	return st
}

// BenchmarkReport10kx6 builds the report of a stored run of 10,000 cases
// × 6 targets from a real SQLite store and writes its HTML to a file, as
// `llmbench report` does. Besides ns/op it reports the HTML size and the
// peak heap in use during one build + write (sampled every 5 ms), and the
// bytes allocated per op.
//
//	go test -run '^$' -bench Report10kx6 -benchtime 3x ./report
func BenchmarkReport10kx6(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	src := largeSource(10_000, 6)
	st := storeLarge(b, dir, src)
	defer st.Close()
	src = nil
	runtime.GC()
	out := filepath.Join(dir, "report.html")

	var size int64
	var peak uint64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		stop := make(chan struct{})
		done := make(chan uint64)
		go func() {
			var ms runtime.MemStats
			var p uint64
			tick := time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
			for {
				runtime.ReadMemStats(&ms)
				p = max(p, ms.HeapInuse)
				select {
				case <-stop:
					done <- p
					return
				case <-tick.C:
				}
			}
		}()
		d, err := Build(ctx, st, "run-large")
		if err != nil {
			b.Fatal(err)
		}
		fh, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		bw := bufio.NewWriterSize(fh, 1<<16)
		if err := WriteHTML(bw, d); err != nil {
			b.Fatal(err)
		}
		if err := bw.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := fh.Close(); err != nil {
			b.Fatal(err)
		}
		close(stop)
		peak = max(peak, <-done)
		fi, err := os.Stat(out)
		if err != nil {
			b.Fatal(err)
		}
		size = fi.Size()
	}
	b.ReportMetric(float64(size)/(1<<20), "MiB-html")
	b.ReportMetric(float64(peak)/(1<<20), "MiB-peak-heap")
}

func itoa(n int) string { return fmt.Sprint(n) }

// cmpStrings is cmp.Diff for lists of case IDs.
func cmpStrings(want, got []string) string { return cmp.Diff(want, got) }
