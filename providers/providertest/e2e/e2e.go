// Package e2e proves a provider adapter end to end the way `llmbench run`
// uses it: a config with base_url pointing at the adapter's own fake on
// 127.0.0.1 goes through bench.ParseConfig, Prepare, results.Open, Execute
// and report.Build. Every adapter package's TestEndToEnd calls Run with its
// targets; the checks are the same for all.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmbench/llmbench/bench"
	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
	"github.com/llmbench/llmbench/report"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// Target is one adapter configuration proved end to end.
type Target struct {
	Provider, API string
	// Label tells apart targets of the same provider and API.
	Label string
	// Model is requested; reported is what every stored result must carry
	// as the model (the fake's dated name, or the requested one for APIs
	// that report none).
	Model, Reported string
	// Path is the API root's path on the fake: base_url is the fake's URL
	// plus path, in the form the README documents for the provider.
	Path string
	// Keys are extra target lines of the config (the credential variables).
	Keys []string
	// Env is what the run's getenv supplies; creds is what the fake accepts.
	Env   map[string]string
	Creds providers.Config
	// Secrets must never reach the database or the text report.
	Secrets []string
	// KeyEnv is what a stored auth failure must name.
	KeyEnv string
	// Images is true when the adapter sends images: the run then has a
	// vision case.
	Images bool
	// Serve answers one request as the package's fake does for b.
	Serve func(b providertest.Behaviour, w http.ResponseWriter, r *http.Request)
}

// name is the target's name in the config and the subtest's.
func (tt *Target) Name() string {
	n := tt.Provider
	for _, s := range []string{tt.API, tt.Label} {
		if s != "" {
			n += "-" + s
		}
	}
	return n + "-e2e"
}

// e2eUsage is what the fake reports for every answer.
var e2eUsage = providers.Usage{InputTokens: 57, OutputTokens: 23}

// e2eAnswer is the fake's answer to a case: worked, then the final line
// the suites ask for, with the case's reference.
func e2eAnswer(reference string) string {
	return "Working through it step by step gives the result.\nAnswer: " + reference
}

type e2eCase struct {
	key, question, reference string
	images                   []providers.Image
}

// e2eFake routes every request to the package's fake with the behaviour
// scripted for the case it carries: it finds the case by its question among
// the strings of the JSON body, whatever the wire format, and answers with
// the case's reference. A request whose body is not JSON (an OAuth token
// fetch) gets the default scenario.
type e2eFake struct {
	tt    *Target
	cases []e2eCase

	mu sync.Mutex
	// def is the scenario of calls with nothing scripted; script lists,
	// per case key, the scenarios of its first calls.
	def       providertest.Scenario
	script    map[string][]providertest.Scenario
	calls     map[string]int
	received  map[string][]providertest.Received
	unmatched int
}

func (f *e2eFake) reset(def providertest.Scenario, script map[string][]providertest.Scenario) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.def, f.script = def, script
	f.calls, f.received, f.unmatched = map[string]int{}, map[string][]providertest.Received{}, 0
}

func (f *e2eFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	c, chat := f.match(body)
	f.mu.Lock()
	scenario := f.def
	if c != nil {
		n := f.calls[c.key]
		f.calls[c.key]++
		if s := f.script[c.key]; n < len(s) {
			scenario = s[n]
		}
	} else if chat {
		f.unmatched++
	}
	f.mu.Unlock()
	b := providertest.Behaviour{
		Scenario: scenario, Config: f.tt.Creds, Model: f.tt.Reported, Text: e2eAnswer("0"),
		Cut: 8, Usage: e2eUsage, RetryAfter: time.Second,
	}
	if c != nil {
		b.Text = e2eAnswer(c.reference)
		b.Record = func(rec providertest.Received) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.received[c.key] = append(f.received[c.key], rec)
		}
	}
	f.tt.Serve(b, w, r)
}

// match returns the case whose question the body holds (nil when none or
// several do), and whether the body is JSON at all.
func (f *e2eFake) match(body []byte) (*e2eCase, bool) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil, false
	}
	var text strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			text.WriteString(x)
			text.WriteByte('\n')
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	var found *e2eCase
	for i := range f.cases {
		if strings.Contains(text.String(), f.cases[i].question) {
			if found != nil {
				return nil, true
			}
			found = &f.cases[i]
		}
	}
	return found, true
}

