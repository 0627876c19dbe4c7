package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/bench"
	"github.com/llmbench/llmbench/results"
)

// cachedFixture is the fixture with answers served from the cache: all of
// gpt-4o's arith results and claude's a01–a05 (all passes). A cached
// result has no attempts and the original call's timings, here an
// hour, so any copied latency that leaks into a figure shows.
func cachedFixture() *fakeSource {
	f := fixture()
	for i := range f.results {
		r := &f.results[i]
		if r.Suite != "arith" {
			continue
		}
		if r.Target == "gpt-4o" || (r.Target == "claude" && r.CaseID <= "a05") {
			r.Cached, r.Attempts = true, 0
			r.Latency, r.TTFT = time.Hour, 30*time.Minute
		}
	}
	return f
}

// TestBuildCached: cached results count in calls, scores and tokens, not in
// any latency figure.
func TestBuildCached(t *testing.T) {
	plain := buildFixture(t, fixture())
	d := buildFixture(t, cachedFixture())
	type calls struct {
		N, Cached                             int
		CachedInputTokens, CachedOutputTokens int64
		Latency                               Latencies
		TTFTN                                 int
	}
	view := func(c Calls) calls {
		return calls{c.N, c.Cached, c.CachedInputTokens, c.CachedOutputTokens, c.Latency, c.TTFT.N}
	}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	for _, tt := range []struct {
		suite, target string
		want          calls
	}{
		// Every answer from the cache: nothing timed in this run.
		{"arith", "gpt-4o", calls{N: 10, Cached: 10, CachedInputTokens: 200, CachedOutputTokens: 60}},
		// a06–a09 timed (1050–1200 ms), a10 failed.
		{"arith", "claude", calls{N: 10, Cached: 5, CachedInputTokens: 100, CachedOutputTokens: 30,
			Latency: Latencies{N: 4, P50: ms(1100), P95: ms(1200), P99: ms(1200)}}},
		{"summ", "gpt-4o", calls{N: 6, Latency: Latencies{N: 6, P50: ms(1200), P95: ms(1500), P99: ms(1500)}, TTFTN: 6}},
	} {
		t.Run(tt.suite+"/"+tt.target, func(t *testing.T) {
			c := cellOf(t, d, tt.suite, tt.target)
			if diff := cmp.Diff(tt.want, view(c.Calls)); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(cellOf(t, plain, tt.suite, tt.target).Score, c.Score); diff != "" {
				t.Errorf("score differs from the uncached run's: cached answers are scored like any (-plain +cached):\n%s", diff)
			}
		})
	}
	for _, tt := range []struct {
		target      string
		cached, lat int
	}{{"gpt-4o", 10, 6}, {"claude", 5, 10}, {"sim-fast", 0, 14}} {
		tg := targetOf(t, d, tt.target)
		if tg.Cached != tt.cached || tg.Latency.N != tt.lat || len(tg.LatencySamples) != tt.lat {
			t.Errorf("%s: %d cached, latency over %d (%d samples); want %d, %d", tt.target, tg.Cached, tg.Latency.N, len(tg.LatencySamples), tt.cached, tt.lat)
		}
		for _, l := range append(tg.LatencySamples, tg.TTFTSamples...) {
			if l >= 30*time.Minute {
				t.Errorf("%s: a cached result's timing %s is in the plot samples", tt.target, l)
			}
		}
	}
	for _, row := range d.Suites[0].Rows {
		if a := row.Answers[0]; !a.Cached || a.Latency != time.Hour {
			t.Errorf("arith %s gpt-4o: cached %v, latency %s; want the answer marked, its stored latency kept", row.CaseID, a.Cached, a.Latency)
		}
	}
	// A target whose every answer came from the cache has no latency, so
	// it is on no latency front; the others are compared as before.
	if f := cellOf(t, d, "arith", "gpt-4o").Front; f.Latency {
		t.Error("arith gpt-4o is on the latency front with no timed call")
	}
}

