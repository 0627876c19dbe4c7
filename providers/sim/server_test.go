package sim_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/sim"
)

// fast is a model that answers without delay, for tests about content.
func fast(name string, accuracy float64) sim.Model {
	return sim.Model{Name: name, Accuracy: accuracy}
}

// start serves s on a loopback httptest server and returns a "sim"
// provider pointed at it, built through the registry as a config would.
func start(t *testing.T, s *sim.Server) (providers.Provider, string) {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	base := srv.URL + "/v1"
	p, err := providers.New(providers.Config{Name: "t", Provider: "sim", BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	return p, base
}

func ask(model, prompt string, stream bool) *providers.Request {
	return &providers.Request{
		Model:    model,
		Messages: []providers.Message{{Role: providers.RoleSystem, Text: "Be brief."}, {Role: providers.RoleUser, Text: prompt}},
		Stream:   stream,
	}
}

// answers makes n numeric cases: prompt i has the reference 100+i.
func answers(n int) (prompts []string, refs map[string]string) {
	refs = map[string]string{}
	for i := range n {
		p := fmt.Sprintf("Question %d: what is %d plus 100? End with \"Answer: <number>\".", i, i)
		prompts = append(prompts, p)
		refs[sim.PromptKey(p)] = fmt.Sprint(100 + i)
	}
	return prompts, refs
}

var numberRe = regexp.MustCompile(`-?[0-9]+(?:\.[0-9]+)?`)

// final is the last number in a text, as the numeric scorer would read it.
func final(s string) string {
	all := numberRe.FindAllString(s, -1)
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1]
}

func TestPromptKey(t *testing.T) {
	// sha256("hi") in hex.
	if got, want := sim.PromptKey("hi"), "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4"; got != want {
		t.Errorf("PromptKey = %s, want %s", got, want)
	}
}

func TestDeterministic(t *testing.T) {
	prompts, refs := answers(30)
	models := []sim.Model{fast("a-sim", 0.5)}
	run := func(seed int64, stream bool) []string {
		p, _ := start(t, sim.NewServer(sim.Options{Models: models, Seed: seed, Answers: refs}))
		var out []string
		for _, q := range prompts {
			resp, err := p.Complete(context.Background(), ask("a-sim", q, stream))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, resp.Text)
		}
		return out
	}
	first := run(7, false)
	if diff := cmp.Diff(first, run(7, false)); diff != "" {
		t.Errorf("same seed, different answers (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(first, run(7, true)); diff != "" {
		t.Errorf("streamed answers differ from whole ones (-whole +stream):\n%s", diff)
	}
	if cmp.Equal(first, run(8, false)) {
		t.Errorf("a different seed gave the same 30 answers")
	}
}

// TestAccuracy: over many keys the share of right answers is near the
// model's accuracy, right answers carry the reference, wrong ones do not.
func TestAccuracy(t *testing.T) {
	const n = 400
	prompts, refs := answers(n)
	for _, acc := range []float64{0.3, 0.85} {
		p, _ := start(t, sim.NewServer(sim.Options{Models: []sim.Model{fast("m-sim", acc)}, Seed: 1, Answers: refs}))
		right := 0
		for _, q := range prompts {
			resp, err := p.Complete(context.Background(), ask("m-sim", q, false))
			if err != nil {
				t.Fatal(err)
			}
			if final(resp.Text) == refs[sim.PromptKey(q)] {
				right++
			} else if final(resp.Text) == "" {
				t.Errorf("answer %q has no number", resp.Text)
			}
		}
		// Binomial sd for n=400 is at most 0.025; allow 3 sd.
		if got := float64(right) / n; got < acc-0.075 || got > acc+0.075 {
			t.Errorf("accuracy %.2f: %d/%d right (%.3f)", acc, right, n, got)
		}
	}
}

func TestTextAnswers(t *testing.T) {
	ref := "The town council will close the footbridge for six months while engineers replace its rusting supports."
	refZH := "市议会决定关闭旧人行桥六个月，由工程师更换生锈的钢支架。"
	qEN, qZH := "Summarise the article in one sentence.", "用一句话概括这篇文章。"
	refs := map[string]string{sim.PromptKey(qEN): ref, sim.PromptKey(qZH): refZH}
	models := []sim.Model{fast("right-sim", 1), fast("wrong-sim", 0)}
	p, _ := start(t, sim.NewServer(sim.Options{Models: models, Answers: refs}))
	get := func(model, q string) string {
		resp, err := p.Complete(context.Background(), ask(model, q, false))
		if err != nil {
			t.Fatal(err)
		}
		return resp.Text
	}
	if got := get("right-sim", qEN); !strings.Contains(got, ref) {
		t.Errorf("right answer %q does not contain the reference", got)
	}
	if got := get("right-sim", qZH); !strings.Contains(got, refZH) {
		t.Errorf("right answer %q does not contain the reference", got)
	}
	for _, q := range []string{qEN, qZH} {
		if got := get("wrong-sim", q); strings.Contains(got, refs[sim.PromptKey(q)]) || got == "" {
			t.Errorf("wrong answer %q contains the reference or is empty", got)
		}
	}
	if got := get("right-sim", "A prompt with no reference"); !strings.Contains(got, "simulated") {
		t.Errorf("generic answer %q does not say it is simulated", got)
	}
}

// TestRetryAfterRateLimitSucceeds: a 429 carries the model's delay hint
// and, the decision depending on the attempt, a retry gets through with
// the same answer a clean server gives.
func TestRetryAfterRateLimitSucceeds(t *testing.T) {
	prompts, refs := answers(40)
	limited := sim.Model{Name: "busy-sim", Accuracy: 0.5, RateLimitRate: 0.5, RetryAfter: 1500 * time.Millisecond}
	clean := limited
	clean.RateLimitRate = 0
	p, _ := start(t, sim.NewServer(sim.Options{Models: []sim.Model{limited}, Seed: 3, Answers: refs}))
	pc, _ := start(t, sim.NewServer(sim.Options{Models: []sim.Model{clean}, Seed: 3, Answers: refs}))
	limitedOnce := 0
	for _, q := range prompts {
		var text string
		for attempt := 0; ; attempt++ {
			if attempt == 30 {
				t.Fatalf("%q: still rate limited after 30 attempts", q)
			}
			resp, err := p.Complete(context.Background(), ask("busy-sim", q, attempt%2 == 1))
			if err == nil {
				text = resp.Text
				break
			}
			var pe *providers.Error
			if !errors.As(err, &pe) || pe.Class != providers.RateLimited || pe.RetryAfter != 1500*time.Millisecond || pe.Status != 429 || pe.Code != "rate_limit_exceeded" {
				t.Fatalf("error %#v, want rate_limited with RetryAfter 1.5s", err)
			}
			if attempt == 0 {
				limitedOnce++
			}
		}
		want, err := pc.Complete(context.Background(), ask("busy-sim", q, false))
		if err != nil {
			t.Fatal(err)
		}
		if text != want.Text {
			t.Errorf("%q: answer after retries %q, clean server %q", q, text, want.Text)
		}
	}
	if limitedOnce < 10 || limitedOnce > 30 {
		t.Errorf("%d of 40 first attempts rate limited at rate 0.5", limitedOnce)
	}
}

func TestErrorsAndRefusals(t *testing.T) {
	models := []sim.Model{
		{Name: "down-sim", ServerErrorRate: 1},
		{Name: "prude-sim", Accuracy: 1, RefusalRate: 1},
		{Name: "slow-hint-sim", RateLimitRate: 1},
	}
	p, _ := start(t, sim.NewServer(sim.Options{Models: models}))
	tests := []struct {
		model   string
		class   providers.Class
		status  []int
		retryIn time.Duration
	}{
		{"down-sim", providers.Server, []int{500, 503}, 0},
		{"prude-sim", providers.ContentFiltered, []int{200}, 0},
		{"slow-hint-sim", providers.RateLimited, []int{429}, sim.DefaultRetryAfter},
		{"no-such-sim", providers.BadRequest, []int{404}, 0},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", tt.model, stream), func(t *testing.T) {
				for i := range 4 {
					_, err := p.Complete(context.Background(), ask(tt.model, fmt.Sprint("q", i), stream))
					var pe *providers.Error
					if !errors.As(err, &pe) {
						t.Fatalf("error %v, want a %s *providers.Error", err, tt.class)
					}
					if pe.Class != tt.class || !containsInt(tt.status, pe.Status) || pe.RetryAfter != tt.retryIn {
						t.Errorf("class %s, status %d, retry %v; want %s, one of %v, %v (%v)", pe.Class, pe.Status, pe.RetryAfter, tt.class, tt.status, tt.retryIn, err)
					}
					if !strings.Contains(pe.Message, "sim") && tt.class != providers.ContentFiltered {
						t.Errorf("message %q does not say it comes from the simulator", pe.Message)
					}
				}
			})
		}
	}
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func TestUsageLimitsAndHeaders(t *testing.T) {
	q := "What is six times seven?"
	refs := map[string]string{sim.PromptKey(q): "42"}
	models := []sim.Model{{Name: "m-sim", Accuracy: 1, ReportedModel: "m-sim-2026-01-01"}}
	p, base := start(t, sim.NewServer(sim.Options{Models: models, Answers: refs}))
	for _, stream := range []bool{false, true} {
		req := ask("m-sim", q, stream)
		req.Messages[1].Images = []providers.Image{{MIME: "image/png", Data: []byte("\x89PNG\r\n\x1a\n")}}
		resp, err := p.Complete(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		// "Be brief." (2) + the question (5) + one image (85).
		want := providers.Usage{InputTokens: 2 + 5 + 85, OutputTokens: len(strings.Fields(strings.ReplaceAll(resp.Text, "\n", " ")))}
		if resp.Usage != want || resp.Model != "m-sim-2026-01-01" || resp.FinishReason != "stop" {
			t.Errorf("stream=%v: usage %+v, model %q, finish %q; want %+v, m-sim-2026-01-01, stop", stream, resp.Usage, resp.Model, resp.FinishReason, want)
		}
		for _, h := range []string{"x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-requests"} {
			if resp.RateLimit[h] == "" {
				t.Errorf("stream=%v: no %s header (have %v)", stream, h, resp.RateLimit)
			}
		}
		if stream && (resp.TTFT <= 0 || resp.TTFT > resp.Latency) {
			t.Errorf("TTFT %v, latency %v", resp.TTFT, resp.Latency)
		}
	}

	// max_tokens cuts the answer and says so; a stop sequence ends it.
	two := 2
	req := ask("m-sim", q, true)
	req.Params.MaxTokens = &two
	resp, err := p.Complete(context.Background(), req)
	if err != nil || resp.FinishReason != "length" || resp.Usage.OutputTokens != 2 {
		t.Errorf("max_tokens 2: %+v, %v; want finish length and 2 output tokens", resp, err)
	}
	req = ask("m-sim", q, false)
	req.Params.Stop = []string{"42"}
	resp, err = p.Complete(context.Background(), req)
	if err != nil || strings.Contains(resp.Text, "42") || resp.FinishReason != "stop" {
		t.Errorf("stop 42: %+v, %v; want the text before 42", resp, err)
	}

	// GET /v1/models lists the simulated models.
	r, err := http.Get(base + "/models")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var list struct {
		Object string `json:"object"`
		Data   []struct {
			ID, Object string
		} `json:"data"`
	}
	if err := json.NewDecoder(r.Body).Decode(&list); err != nil || list.Object != "list" || len(list.Data) != 1 || list.Data[0].ID != "m-sim" {
		t.Errorf("models list %+v, %v", list, err)
	}
}

// TestWireFormat pins details a strict OpenAI client relies on.
func TestWireFormat(t *testing.T) {
	srv := httptest.NewServer(sim.NewServer(sim.Options{Models: []sim.Model{{Name: "m-sim", Accuracy: 1}}}))
	defer srv.Close()
	post := func(body string) (*http.Response, string) {
		r, err := http.Post(srv.URL+"/v1/chat/completions", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r, string(b)
	}
	r, body := post(`{"model":"m-sim","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}`)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Errorf("content type %q", ct)
	}
	events := strings.Split(strings.TrimSuffix(body, "\n\n"), "\n\n")
	if events[len(events)-1] != "data: [DONE]" {
		t.Errorf("stream does not end with [DONE]: %q", events[len(events)-1])
	}
	var usageChunk struct {
		Object  string            `json:"object"`
		Choices []json.RawMessage `json:"choices"`
		Usage   *struct {
			Total int `json:"total_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(events[len(events)-2], "data: ")), &usageChunk); err != nil ||
		usageChunk.Object != "chat.completion.chunk" || usageChunk.Choices == nil || len(usageChunk.Choices) != 0 || usageChunk.Usage == nil || usageChunk.Usage.Total == 0 {
		t.Errorf("last chunk before [DONE] %q is not the usage chunk with choices: []", events[len(events)-2])
	}
	for _, bad := range []struct {
		body   string
		status int
		code   string
	}{
		{`{"model":"m-sim"`, 400, "invalid_json"},
		{`{"messages":[{"role":"user","content":"hi"}]}`, 400, "missing_model"},
		{`{"model":"m-sim","messages":[]}`, 400, "invalid_value"},
		{`{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}`, 404, "model_not_found"},
		{`{"model":"m-sim","messages":[{"role":"user","content":[{"type":"audio"}]}]}`, 400, "invalid_value"},
	} {
		r, body := post(bad.body)
		var e struct {
			Error struct {
				Message, Type string
				Code          *string
			}
		}
		if err := json.Unmarshal([]byte(body), &e); err != nil || r.StatusCode != bad.status || e.Error.Code == nil || *e.Error.Code != bad.code || e.Error.Message == "" {
			t.Errorf("%s: status %d body %s; want %d with code %s", bad.body, r.StatusCode, body, bad.status, bad.code)
		}
	}
	r, _ = post("")
	if r.Header.Get("x-llmbench-simulated") != "true" {
		t.Errorf("responses do not carry x-llmbench-simulated")
	}
	for _, u := range []string{"/v1/nope", "/v1/chat/completions"} {
		r, err := http.Get(srv.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 404 && r.StatusCode != 405 {
			t.Errorf("GET %s: status %d", u, r.StatusCode)
		}
	}
}

func TestStartLoopbackOnly(t *testing.T) {
	s := sim.NewServer(sim.Options{})
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:0", "example.com:0", "[::]:0", "nonsense"} {
		if _, err := s.Start(addr); err == nil {
			s.Close()
			t.Errorf("Start(%q) accepted a non-loopback address", addr)
		}
	}
	url, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/v1") {
		t.Errorf("url %q", url)
	}
	if _, err := s.Start("127.0.0.1:0"); err == nil {
		t.Errorf("a second Start succeeded")
	}
	p, err := providers.New(providers.Config{Provider: "sim", BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Complete(context.Background(), ask("gpt-4o-sim", "hi", true)); err != nil {
		var pe *providers.Error
		if !errors.As(err, &pe) || !pe.Class.Retryable() && pe.Class != providers.ContentFiltered {
			t.Errorf("call to the default models: %v", err)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := p.Complete(context.Background(), ask("gpt-4o-sim", "hi", false)); err == nil {
		t.Errorf("call after Close succeeded")
	}
}

func TestProviderRegistration(t *testing.T) {
	info, ok := providers.Lookup("sim")
	if !ok || !info.Simulated || info.KeyEnv != "" || info.DefaultBaseURL != "http://127.0.0.1:8089/v1" || !strings.Contains(info.Description, "SIMULATED") {
		t.Errorf("sim info %+v", info)
	}
	for _, base := range []string{"https://api.openai.com/v1", "http://10.0.0.1:8089/v1", "http://sim.example.com/v1"} {
		if _, err := providers.New(providers.Config{Provider: "sim", BaseURL: base}); err == nil {
			t.Errorf("sim provider accepted the non-loopback base url %s", base)
		}
	}
	for _, base := range []string{"", "http://localhost:9/v1", "http://[::1]:9/v1"} {
		if _, err := providers.New(providers.Config{Provider: "sim", BaseURL: base}); err != nil {
			t.Errorf("base url %q: %v", base, err)
		}
	}
}