// e2ePNG draws three red squares on white.
func e2ePNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 24))
	for y := 0; y < 24; y++ {
		for x := 0; x < 64; x++ {
			c := color.RGBA{255, 255, 255, 255}
			if y >= 6 && y < 18 && x%20 >= 4 && x%20 < 16 && x < 60 {
				c = color.RGBA{220, 20, 20, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeE2ESuite writes a small suite with a system prompt: one text case
// and, when images is set, one case with a picture.
func writeE2ESuite(t *testing.T, dir string, images bool) {
	if err := os.MkdirAll(filepath.Join(dir, "mini"), 0o755); err != nil {
		t.Fatal(err)
	}
	suite := `name: mini
description: a text case and a picture, end to end
system: 'You are a careful assistant. Finish with a line "Answer: <number>".'
prompt: "{{.question}}"
scorers: [numeric]
cases:
  - {id: apples, question: "A crate holds 12 apples. How many apples are in 7 crates?", reference: "84"}
`
	if images {
		suite += `  - {id: squares, question: "How many red squares are in the picture?", reference: "3", images: [squares.png]}` + "\n"
		if err := os.WriteFile(filepath.Join(dir, "mini", "squares.png"), e2ePNG(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "mini", "suite.yaml"), []byte(suite), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runE2E proves one adapter configuration through the path of `llmbench
// run`: config text → bench.ParseConfig → bench.Prepare → results.Open →
// bench.Execute → report.Build → report.WriteText, against the package's
// fake on 127.0.0.1, with the built-in reasoning suite and a small suite
// of its own. Three runs go into one database:
//
//  1. every call answered: one result per case, each with the reported
//     model, the fake's usage, a time to first token (calls are streamed),
//     the answer as sent and a right score; the provider's parameter
//     changes are noted on the run;
//  2. one case rate-limited once (the provider's own error) and one
//     blocked by its content filter: the first is stored after 2 attempts
//     with its answer, the second as content_filtered, unscored and counted
//     as a refusal by the report;
//  3. every credential rejected, the fake echoing what it got: the target
//     stops, the run is incomplete and names the variable to check.
//
// Last, no secret appears in the database files or in any text report.
func Run(t *testing.T, tt Target) {
	ctx := context.Background()
	dir := t.TempDir()
	writeE2ESuite(t, dir, tt.Images)
	fake := &e2eFake{tt: &tt}
	var loaded []*suites.Suite
	for _, ref := range []string{"reasoning", "mini/suite.yaml"} {
		s, err := suites.Resolve(ref, dir)
		if err != nil {
			t.Fatal(err)
		}
		loaded = append(loaded, s)
		for c, err := range s.All() {
			if err != nil {
				t.Fatal(err)
			}
			q, _ := c.Fields["question"].(string)
			fake.cases = append(fake.cases, e2eCase{key: s.Name + "/" + c.ID, question: q, reference: c.References[0], images: c.Images})
		}
	}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)

	name := tt.Name()
	lines := []string{"name: " + name, "provider: " + tt.Provider, "model: " + tt.Model, "base_url: " + srv.URL + tt.Path}
	if tt.API != "" {
		lines = append(lines, "api: "+tt.API)
	}
	lines = append(lines, tt.Keys...)
	config := "name: e2e\ntargets:\n  - " + strings.Join(lines, "\n    ") + "\nsuites: [reasoning, mini/suite.yaml]\n"
	cfgPath := filepath.Join(dir, "llmbench.yaml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := bench.ParseConfig(cfgPath, data)
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string { return tt.Env[k] }
	dbPath := filepath.Join(dir, "llmbench.db")
	store, err := results.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			store.Close()
		}
	})
	// A small backoff keeps retries quick. A provider's delay hint (1 s
	// in the fakes that send one) still pauses the target: the runner's
	// limiter honours it as a real run would.
	opts := bench.Options{Version: "e2e", Getenv: getenv,
		Runner: bench.Runner{BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond, MaxRetryAfter: 5 * time.Millisecond}}
	// execute is one `llmbench run`: a fresh Prepare (providers, token
	// caches) over the same database.
	execute := func(def providertest.Scenario, script map[string][]providertest.Scenario) (*bench.Report, *bench.Prepared) {
		t.Helper()
		fake.reset(def, script)
		prep, err := bench.Prepare(cfg, getenv, nil)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := bench.Execute(ctx, prep, store, opts)
		if err != nil {
			t.Fatal(err)
		}
		return rep, prep
	}
	var texts []string
	summarise := func(runID string) *report.Data {
		t.Helper()
		d, err := report.Build(ctx, store, runID)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := report.WriteText(&buf, d); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), name) {
			t.Errorf("text report of run %s does not name target %s:\n%s", runID, name, buf.String())
		}
		texts = append(texts, buf.String())
		return d
	}

	// 1: every call answered.
	rep, prep := execute(providertest.Answer, nil)
	if rep.Run.Status != results.StatusCompleted {
		t.Errorf("run 1: status %s (%s), want completed", rep.Run.Status, rep.Run.Note)
	}
	got := e2eResults(t, store, rep.Run.ID, fake.cases)
	for _, c := range fake.cases {
		r, ok := got[c.key]
		if !ok {
			continue
		}
		e2eCheckAnswer(t, "run 1", &tt, c, r, 1)
	}
	fake.mu.Lock()
	for _, c := range fake.cases {
		recs := fake.received[c.key]
		if len(recs) != 1 {
			t.Errorf("run 1: case %s reached the fake %d times, want 1", c.key, len(recs))
			continue
		}
		rec := recs[0]
		if !rec.Authenticated || !rec.Stream {
			t.Errorf("run 1: case %s: authenticated %v, streamed %v; want both", c.key, rec.Authenticated, rec.Stream)
		}
		var sent []providers.Image
		for _, m := range rec.Messages {
			sent = append(sent, m.Images...)
		}
		if len(sent) != len(c.images) {
			t.Errorf("run 1: case %s: the fake received %d images, want %d", c.key, len(sent), len(c.images))
			continue
		}
		for i := range sent {
			if sent[i].MIME != c.images[i].MIME || !bytes.Equal(sent[i].Data, c.images[i].Data) {
				t.Errorf("run 1: case %s: image %d arrived as %s (%d bytes), want %s (%d bytes)", c.key, i,
					sent[i].MIME, len(sent[i].Data), c.images[i].MIME, len(c.images[i].Data))
			}
		}
	}
	if fake.unmatched != 0 {
		t.Errorf("run 1: %d requests carried no known case", fake.unmatched)
	}
	fake.mu.Unlock()
	// Every parameter the adapter changes is noted on the run.
	if adj, ok := prep.Targets[0].Provider.(providers.ParamAdjuster); ok {
		for _, s := range loaded {
			_, warnings := adj.AdjustParams(bench.MergeParams(prep.Targets[0].Params, s.Params))
			for _, w := range warnings {
				if !strings.Contains(rep.Run.Note, w) {
					t.Errorf("run 1: note %q does not record the parameter change %q", rep.Run.Note, w)
				}
			}
		}
	}
	summarise(rep.Run.ID)

	// 2: a rate limit once, then a content-filter block.
	limited, filtered := fake.cases[0], fake.cases[loaded[0].Len()-1]
	rep, _ = execute(providertest.Answer, map[string][]providertest.Scenario{
		limited.key:  {providertest.RateLimit},
		filtered.key: {providertest.ContentFilter},
	})
	if rep.Run.Status != results.StatusCompleted {
		t.Errorf("run 2: status %s (%s), want completed", rep.Run.Status, rep.Run.Note)
	}
	got = e2eResults(t, store, rep.Run.ID, fake.cases)
	for _, c := range fake.cases {
		r, ok := got[c.key]
		switch {
		case !ok:
		case c.key == limited.key:
			e2eCheckAnswer(t, "run 2 (rate-limited once)", &tt, c, r, 2)
		case c.key == filtered.key:
			if r.ErrorClass != string(providers.ContentFiltered) || r.Attempts != 1 || len(r.Scores) != 0 {
				t.Errorf("run 2: filtered case %s: class %q, %d attempts, scores %v (%s); want content_filtered, 1 attempt, unscored",
					c.key, r.ErrorClass, r.Attempts, r.Scores, r.ErrorMessage)
			}
		default:
			e2eCheckAnswer(t, "run 2", &tt, c, r, 1)
		}
	}
	fake.mu.Lock()
	if n, m := fake.calls[limited.key], fake.calls[filtered.key]; n != 2 || m != 1 {
		t.Errorf("run 2: the fake saw %d calls of the rate-limited case and %d of the filtered one; want 2 and 1", n, m)
	}
	fake.mu.Unlock()
	d := summarise(rep.Run.ID)
	if i := slices.IndexFunc(d.Targets, func(s report.TargetSummary) bool { return s.Name == name }); i < 0 {
		t.Errorf("run 2: report has no target %s", name)
	} else if c := d.Targets[i].Calls; c.N != len(fake.cases) || c.Refusals != 1 || c.Errors != 0 {
		t.Errorf("run 2: report counts %d calls, %d refusals, %d errors; want %d, 1, 0", c.N, c.Refusals, c.Errors, len(fake.cases))
	}

	// 3: the credentials are rejected, and the fake echoes them.
	rep, _ = execute(providertest.AuthFailure, nil)
	if rep.Run.Status != results.StatusIncomplete || !strings.Contains(rep.Run.Note, tt.KeyEnv) {
		t.Errorf("run 3: status %s, note %q; want incomplete, naming %s", rep.Run.Status, rep.Run.Note, tt.KeyEnv)
	}
	n := 0
	for r, err := range store.Results(ctx, rep.Run.ID) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if r.ErrorClass != string(providers.Auth) || r.Attempts != 1 || !strings.Contains(r.ErrorMessage, tt.KeyEnv) {
			t.Errorf("run 3: case %s/%s: class %q after %d attempts, message %q; want auth after 1, naming %s",
				r.Suite, r.CaseID, r.ErrorClass, r.Attempts, r.ErrorMessage, tt.KeyEnv)
		}
	}
	if n == 0 || n > prep.Targets[0].Concurrency {
		t.Errorf("run 3: %d results stored; want between 1 and the %d calls in flight when the target stopped", n, prep.Targets[0].Concurrency)
	}
	summarise(rep.Run.ID)

	// No secret is stored or printed.
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	closed = true
	files, err := filepath.Glob(dbPath + "*")
	if err != nil {
		t.Fatal(err)
	}
	var db []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		db = append(db, b...)
	}
	if !bytes.Contains(db, []byte(e2eAnswer(limited.reference))) {
		t.Fatalf("the database files %v do not hold the stored answers; the secret check would prove nothing", files)
	}
	for _, s := range tt.Secrets {
		if bytes.Contains(db, []byte(s)) {
			t.Errorf("the database files hold the secret %q", s)
		}
		for i, text := range texts {
			if strings.Contains(text, s) {
				t.Errorf("text report %d holds the secret %q", i+1, s)
			}
		}
	}
}