// TestCostsCached: cached answers cost nothing in this run; the cost per
// correct answer and the cost fronts price every answer.
func TestCostsCached(t *testing.T) {
	d := buildWith(t, cachedFixture(), "run-0001", Options{Pricing: testPricing()})
	approx := cmpopts.EquateApprox(0, 1e-12)
	type money struct {
		Amount, USD, CNY   float64
		In, Out            int64
		Cached             int
		CachedIn, CachedOu int64
		List, PerCorrect   float64
	}
	view := func(c Cost) money {
		pc, _ := c.PerCorrect()
		return money{c.Amount, c.USD, c.CNY, c.InputTokens, c.OutputTokens, c.Cached, c.CachedInputTokens, c.CachedOutputTokens, c.ListAmount(), pc}
	}
	for _, tt := range []struct {
		name string
		got  Cost
		want money
	}{
		// $2.50 / $10 per 1M: nothing billed; the list cost is the
		// uncached 200 in, 60 out = $0.0011, 8 correct.
		{"arith gpt-4o", cellOf(t, d, "arith", "gpt-4o").Cost,
			money{0, 0, 0, 0, 0, 10, 200, 60, 0.0011, 0.0011 / 8}},
		// ¥10 / ¥20 per 1M at 8 CNY/USD: 100 in, 24 out billed =
		// ¥0.00148; the list cost ¥0.00308 over 9 correct.
		{"arith claude", cellOf(t, d, "arith", "claude").Cost,
			money{0.00148, 0.000185, 0.00148, 100, 24, 5, 100, 30, 0.00308, 0.00308 / 9}},
		{"target gpt-4o", targetOf(t, d, "gpt-4o").Cost,
			money{0.00078, 0.00078, 0.00624, 120, 48, 10, 200, 60, 0.00188, 0}},
		{"target claude", targetOf(t, d, "claude").Cost,
			money{0.00364, 0.000455, 0.00364, 220, 72, 5, 100, 30, 0.00524, 0}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, view(tt.got), approx); diff != "" {
				t.Errorf("cost (-want +got):\n%s", diff)
			}
		})
	}
	want := Total{USD: 0.00078 + 0.000455, CNY: 0.00624 + 0.00364, HasUSD: true, HasCNY: true, Converted: true}
	if diff := cmp.Diff(want, d.Cost.Total, approx); diff != "" {
		t.Errorf("total (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, d.Cost.AnswerTotal, approx); diff != "" {
		t.Errorf("answer total (-want +got):\n%s", diff)
	}
	if q := d.Cost.Quotas[0]; q.Target != "claude" || q.Used != 292 {
		t.Errorf("quota %+v: want claude's 292 tokens of calls made", q)
	}
	// Billed, gpt-4o's arith cost is 0 and would put it on the front; at
	// list price claude ($0.000385, 100%) beats it ($0.0011, 80%).
	if f := cellOf(t, d, "arith", "gpt-4o").Front; f.Cost {
		t.Error("arith gpt-4o is on the cost front because the cache served its answers")
	}
	if f := cellOf(t, d, "arith", "claude").Front; !f.Cost {
		t.Error("arith claude is not on the cost front")
	}
}

