package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// reportDB stores two completed runs of config nightly (the second one
// newer, with a changed answer and a price in its config) and returns the
// database path.
func reportDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "llmbench.db")
	st, err := results.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t0 := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	config := "name: nightly\nprices:\n  - {model: cand-1, input: 1, output: 2, currency: CNY, date: 2026-02}\nexchange: {USD_CNY: 8, date: 2026-02-01}\n"
	for i, id := range []string{"run-1", "run-2"} {
		run := results.Run{ID: id, ConfigName: "nightly", Config: config, Baseline: "base", Repeats: 1,
			Started: t0.Add(time.Duration(i) * 24 * time.Hour), Ended: t0.Add(time.Duration(i)*24*time.Hour + time.Minute), Status: results.StatusCompleted}
		targets := []results.Target{{Name: "base", Provider: "openai", Model: "gpt-4o"}, {Name: "cand", Provider: "openai", Model: "cand-1"}}
		if err := st.CreateRun(ctx, run, targets, []results.SuiteInfo{{Name: "qa", Scorers: []string{"exact"}}}); err != nil {
			t.Fatal(err)
		}
		var cases []results.Case
		for c := range 4 {
			cases = append(cases, results.Case{Suite: "qa", ID: fmt.Sprintf("q%d", c), Prompt: "question", Hash: fmt.Sprintf("h%d", c)})
		}
		if err := st.PutCases(ctx, id, cases); err != nil {
			t.Fatal(err)
		}
		w := st.NewWriter(results.WriterOptions{})
		for c := range 4 {
			for _, tg := range []string{"base", "cand"} {
				v := 1.0
				if tg == "cand" && i == 1 && c == 0 {
					v = 0 // the one change between the runs
				}
				r := results.Result{RunID: id, Suite: "qa", CaseID: fmt.Sprintf("q%d", c), Target: tg, Output: fmt.Sprint(v),
					Latency: time.Second, Attempts: 1, InputTokens: 1000, OutputTokens: 500,
					Scores: []suites.Score{{Scorer: "exact", Value: v, Binary: true}}}
				if err := w.Put(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func TestReportFormats(t *testing.T) {
	db := reportDB(t)
	t.Run("json to stdout", func(t *testing.T) {
		out, errOut, code := runCLI(t, "report", "--db", db, "--format", "json")
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var doc struct {
			Schema string `json:"schema"`
			Run    struct{ ID string }
			Cost   struct {
				Total struct{ USD, CNY *float64 }
			}
			Previous *struct {
				Run            string `json:"run"`
				ChangedAnswers int    `json:"changed_answers"`
			}
			Trend *struct{ Runs []struct{ ID string } }
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("stdout is not JSON: %v\n%s", err, out)
		}
		if doc.Schema != "llmbench.report/v1" || doc.Run.ID != "run-2" {
			t.Errorf("schema %q run %q", doc.Schema, doc.Run.ID)
		}
		// base: 4000 in, 2000 out at $2.50/$10 = $0.03; cand: ¥1/¥2 →
		// ¥0.008 = $0.001 at 8.
		if doc.Cost.Total.USD == nil || fmt.Sprintf("%.6f", *doc.Cost.Total.USD) != "0.031000" {
			t.Errorf("total USD = %v, want 0.031", doc.Cost.Total.USD)
		}
		if doc.Previous == nil || doc.Previous.Run != "run-1" || doc.Previous.ChangedAnswers != 1 {
			t.Errorf("previous = %+v, want run-1 with one changed answer", doc.Previous)
		}
		if doc.Trend == nil || len(doc.Trend.Runs) != 2 {
			t.Errorf("trend = %+v, want two runs", doc.Trend)
		}
	})
	t.Run("md", func(t *testing.T) {
		out, errOut, code := runCLI(t, "report", "--db", db, "--format", "md", "--previous", "none")
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, want := range []string{"| target | score [95% CI] |", "| base (baseline) |", "Total cost: $0.0310 (¥0.248)"} {
			if !strings.Contains(out, want) {
				t.Errorf("markdown lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "Changed since") {
			t.Error("--previous none still reports changes")
		}
	})
	t.Run("csv to a file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "r.csv")
		out, errOut, code := runCLI(t, "report", "--db", db, "--format", "csv", "--out", path, "--run", "run-1")
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !strings.Contains(out, "written to "+path) {
			t.Errorf("stdout %q", out)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[0][0] != "run" || rows[1][0] != "run-1" {
			t.Errorf("csv rows %q", rows)
		}
	})
	t.Run("prices file", func(t *testing.T) {
		dir := t.TempDir()
		good := filepath.Join(dir, "prices.yaml")
		os.WriteFile(good, []byte("prices:\n  - {model: gpt-4o, input: 0, output: 0, currency: USD, date: 2026-03-01, source: contract}\n"), 0o644)
		out, errOut, code := runCLI(t, "report", "--db", db, "--format", "text", "--prices", good)
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !strings.Contains(out, "base $0 (¥0)") {
			t.Errorf("the override price is not used:\n%s", out)
		}
		bad := filepath.Join(dir, "bad.yaml")
		os.WriteFile(bad, []byte("prices:\n  - model: gpt-4o\n    input: 1\n"), 0o644)
		_, errOut, code = runCLI(t, "report", "--db", db, "--prices", bad)
		if code != ExitFailed || !strings.Contains(errOut, "bad.yaml:2: prices: gpt-4o has no currency") {
			t.Errorf("exit %d, stderr %q; want a file:line error", code, errOut)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, tt := range []struct {
			args []string
			code int
			want string
		}{
			{[]string{"--format", "xml"}, ExitUsage, "--format \"xml\""},
			{[]string{"--previous", "run-9"}, ExitFailed, "run run-9 not found"},
			{[]string{"--previous", ""}, ExitUsage, "--previous is empty"},
		} {
			_, errOut, code := runCLI(t, append([]string{"report", "--db", db, "--out", "-"}, tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
			}
		}
	})
}
