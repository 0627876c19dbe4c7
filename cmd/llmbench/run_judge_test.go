package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/llmbench/llmbench/suites"
)

// judgeServer is an OpenAI-compatible judge on loopback that grades every
// answer 7 and counts the requests it is sent.
func judgeServer(t *testing.T) (url string, requests *atomic.Int64) {
	t.Helper()
	requests = &atomic.Int64{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "j", "object": "chat.completion", "model": "judge-1",
			"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": "Clear and right.\nScore: 7"}, "finish_reason": "stop"}},
			"usage":   map[string]any{"prompt_tokens": 100, "completion_tokens": 5, "total_tokens": 105},
		})
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1", requests
}

// writeOpenSuite writes suite "open" of two open questions judged by
// rubric to dir/open and loads it.
func writeOpenSuite(t *testing.T, dir string) *suites.Suite {
	t.Helper()
	sdir := filepath.Join(dir, "open")
	if err := os.MkdirAll(sdir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"suite.yaml":  "name: open\nprompt: \"{{.q}}\"\nscorers: [judge]\njudge: {rubric: \"10: right, 1: wrong\"}\ncases: cases.jsonl\n",
		"cases.jsonl": "{\"id\": \"a\", \"q\": \"Explain rain.\", \"reference\": \"Water falls.\"}\n{\"id\": \"b\", \"q\": \"Explain snow.\", \"reference\": \"Ice falls.\"}\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(sdir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := suites.Load(filepath.Join(sdir, "suite.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// writeJudgedConfig writes to dir, beside suite "open", a config of the
// simulated models answering it and an OpenAI judge at judgeURL; extra is
// appended to the config.
func writeJudgedConfig(t *testing.T, dir, simURL string, models []string, judgeURL, extra string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("name: judged\ntargets:\n")
	for _, m := range models {
		fmt.Fprintf(&b, "  - {name: %s, provider: sim, model: %s, base_url: %q}\n", m, m, simURL)
	}
	fmt.Fprintf(&b, "judge: {name: referee, provider: openai, model: judge-1, base_url: %q, api_key_env: JUDGE_KEY, stream: false}\n", judgeURL)
	b.WriteString("suites: [./open/suite.yaml]\n" + extra)
	cfg := filepath.Join(dir, "judged.yaml")
	if err := os.WriteFile(cfg, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestRunJudgeCacheAndBudget: with --cache a second run sends the judge no
// request and says its judge calls came from the cache; a --max-cost the
// answers fit but their judging does not ends the run incomplete (exit 4)
// in the judge phase, and --resume finishes the judging.
func TestRunJudgeCacheAndBudget(t *testing.T) {
	t.Setenv("JUDGE_KEY", "k")
	judgeURL, requests := judgeServer(t)
	dir := t.TempDir()
	simURL, models := quietSim(t, writeOpenSuite(t, dir))
	cfg := writeJudgedConfig(t, dir, simURL, models, judgeURL, "")
	db := filepath.Join(t.TempDir(), "llmbench.db")

	out, errOut, code := runCLI(t, "run", "--config", cfg, "--db", db, "--cache")
	if code != 0 {
		t.Fatalf("first run: exit %d: %s\n%s", code, errOut, out)
	}
	if want := "judge referee: 4 of 4 judge calls made (0 failed, 0 from the cache)"; !strings.Contains(out, want) || requests.Load() != 4 {
		t.Errorf("first run: %d judge requests; output lacks %q:\n%s", requests.Load(), want, out)
	}
	out, errOut, code = runCLI(t, "run", "--config", cfg, "--db", db, "--cache")
	if code != 0 {
		t.Fatalf("second run: exit %d: %s\n%s", code, errOut, out)
	}
	if want := "judge referee: 4 of 4 judge calls made (0 failed, 4 from the cache)"; !strings.Contains(out, want) || requests.Load() != 4 {
		t.Errorf("second run sent the judge %d requests (want none); output lacks %q:\n%s", requests.Load()-4, want, out)
	}

	prices := "prices:\n" +
		"  - {model: " + models[0] + ", input: 0, output: 0, currency: USD, date: 2026-01}\n" +
		"  - {model: " + models[1] + ", input: 0, output: 0, currency: USD, date: 2026-01}\n" +
		"  - {model: judge-1, input: 1000, output: 1000, currency: USD, date: 2026-01}\n"
	pdir := t.TempDir()
	writeOpenSuite(t, pdir)
	priced := writeJudgedConfig(t, pdir, simURL, models, judgeURL, prices)
	db2 := filepath.Join(t.TempDir(), "llmbench.db")
	requests.Store(0)
	out, errOut, code = runCLI(t, "run", "--config", priced, "--db", db2, "--max-cost", "0.25USD")
	if code != ExitIncomplete {
		t.Fatalf("run under a budget: exit %d, want %d: %s\n%s", code, ExitIncomplete, errOut, out)
	}
	if !strings.Contains(out, "stopped by the budget (--max-cost 0.25 USD) in the judge phase") {
		t.Errorf("the note does not say the budget stopped judging:\n%s", out)
	}
	made := requests.Load()
	if made >= 4 {
		t.Errorf("%d judge requests under a budget that does not cover 4", made)
	}
	out, errOut, code = runCLI(t, "run", "--config", priced, "--db", db2, "--resume", "last")
	if code != 0 || requests.Load() != 4 {
		t.Errorf("resume without a budget: exit %d, %d judge requests in all (want 4): %s\n%s", code, requests.Load(), errOut, out)
	}
}