// TestWriteCached: every output says how many results came from the cache
// and keeps their copied latency out of sight.
func TestWriteCached(t *testing.T) {
	d := buildWith(t, cachedFixture(), "run-0001", Options{Pricing: testPricing()})
	render := func(write func(*bytes.Buffer, *Data) error) string {
		t.Helper()
		var buf bytes.Buffer
		if err := write(&buf, d); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	text := render(func(b *bytes.Buffer, d *Data) error { return WriteText(b, d) })
	md := render(func(b *bytes.Buffer, d *Data) error { return WriteMarkdown(b, d) })
	page := render(func(b *bytes.Buffer, d *Data) error { return WriteHTML(b, d) })
	for _, tt := range []struct {
		name, out, want string
	}{
		{"text", text, "from the cache: gpt-4o 10 of 16, claude 5 of 16 results (not sent in this run: no cost, and left out of latency)\n"},
		{"markdown", md, "From the cache: gpt-4o 10 of 16, claude 5 of 16 results, not sent in this run: no cost, and left out of p50."},
		{"html targets", page, `<td class="num">16<div class="muted small">10 from the cache</div></td><td class="num">320 / 108</td>`},
		{"html cost", page, `<td class="num">16<div class="muted small">10 from the cache</div></td><td class="num">120 / 48</td><td class="num">$0.000780 (¥0.00624)</td>`},
		{"html matrix", page, `· 5 from the cache</div>`},
		{"html cost cell", page, `<div class="muted small">5 of 10 from the cache</div>`},
		{"html latency table", page, `<th class="num">Answered in this run</th><th class="num">From the cache</th>`},
		{"html suite note", page, `15 results of this suite came from the cache`},
		{"html footnote", page, `so they are left out of every latency, time-to-first-token and throughput figure`},
	} {
		if !strings.Contains(tt.out, tt.want) {
			t.Errorf("%s: no %q", tt.name, tt.want)
		}
	}
	if n := strings.Count(page, `>from the cache</span>`); n != 15 {
		t.Errorf("%d drill-down answers marked as from the cache, want 15", n)
	}
	// The plain fixture says nothing about a cache.
	plain := buildWith(t, fixture(), "run-0001", Options{Pricing: testPricing()})
	var buf bytes.Buffer
	if err := WriteHTML(&buf, plain); err != nil {
		t.Fatal(err)
	}
	for _, mark := range []string{">from the cache<", "from the cache</div>", "From the cache", "came from the cache", "Answers from the cache are left out"} {
		if strings.Contains(buf.String(), mark) {
			t.Errorf("a run without cached results has %q", mark)
		}
	}

	var doc struct {
		Targets []struct {
			Name   string `json:"name"`
			Cached int    `json:"cached"`
			Cost   struct {
				Amount *float64 `json:"amount"`
				Cached int      `json:"cached"`
			} `json:"cost"`
			Latency struct {
				N int `json:"n"`
			} `json:"latency_ms"`
		} `json:"targets"`
	}
	if err := json.Unmarshal([]byte(render(func(b *bytes.Buffer, d *Data) error { return WriteJSON(b, d) })), &doc); err != nil {
		t.Fatal(err)
	}
	if tg := doc.Targets[0]; tg.Name != "gpt-4o" || tg.Cached != 10 || tg.Cost.Cached != 10 || tg.Latency.N != 6 || tg.Cost.Amount == nil || *tg.Cost.Amount != 0.00078 {
		t.Errorf("json target %+v", tg)
	}

	rows := csvRows(t, render(func(b *bytes.Buffer, d *Data) error { return WriteCSV(b, d) }))
	for _, tt := range []struct{ suite, target, cached, p50 string }{
		{"arith", "gpt-4o", "10", ""},
		{"arith", "claude", "5", "1100"},
		{"summ", "gpt-4o", "0", "1200"},
	} {
		r := rows[tt.suite+"/"+tt.target]
		if r["cached"] != tt.cached || r["p50_ms"] != tt.p50 {
			t.Errorf("csv %s/%s: cached %q, p50 %q; want %q, %q", tt.suite, tt.target, r["cached"], r["p50_ms"], tt.cached, tt.p50)
		}
	}
}

// TestPagedCached: the paged drill-down marks cached answers as the
// static table does.
func TestPagedCached(t *testing.T) {
	r := Row{CaseID: "a01", Answers: []Answer{
		{Present: true, Output: "3", Latency: time.Hour, Cached: true},
		{Present: true, Output: "3", Latency: 1500 * time.Millisecond},
	}}
	j := toJSONRow(&r, true)
	if got := []string{j.Answers[0].Latency, j.Answers[1].Latency}; !cmp.Equal(got, []string{cachedLabel, durText(1500 * time.Millisecond)}) {
		t.Errorf("latency texts %q", got)
	}
}

// csvRows reads WriteCSV output into rows by "suite/target", each a map
// by column name.
func csvRows(t *testing.T, out string) map[string]map[string]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]map[string]string{}
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		rows[m["suite"]+"/"+m["target"]] = m
	}
	return rows
}