// e2eResults reads a run's results by case key, reporting a case stored
// twice or not at all.
func e2eResults(t *testing.T, store *results.Store, runID string, cases []e2eCase) map[string]results.Result {
	t.Helper()
	got := map[string]results.Result{}
	for r, err := range store.Results(context.Background(), runID) {
		if err != nil {
			t.Fatal(err)
		}
		k := r.Suite + "/" + r.CaseID
		if _, dup := got[k]; dup {
			t.Errorf("run %s: case %s stored twice", runID, k)
		}
		got[k] = r
	}
	if len(got) != len(cases) {
		t.Errorf("run %s: %d results stored, want one for each of %d cases", runID, len(got), len(cases))
	}
	for _, c := range cases {
		if _, ok := got[c.key]; !ok {
			t.Errorf("run %s: no result for case %s", runID, c.key)
		}
	}
	return got
}

// e2eCheckAnswer checks a stored answer: the fake's text, model and usage,
// a time to first token within the latency, a right primary score.
func e2eCheckAnswer(t *testing.T, what string, tt *Target, c e2eCase, r results.Result, attempts int) {
	t.Helper()
	switch {
	case r.ErrorClass != "":
		t.Errorf("%s: case %s failed: %s %s", what, c.key, r.ErrorClass, r.ErrorMessage)
	case r.Output != e2eAnswer(c.reference):
		t.Errorf("%s: case %s: output %q, want %q", what, c.key, r.Output, e2eAnswer(c.reference))
	case r.Attempts != attempts:
		t.Errorf("%s: case %s: %d attempts, want %d", what, c.key, r.Attempts, attempts)
	case r.ModelReported != tt.Reported:
		t.Errorf("%s: case %s: model reported %q, want %q", what, c.key, r.ModelReported, tt.Reported)
	case r.InputTokens != e2eUsage.InputTokens || r.OutputTokens != e2eUsage.OutputTokens:
		t.Errorf("%s: case %s: tokens %d in, %d out; want %d, %d", what, c.key, r.InputTokens, r.OutputTokens, e2eUsage.InputTokens, e2eUsage.OutputTokens)
	case r.TTFT <= 0 || r.TTFT > r.Latency:
		t.Errorf("%s: case %s: time to first token %v with latency %v; want within (0, latency]", what, c.key, r.TTFT, r.Latency)
	case r.FinishReason == "":
		t.Errorf("%s: case %s: no finish reason", what, c.key)
	case len(r.Scores) == 0 || r.Scores[0].Value != 1:
		t.Errorf("%s: case %s: scores %v, want a right primary score", what, c.key, r.Scores)
	}
}

var _ http.Handler = (*e2eFake)(nil)
