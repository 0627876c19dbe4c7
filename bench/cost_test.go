package bench

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/sim"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     Money
		bad      bool
	}{
		{name: "suffix", in: "5USD", want: Money{5, USD}},
		{name: "suffix lower case with space", in: "2.5 usd", want: Money{2.5, USD}},
		{name: "yuan", in: "30CNY", want: Money{30, CNY}},
		{name: "dollar sign", in: "$0.75", want: Money{0.75, USD}},
		{name: "yen sign", in: "¥12", want: Money{12, CNY}},
		{name: "no currency", in: "5", bad: true},
		{name: "zero", in: "0USD", bad: true},
		{name: "negative", in: "-1USD", bad: true},
		{name: "not a number", in: "fiveUSD", bad: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseMoney(tc.in)
			if (err != nil) != tc.bad {
				t.Fatalf("ParseMoney(%q) error = %v, want error %v", tc.in, err, tc.bad)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func pngOf(w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func TestEstimateInput(t *testing.T) {
	user := func(text string, imgs ...providers.Image) *providers.Request {
		return &providers.Request{Messages: []providers.Message{{Role: providers.RoleUser, Text: text, Images: imgs}}}
	}
	for _, tc := range []struct {
		name, model string
		req         *providers.Request
		want        Estimate
	}{
		// "Hello, world!" is 4 o200k tokens (Hello | , | world | !), plus 3
		// for the message and 3 for the reply.
		{"OpenAI model by its BPE", "gpt-4o", user("Hello, world!"), Estimate{10, MethodO200k}},
		{"dated snapshot and router prefix", "openai/gpt-4o-2024-08-06", user("Hello, world!"), Estimate{10, MethodO200k}},
		{"older model by cl100k", "gpt-4-turbo", user("Hello, world!"), Estimate{10, MethodCl100k}},
		// Two words of 6 and 6 bytes: 2 tokens each.
		{"other model by the heuristic", "glm-4", user("Hello, world!"), Estimate{6 + 4, MethodHeuristic}},
		// Chinese: one token per character, never bytes/4.
		{"Chinese by the heuristic", "ernie-4.0-8k", user("小明有三个苹果"), Estimate{6 + 7, MethodHeuristic}},
		// 1024×1024: scaled to 768×768, 2×2 tiles.
		{"image tile rule", "glm-4v", user("", providers.Image{MIME: "image/png", Data: pngOf(1024, 1024)}), Estimate{6 + 85 + 4*170, MethodHeuristic}},
		// 100×50: one tile.
		{"small image", "glm-4v", user("", providers.Image{MIME: "image/png", Data: pngOf(100, 50)}), Estimate{6 + 85 + 170, MethodHeuristic}},
		{"image by URL counts flat", "glm-4v", user("", providers.Image{URL: "https://example.com/a.png"}), Estimate{6 + imageFlatTokens, MethodHeuristic}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, EstimateInput(tc.model, tc.req)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRequestHash(t *testing.T) {
	temp := 0.0
	base := func() *providers.Request {
		return &providers.Request{
			Model:    "gpt-4o",
			Messages: []providers.Message{{Role: providers.RoleUser, Text: "How many?", Images: []providers.Image{{MIME: "image/png", Data: []byte{1, 2, 3}}}}},
			Params:   providers.Params{Temperature: &temp},
		}
	}
	const id = "openai\x00\x00https://api.openai.com/v1"
	want := RequestHash(id, base())
	for _, tc := range []struct {
		name     string
		identity string
		change   func(*providers.Request)
		same     bool
	}{
		{"stream flag is irrelevant", id, func(r *providers.Request) { r.Stream = true }, true},
		{"another endpoint", "openai\x00\x00http://127.0.0.1:8000/v1", func(*providers.Request) {}, false},
		{"another model", id, func(r *providers.Request) { r.Model = "gpt-4o-mini" }, false},
		{"another parameter", id, func(r *providers.Request) { n := 5; r.Params.MaxTokens = &n }, false},
		{"other image bytes", id, func(r *providers.Request) { r.Messages[0].Images[0].Data = []byte{1, 2, 4} }, false},
		{"other text", id, func(r *providers.Request) { r.Messages[0].Text = "How many? " }, false},
		{"another role", id, func(r *providers.Request) { r.Messages[0].Role = providers.RoleSystem }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base()
			tc.change(r)
			if got := RequestHash(tc.identity, r); (got == want) != tc.same {
				t.Errorf("hash equal = %v, want %v", got == want, tc.same)
			}
		})
	}
}

// countingTransport counts the HTTP requests sent to providers.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// costFixture is a config of two flawless simulated targets answering the
// built-in reasoning suite, with prices, over a counting client.
type costFixture struct {
	suite  *suites.Suite
	url    string
	calls  *countingTransport
	client *http.Client
	db     string
}

func newCostFixture(t *testing.T) *costFixture {
	t.Helper()
	s, err := suites.Builtin("reasoning")
	if err != nil {
		t.Fatal(err)
	}
	models := sim.DefaultModels()[:2]
	for i := range models {
		m := &models[i]
		m.TTFT, m.TTFTJitter, m.TokensPerSec = 0, 0, 100000
		m.RateLimitRate, m.ServerErrorRate, m.RefusalRate = 0, 0, 0
	}
	ct := &countingTransport{}
	return &costFixture{suite: s, url: startSim(t, models, s), calls: ct, client: &http.Client{Transport: ct}, db: filepath.Join(t.TempDir(), "llmbench.db")}
}

func (f *costFixture) config(t *testing.T, prices string) *Config {
	t.Helper()
	var b strings.Builder
	b.WriteString("name: cost\ntargets:\n")
	for _, m := range []string{"gpt-4o-sim", "sensenova-5.5-sim"} {
		fmt.Fprintf(&b, "  - {name: %s, provider: sim, model: %s, base_url: %s, concurrency: 2, params: {max_tokens: 64}}\n", m, m, f.url)
	}
	b.WriteString("suites: [reasoning]\n" + prices)
	cfg, err := ParseConfig(filepath.Join(t.TempDir(), "cost.yaml"), []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func (f *costFixture) execute(t *testing.T, cfg *Config, opts Options) (*Report, error) {
	t.Helper()
	prep, err := Prepare(cfg, func(string) string { return "" }, f.client)
	if err != nil {
		t.Fatal(err)
	}
	store, err := results.Open(f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	return Execute(context.Background(), prep, store, opts)
}

func (f *costFixture) results(t *testing.T, runID string) map[results.Key]results.Result {
	t.Helper()
	store, err := results.Open(f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	out := map[results.Key]results.Result{}
	for r, err := range store.Results(context.Background(), runID) {
		if err != nil {
			t.Fatal(err)
		}
		out[r.Key()] = r
	}
	return out
}

func TestExecuteCache(t *testing.T) {
	f := newCostFixture(t)
	cfg := f.config(t, "")
	first, err := f.execute(t, cfg, Options{Cache: true})
	if err != nil {
		t.Fatal(err)
	}
	planned := 2 * f.suite.Len()
	if got := f.calls.n.Load(); got != int64(planned) {
		t.Fatalf("first run made %d provider calls, want %d", got, planned)
	}
	if first.Outcome.Cached != 0 {
		t.Errorf("first run: %d results cached, want 0 (an empty database)", first.Outcome.Cached)
	}

	f.calls.n.Store(0)
	second, err := f.execute(t, cfg, Options{Cache: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.calls.n.Load(); got != 0 {
		t.Errorf("second run made %d provider calls, want 0", got)
	}
	if second.Outcome.Cached != planned || second.Run.Status != results.StatusCompleted {
		t.Errorf("second run: %d of %d cached, status %s", second.Outcome.Cached, planned, second.Run.Status)
	}
	a, b := f.results(t, first.Run.ID), f.results(t, second.Run.ID)
	if len(b) != planned {
		t.Fatalf("second run stored %d results, want %d", len(b), planned)
	}
	for k, ra := range a {
		rb := b[k]
		if rb.Output != ra.Output || rb.Latency != ra.Latency || rb.InputTokens != ra.InputTokens || rb.OutputTokens != ra.OutputTokens || rb.RequestHash != ra.RequestHash {
			t.Errorf("%s: cached result differs from the original:\n%+v\n%+v", k, ra, rb)
		}
		if ra.Cached || !rb.Cached || rb.Attempts != 0 || len(rb.Scores) != len(ra.Scores) {
			t.Errorf("%s: cached %v→%v, attempts %d (want 0), scores %d→%d", k, ra.Cached, rb.Cached, rb.Attempts, len(ra.Scores), len(rb.Scores))
		}
	}

	// Without --cache every call is made again, and a changed parameter
	// is a different request.
	f.calls.n.Store(0)
	if _, err := f.execute(t, cfg, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := f.calls.n.Load(); got != int64(planned) {
		t.Errorf("run without cache made %d calls, want %d", got, planned)
	}
	f.calls.n.Store(0)
	changed := f.config(t, "")
	changed.Targets[0].Params.TopP = new(float64)
	*changed.Targets[0].Params.TopP = 0.5
	if _, err := f.execute(t, changed, Options{Cache: true}); err != nil {
		t.Fatal(err)
	}
	if got := f.calls.n.Load(); got != int64(f.suite.Len()) {
		t.Errorf("after changing one target's top_p, %d calls made, want %d (that target's)", got, f.suite.Len())
	}
}

const costPrices = `prices:
  - {model: gpt-4o-sim, input: 2500, output: 10000, currency: USD, date: 2026-01}
  - {model: sensenova-5.5-sim, input: 10000, output: 20000, currency: CNY, date: 2026-01}
exchange: {USD_CNY: 7.0, date: 2026-01}
`

// spent prices stored results as the report does, in USD.
func spent(rs map[results.Key]results.Result) float64 {
	usd := 0.0
	for _, r := range rs {
		in, out := float64(r.InputTokens), float64(r.OutputTokens)
		if r.Target == "gpt-4o-sim" {
			usd += (in*2500 + out*10000) / 1e6
		} else {
			usd += (in*10000 + out*20000) / 1e6 / 7
		}
	}
	return usd
}

func TestExecuteMaxCost(t *testing.T) {
	f := newCostFixture(t)
	cfg := f.config(t, costPrices)
	planned := 2 * f.suite.Len()

	// What the whole run costs, to set budgets below it.
	full, err := f.execute(t, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	total := spent(f.results(t, full.Run.ID))
	if total <= 0 {
		t.Fatal("the simulator reported no usage")
	}

	limit := Money{Amount: total / 3, Currency: USD}
	rep, err := f.execute(t, cfg, Options{MaxCost: &limit})
	if err != nil {
		t.Fatal(err)
	}
	rs := f.results(t, rep.Run.ID)
	if rep.Run.Status != results.StatusIncomplete || !strings.Contains(rep.Run.Note, "budget") || !strings.Contains(rep.Run.Note, "spent") {
		t.Fatalf("status %s, note %q; want incomplete, stopped by the budget", rep.Run.Status, rep.Run.Note)
	}
	if len(rs) == 0 || len(rs) >= planned || rep.Outcome.NotMade != planned-len(rs) {
		t.Errorf("stored %d of %d calls, %d not made", len(rs), planned, rep.Outcome.NotMade)
	}
	// Calls in flight count by estimate, so the spend may pass the limit
	// by at most what the calls in flight at once (2 targets × 2) cost.
	most := 0.0
	for _, r := range rs {
		most = max(most, spent(map[results.Key]results.Result{{}: r}))
	}
	if got := spent(rs); got > limit.Amount+4*most {
		t.Errorf("spent %.4f USD, over the budget of %.4f by more than 4 calls of at most %.4f", got, limit.Amount, most)
	}
	if sum, _ := rep.Budget.Spent(); fmt.Sprintf("%.9f", sum) != fmt.Sprintf("%.9f", spent(rs)) {
		t.Errorf("budget counted %.9f USD, the stored results cost %.9f", sum, spent(rs))
	}

	// A resume without a budget makes the rest.
	rep2, err := f.execute(t, cfg, Options{Resume: rep.Run.ID})
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Run.Status != results.StatusCompleted || len(f.results(t, rep.Run.ID)) != planned {
		t.Errorf("resume: status %s, %d results, want completed with %d", rep2.Run.Status, len(f.results(t, rep.Run.ID)), planned)
	}

	// A resume under a budget counts what the run already spent: it
	// continues up to the limit and stops again, the whole run's spend
	// within the limit's bound.
	rep3, err := f.execute(t, cfg, Options{MaxCost: &limit})
	if err != nil {
		t.Fatal(err)
	}
	before := len(f.results(t, rep3.Run.ID))
	rep4, err := f.execute(t, cfg, Options{Resume: rep3.Run.ID, MaxCost: &limit})
	if err != nil {
		t.Fatal(err)
	}
	rs4 := f.results(t, rep3.Run.ID)
	if rep4.Run.Status != results.StatusIncomplete || len(rs4) < before || len(rs4) == planned {
		t.Errorf("resume under the budget: status %s, %d results (%d before)", rep4.Run.Status, len(rs4), before)
	}
	if got := spent(rs4); got > limit.Amount+4*most {
		t.Errorf("after a resume under the budget the run spent %.4f USD, over %.4f by more than 4 calls", got, limit.Amount)
	}
	f.calls.n.Store(0)
	if _, err := f.execute(t, cfg, Options{Resume: rep3.Run.ID, MaxCost: &limit}); err != nil {
		t.Fatal(err)
	}
	if rs5 := f.results(t, rep3.Run.ID); spent(rs5) > limit.Amount+4*most {
		t.Errorf("a second resume under the same budget spent %.4f USD in all (made %d calls)", spent(rs5), f.calls.n.Load())
	}
}

func TestMaxCostNeedsPrices(t *testing.T) {
	f := newCostFixture(t)
	for _, tc := range []struct {
		name, prices string
		limit        Money
		want         []string
	}{
		{"unpriced targets are named", "", Money{1, USD}, []string{"no price", "gpt-4o-sim", "sensenova-5.5-sim"}},
		{"no exchange rate for the other currency", strings.Split(costPrices, "exchange:")[0], Money{1, USD}, []string{"sensenova-5.5-sim (priced in CNY)", "exchange:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.execute(t, f.config(t, tc.prices), Options{MaxCost: &tc.limit})
			if err == nil {
				t.Fatal("Execute accepted a budget it cannot enforce")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	if f.calls.n.Load() != 0 {
		t.Errorf("%d calls made; a refused budget must call nothing", f.calls.n.Load())
	}
}