// cachedJudgeFixture is the judge fixture with gpt-4o's four essay
// judge calls answered from the cache, priced at $10 / $20 per 1M
// tokens for the judge: 0.0014 a call of 100 in and 20 out.
func cachedJudgeFixture() (*judgeSource, Options) {
	j := judgeFixture()
	for i := range j.calls {
		if c := &j.calls[i]; c.Suite == "essay" && c.Target == "gpt-4o" {
			c.Cached, c.Attempts = true, 0
		}
	}
	return j, Options{Pricing: &bench.Pricing{Prices: []bench.Price{{Model: "claude-judge", Input: 10, Output: 20, Currency: bench.USD, Date: "2026"}}}}
}

// TestCostsJudging: the judge's spend per judge target and per judged
// cell, cached calls free, in the totals and never in a target's cost.
func TestCostsJudging(t *testing.T) {
	src, opts := cachedJudgeFixture()
	d := buildWith(t, src, src.run.ID, opts)
	approx := cmpopts.EquateApprox(0, 1e-12)
	type judging struct {
		Judge, Model     string
		Calls, Cached    int
		In, Out          int64
		CachedIn, CacOut int64
		Amount           float64
	}
	view := func(js []Judging) []judging {
		var out []judging
		for _, j := range js {
			out = append(out, judging{j.Judge.Name, j.Judge.Model, j.Calls, j.Cost.Cached, j.Cost.InputTokens, j.Cost.OutputTokens,
				j.Cost.CachedInputTokens, j.Cost.CachedOutputTokens, j.Cost.Amount})
		}
		return out
	}
	for _, tt := range []struct {
		name string
		got  []Judging
		want []judging
	}{
		// 14 calls, 1400 in / 260 out; 4 cached (400 / 80):
		// 1000 × 1e-5 + 180 × 2e-5 = $0.0136.
		{"run", d.Cost.Judging, []judging{{"referee", "claude-judge", 14, 4, 1000, 180, 400, 80, 0.0136}}},
		{"essay gpt-4o", cellOf(t, d, "essay", "gpt-4o").Judging, []judging{{"referee", "claude-judge", 4, 4, 0, 0, 400, 80, 0}}},
		{"essay claude", cellOf(t, d, "essay", "claude").Judging, []judging{{"referee", "claude-judge", 4, 0, 400, 80, 0, 0, 0.0056}}},
		// The timed-out call reported 100 in, 0 out.
		{"chat claude", cellOf(t, d, "chat", "claude").Judging, []judging{{"referee", "claude-judge", 6, 0, 600, 100, 0, 0, 0.008}}},
		{"chat gpt-4o (baseline, not judged)", cellOf(t, d, "chat", "gpt-4o").Judging, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, view(tt.got), approx); diff != "" {
				t.Errorf("judging (-want +got):\n%s", diff)
			}
		})
	}
	// gpt-4o's answers: 7 × 10 output tokens at $10 per 1M.
	totals := map[string]Total{"answers": d.Cost.AnswerTotal, "judging": d.Cost.JudgeTotal, "all": d.Cost.Total}
	want := map[string]Total{
		"answers": {USD: 0.0007, HasUSD: true},
		"judging": {USD: 0.0136, HasUSD: true},
		"all":     {USD: 0.0143, HasUSD: true},
	}
	if diff := cmp.Diff(want, totals, approx); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	// Judging is not in the targets' costs: they are those of the same
	// run without any judge call.
	src.calls = nil
	bare := buildWith(t, src, src.run.ID, opts)
	for si, s := range d.Suites {
		for ci, c := range s.Cells {
			if diff := cmp.Diff(bare.Suites[si].Cells[ci].Cost, c.Cost); diff != "" {
				t.Errorf("%s/%s cost moved with judging (-unjudged +judged):\n%s", s.Name, c.Target, diff)
			}
		}
	}
	for i := range d.Targets {
		if diff := cmp.Diff(bare.Targets[i].Cost, d.Targets[i].Cost); diff != "" {
			t.Errorf("%s cost moved with judging (-unjudged +judged):\n%s", d.Targets[i].Name, diff)
		}
	}
	if diff := cmp.Diff([]string{"claude"}, d.Cost.Unpriced); diff != "" {
		t.Errorf("unpriced (-want +got):\n%s", diff)
	}
}

// TestJudgeCached: cached judge calls are counted and left out of the
// judge's latency.
func TestJudgeCached(t *testing.T) {
	src, opts := cachedJudgeFixture()
	d := buildWith(t, src, src.run.ID, opts)
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	type figures struct {
		N, Cached int
		Latency   Latencies
	}
	got := map[string]figures{"all": {d.Judge.N, d.Judge.Cached, d.Judge.Latency}}
	for _, s := range d.Judge.Suites {
		got[s.Suite] = figures{s.N, s.Cached, s.Latency}
	}
	// Latency n × 100 ms for the n-th call; gpt-4o's essay calls are the
	// odd ones up to 7; chat's 14th timed out.
	want := map[string]figures{
		"essay": {8, 4, Latencies{N: 4, P50: ms(400), P95: ms(800), P99: ms(800)}},
		"chat":  {6, 0, Latencies{N: 5, P50: ms(1100), P95: ms(1300), P99: ms(1300)}},
		"all":   {14, 4, Latencies{N: 9, P50: ms(900), P95: ms(1300), P99: ms(1300)}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("judge figures (-want +got):\n%s", diff)
	}
}

// TestWriteJudging: every output that shows cost shows judging, labelled.
func TestWriteJudging(t *testing.T) {
	src, opts := cachedJudgeFixture()
	d := buildWith(t, src, src.run.ID, opts)
	var text, md, page, js, cs bytes.Buffer
	for _, err := range []error{WriteText(&text, d), WriteMarkdown(&md, d), WriteHTML(&page, d), WriteJSON(&js, d), WriteCSV(&cs, d)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name, out, want string
	}{
		{"text judge", text.String(), "14 judge calls (4 from the cache), 2 errors (1 unparseable)"},
		{"text cost", text.String(), "cost: gpt-4o $0.000700, claude no price, judging by referee $0.0136 (14 calls, 4 from the cache); total $0.0143\n"},
		{"markdown", md.String(), "Total cost: $0.0143 (no price: claude). Judging by referee: $0.0136 (14 calls, 4 from the cache), in the total."},
		{"html row", page.String(), `<tr class="judging"><td>judging <span class="muted small">by</span> referee</td><td class="mono">claude-judge</td><td class="num">$10.00 / $20.00</td>`},
		{"html row calls", page.String(), `<td class="num">14<div class="muted small">4 from the cache</div></td><td class="num">1000 / 180</td><td class="num">$0.0136</td></tr>`},
		{"html total", page.String(), `Total <span class="muted small">(answers $0.000700, judging $0.0136)</span>`},
		{"html cell", page.String(), `<div class="muted small">+ judging by referee: $0.00800</div>`},
		{"html judge section", page.String(), `<th class="num">Judge calls</th><th class="num">From the cache</th>`},
	} {
		if !strings.Contains(tt.out, tt.want) {
			t.Errorf("%s: no %q", tt.name, tt.want)
		}
	}

	var doc struct {
		Cost struct {
			Judge   *struct{ Amount float64 } `json:"judge"`
			Judging []struct {
				Judge string `json:"judge"`
				Model string `json:"model"`
				Calls int    `json:"calls"`
				Cost  struct {
					Amount float64 `json:"amount"`
					Cached int     `json:"cached"`
				} `json:"cost"`
			} `json:"judging"`
			Total      struct{ USD *float64 } `json:"total"`
			JudgeTotal struct{ USD *float64 } `json:"judge_total"`
		} `json:"cost"`
		Judge struct {
			Cached int `json:"cached"`
		} `json:"judge"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Cost
	if len(c.Judging) != 1 || c.Judging[0].Judge != "referee" || c.Judging[0].Calls != 14 || c.Judging[0].Cost.Cached != 4 ||
		c.Judge == nil || c.Judge.Amount != c.Judging[0].Cost.Amount || c.JudgeTotal.USD == nil || *c.JudgeTotal.USD != c.Judging[0].Cost.Amount ||
		c.Total.USD == nil || doc.Judge.Cached != 4 {
		t.Errorf("json cost %+v, judge %+v", c, doc.Judge)
	}

	rows := csvRows(t, cs.String())
	for _, tt := range []struct{ cell, calls, cached, usd, cny string }{
		{"essay/gpt-4o", "4", "4", "0", ""},
		{"essay/claude", "4", "0", "0.0056", ""},
		{"chat/claude", "6", "0", "0.008", ""},
		{"chat/gpt-4o", "0", "0", "0", "0"},
	} {
		r := rows[tt.cell]
		got := []string{r["judge_calls"], r["judge_cached"], r["judge_cost_usd"], r["judge_cost_cny"]}
		if diff := cmp.Diff([]string{tt.calls, tt.cached, tt.usd, tt.cny}, got); diff != "" {
			t.Errorf("csv %s judge columns (-want +got):\n%s", tt.cell, diff)
		}
	}
}

func TestTotalIn(t *testing.T) {
	for _, tt := range []struct {
		name     string
		total    Total
		usd, cny string // "" when unknown
	}{
		{"nothing priced", Total{Converted: true}, "", ""},
		{"USD only", Total{USD: 2, HasUSD: true}, "2", ""},
		{"CNY only", Total{CNY: 3, HasCNY: true}, "", "3"},
		{"both, no rate", Total{USD: 2, CNY: 3, HasUSD: true, HasCNY: true}, "", ""},
		{"converted", Total{USD: 2, CNY: 16, HasUSD: true, HasCNY: true, Converted: true}, "2", "16"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got [2]string
			for i, cur := range []string{bench.USD, bench.CNY} {
				if v, ok := tt.total.In(cur); ok {
					got[i] = fnum(v)
				}
			}
			if diff := cmp.Diff([2]string{tt.usd, tt.cny}, got); diff != "" {
				t.Errorf("In (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCachedHistory: a stored run's cached results stay out of the trend's
// latency and of the run diff's latency rule.
func TestCachedHistory(t *testing.T) {
	ctx := context.Background()
	before := withRun(fixture(), "run-before", t0.Add(-time.Hour), results.StatusCompleted)
	after := withRun(cachedFixture(), "run-after", t0, results.StatusCompleted)
	sr, err := readStored(ctx, runsSource{"run-after": after}, after.run, false)
	if err != nil {
		t.Fatal(err)
	}
	snap := sr.snap()
	if got := snap.suites["arith"].cells["gpt-4o"].point; !got.Present || got.P50 != 0 {
		t.Errorf("trend point of arith gpt-4o %+v: want its score and no latency", got)
	}
	if got, want := snap.suites["arith"].cells["claude"].point.P50, 1100*time.Millisecond; got != want {
		t.Errorf("trend p50 of arith claude = %s, want %s", got, want)
	}

	diff, err := Diff(ctx, runsSource{"run-before": before, "run-after": after}, "run-before", "run-after", Thresholds{MinLatencyN: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range diff.Cells {
		if c.Suite != "arith" || c.Target != "gpt-4o" {
			continue
		}
		if c.LatAfter.N != 0 || c.Time != 0 || c.Calls != 10 {
			t.Errorf("diff arith gpt-4o: latency after %+v, time %s, %d calls; want no timed call", c.LatAfter, c.Time, c.Calls)
		}
		for _, f := range c.Findings {
			if f.Kind == FindP50 || f.Kind == FindP95 {
				t.Errorf("a latency finding from copied timings: %+v", f)
			}
		}
	}
}
