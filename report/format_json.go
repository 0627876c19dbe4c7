package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/llmbench/llmbench/bench"
)

// JSONSchema names the schema WriteJSON writes. Within a version fields
// are only added, never renamed, removed or given another meaning.
const JSONSchema = "llmbench.report/v1"

// WriteJSON writes every aggregate of d as one JSON document (indented,
// keys in a fixed order). Schema llmbench.report/v1:
//
//	{
//	  "schema": "llmbench.report/v1",
//	  "run": {"id", "config", "status", "note", "started", "ended" (RFC 3339 UTC or null),
//	          "harness_version", "baseline", "repeats", "seed"},
//	  "level": 0.95,                    // confidence level of every interval
//	  "simulated": bool,                // some target is the simulator
//	  "targets": [{"name", "provider", "model", "api", "baseline", "simulated",
//	               "calls", "cached", "errors", "refusals", "error_classes": [{"class", "n"}],
//	               "latency_ms": Lat, "ttft_ms": Lat, "output_tokens_per_s",
//	               "input_tokens", "output_tokens", "cost": Cost}],
//	  "suites": [{"name", "scorer", "kind": "pass_rate"|"mean", "repeats",
//	              "cells": [{"target", "baseline", "simulated", "ran",
//	                         "score": Interval|null, "samples", "unscored", "repeat_sd",
//	                         "pass_at_k": [{"k", "score": Interval, "short"}],
//	                         "calls", "cached", "errors", "refusals", "error_classes",
//	                         "latency_ms": Lat, "ttft_ms": Lat, "input_tokens", "output_tokens",
//	                         "comparison": Comparison|null, "cost": Cost,
//	                         "pareto": {"cost": bool, "latency": bool},
//	                         "judging": [Judging]}]}],     // judging this cell's answers
//	  "cost": {"currency": "USD"|"CNY"|"", "exchange": {"usd_cny", "date", "source", "from"}|null,
//	           "prices": [Price], "unpriced": [target or judge],
//	           "judge": Cost|null,              // the run's judge's calls (judging[0].cost)
//	           "judging": [Judging],            // per judge target
//	           "total": Total,                  // answers and judging
//	           "answer_total": Total, "judge_total": Total,
//	           "quotas": [{"target", "tokens", "used", "fraction", "note", "in_run", "from"}],
//	           "notes": [string]},
//	  "judge": {"name", "provider", "model", "judge_only", "calls", "cached", "errors",
//	            "unparseable", "input_tokens", "output_tokens"}|null,
//	  "previous": {"run", "changed_answers", "changed_rows"}|null,
//	  "trend": {"runs": [{"id", "started"}],
//	            "suites": [{"suite", "scorer", "kind", "targets": [{"target",
//	                        "points": [{"present", "score", "n", "p50_ms",
//	                                    "change": Change|null}]}]}],  // one point per run
//	            "latency": [{"target", "p50_ms": [n, ...]}],          // one per run, 0: none
//	            "drops": [{"suite", "target", "run", "change": Change}]}|null
//	}
//
//	Interval   = {"centre", "lo", "hi", "n"}: pass rates as fractions (0.8, not 80%)
//	Lat        = {"n", "p50", "p95", "p99"} in milliseconds (nearest rank)
//	Comparison = {"baseline", "delta": Interval, "p", "test", "significant",
//	              "verdict": "better"|"worse"|"same"|"no_pairs", "text" (as in the HTML),
//	              "better", "worse", "same", "partial", "excluded": {"errors", "refusals", "missing"}}
//	Cost       = {"priced", "currency", "amount", "usd", "cny", "per_correct", "price": Price,
//	              "input_tokens", "output_tokens", "cached", "cached_input_tokens", "cached_output_tokens"}
//	             (amounts null when unknown: no price, or no rate to convert; amount
//	             prices the calls made, cached calls cost nothing; per_correct prices
//	             every answer, cached ones included)
//	Judging    = {"judge", "provider", "model", "calls", "cost": Cost}
//	Total      = {"usd": n|null, "cny": n|null, "converted": bool}
//	Price      = {"model", "provider", "input", "output", "currency", "date", "source", "from"}
//	Change     = {"delta", "n", "p", "test", "significant", "drop"}
//
// Latencies (latency_ms, ttft_ms) are over calls made in this run: results
// answered from the cache ("cached") are counted in calls, scores and
// tokens but not timed. Numbers are at full precision; a value that is not
// finite is written as null. The per-case answers are in the HTML report
// only.
func WriteJSON(w io.Writer, d *Data) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(jsonOf(d)); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

type (
	jReport struct {
		Schema    string       `json:"schema"`
		Run       jRun         `json:"run"`
		Level     float64      `json:"level"`
		Simulated bool         `json:"simulated"`
		Targets   []jTarget    `json:"targets"`
		Suites    []jSuite     `json:"suites"`
		Cost      *jCostReport `json:"cost"`
		Judge     *jJudge      `json:"judge"`
		Previous  *jPrevious   `json:"previous"`
		Trend     *jTrend      `json:"trend"`
	}
	jRun struct {
		ID             string  `json:"id"`
		Config         string  `json:"config"`
		Status         string  `json:"status"`
		Note           string  `json:"note"`
		Started        *string `json:"started"`
		Ended          *string `json:"ended"`
		HarnessVersion string  `json:"harness_version"`
		Baseline       string  `json:"baseline"`
		Repeats        int     `json:"repeats"`
		Seed           int64   `json:"seed"`
	}
	jLat struct {
		N   int      `json:"n"`
		P50 *float64 `json:"p50"`
		P95 *float64 `json:"p95"`
		P99 *float64 `json:"p99"`
	}
	jInterval struct {
		Centre *float64 `json:"centre"`
		Lo     *float64 `json:"lo"`
		Hi     *float64 `json:"hi"`
		N      int      `json:"n"`
	}
	jClass struct {
		Class string `json:"class"`
		N     int    `json:"n"`
	}
	jPrice struct {
		Model    string  `json:"model"`
		Provider string  `json:"provider"`
		Input    float64 `json:"input"`
		Output   float64 `json:"output"`
		Currency string  `json:"currency"`
		Date     string  `json:"date"`
		Source   string  `json:"source"`
		From     string  `json:"from"`
	}
	jCost struct {
		Priced     bool     `json:"priced"`
		Currency   string   `json:"currency"`
		Amount     *float64 `json:"amount"`
		USD        *float64 `json:"usd"`
		CNY        *float64 `json:"cny"`
		PerCorrect *float64 `json:"per_correct"`
		Price      *jPrice  `json:"price"`
		// Tokens priced, and the calls from the cache that cost nothing.
		InputTokens        int64 `json:"input_tokens"`
		OutputTokens       int64 `json:"output_tokens"`
		Cached             int   `json:"cached"`
		CachedInputTokens  int64 `json:"cached_input_tokens"`
		CachedOutputTokens int64 `json:"cached_output_tokens"`
	}
	jJudging struct {
		Judge    string `json:"judge"`
		Provider string `json:"provider"`
		Model    string `json:"model"`
		Calls    int    `json:"calls"`
		Cost     jCost  `json:"cost"`
	}
	jTarget struct {
		Name         string   `json:"name"`
		Provider     string   `json:"provider"`
		Model        string   `json:"model"`
		API          string   `json:"api"`
		Baseline     bool     `json:"baseline"`
		Simulated    bool     `json:"simulated"`
		Calls        int      `json:"calls"`
		Cached       int      `json:"cached"`
		Errors       int      `json:"errors"`
		Refusals     int      `json:"refusals"`
		ErrorClasses []jClass `json:"error_classes"`
		Latency      jLat     `json:"latency_ms"`
		TTFT         jLat     `json:"ttft_ms"`
		TokensPerSec *float64 `json:"output_tokens_per_s"`
		InputTokens  int64    `json:"input_tokens"`
		OutputTokens int64    `json:"output_tokens"`
		Cost         jCost    `json:"cost"`
	}
	jPassK struct {
		K     int       `json:"k"`
		Score jInterval `json:"score"`
		Short int       `json:"short"`
	}
	jExcluded struct {
		Errors   int `json:"errors"`
		Refusals int `json:"refusals"`
		Missing  int `json:"missing"`
	}
	jComparison struct {
		Baseline    string    `json:"baseline"`
		Delta       jInterval `json:"delta"`
		P           *float64  `json:"p"`
		Test        string    `json:"test"`
		Significant bool      `json:"significant"`
		Verdict     string    `json:"verdict"`
		Text        string    `json:"text"`
		Better      int       `json:"better"`
		Worse       int       `json:"worse"`
		Same        int       `json:"same"`
		Partial     int       `json:"partial"`
		Excluded    jExcluded `json:"excluded"`
	}
	jPareto struct {
		Cost    bool `json:"cost"`
		Latency bool `json:"latency"`
	}
	jCell struct {
		Target       string       `json:"target"`
		Baseline     bool         `json:"baseline"`
		Simulated    bool         `json:"simulated"`
		Ran          bool         `json:"ran"`
		Score        *jInterval   `json:"score"`
		Samples      int          `json:"samples"`
		Unscored     int          `json:"unscored"`
		RepeatSD     *float64     `json:"repeat_sd"`
		PassK        []jPassK     `json:"pass_at_k"`
		Calls        int          `json:"calls"`
		Cached       int          `json:"cached"`
		Errors       int          `json:"errors"`
		Refusals     int          `json:"refusals"`
		ErrorClasses []jClass     `json:"error_classes"`
		Latency      jLat         `json:"latency_ms"`
		TTFT         jLat         `json:"ttft_ms"`
		InputTokens  int64        `json:"input_tokens"`
		OutputTokens int64        `json:"output_tokens"`
		Comparison   *jComparison `json:"comparison"`
		Cost         jCost        `json:"cost"`
		Pareto       jPareto      `json:"pareto"`
		Judging      []jJudging   `json:"judging"`
	}
	jSuite struct {
		Name    string  `json:"name"`
		Scorer  string  `json:"scorer"`
		Kind    string  `json:"kind"`
		Repeats int     `json:"repeats"`
		Cells   []jCell `json:"cells"`
	}
	jExchange struct {
		USDCNY float64 `json:"usd_cny"`
		Date   string  `json:"date"`
		Source string  `json:"source"`
		From   string  `json:"from"`
	}
	jTotal struct {
		USD       *float64 `json:"usd"`
		CNY       *float64 `json:"cny"`
		Converted bool     `json:"converted"`
	}
	jQuota struct {
		Target   string  `json:"target"`
		Tokens   int64   `json:"tokens"`
		Used     int64   `json:"used"`
		Fraction float64 `json:"fraction"`
		Note     string  `json:"note"`
		InRun    bool    `json:"in_run"`
		From     string  `json:"from"`
	}
	jCostReport struct {
		Currency    string     `json:"currency"`
		Exchange    *jExchange `json:"exchange"`
		Prices      []jPrice   `json:"prices"`
		Unpriced    []string   `json:"unpriced"`
		Judge       *jCost     `json:"judge"`
		Judging     []jJudging `json:"judging"`
		Total       jTotal     `json:"total"`
		AnswerTotal jTotal     `json:"answer_total"`
		JudgeTotal  jTotal     `json:"judge_total"`
		Quotas      []jQuota   `json:"quotas"`
		Notes       []string   `json:"notes"`
	}
	jJudge struct {
		Name         string `json:"name"`
		Provider     string `json:"provider"`
		Model        string `json:"model"`
		JudgeOnly    bool   `json:"judge_only"`
		Calls        int    `json:"calls"`
		Cached       int    `json:"cached"`
		Errors       int    `json:"errors"`
		Unparseable  int    `json:"unparseable"`
		InputTokens  int64  `json:"input_tokens"`
		OutputTokens int64  `json:"output_tokens"`
	}
	jPrevious struct {
		Run            string `json:"run"`
		ChangedAnswers int    `json:"changed_answers"`
		ChangedRows    int    `json:"changed_rows"`
	}
	jChange struct {
		Delta       *float64 `json:"delta"`
		N           int      `json:"n"`
		P           *float64 `json:"p"`
		Test        string   `json:"test"`
		Significant bool     `json:"significant"`
		Drop        bool     `json:"drop"`
	}
	jPoint struct {
		Present bool     `json:"present"`
		Score   *float64 `json:"score"`
		N       int      `json:"n"`
		P50     *float64 `json:"p50_ms"`
		Change  *jChange `json:"change"`
	}
	jSeries struct {
		Target string   `json:"target"`
		Points []jPoint `json:"points"`
	}
	jSuiteTrend struct {
		Suite   string    `json:"suite"`
		Scorer  string    `json:"scorer"`
		Kind    string    `json:"kind"`
		Targets []jSeries `json:"targets"`
	}
	jTrendRun struct {
		ID      string  `json:"id"`
		Started *string `json:"started"`
	}
	jLatSeries struct {
		Target string    `json:"target"`
		P50    []float64 `json:"p50_ms"`
	}
	jDrop struct {
		Suite  string  `json:"suite"`
		Target string  `json:"target"`
		Run    string  `json:"run"`
		Change jChange `json:"change"`
	}
	jTrend struct {
		Runs    []jTrendRun   `json:"runs"`
		Suites  []jSuiteTrend `json:"suites"`
		Latency []jLatSeries  `json:"latency"`
		Drops   []jDrop       `json:"drops"`
	}
)

// num is f, or nil (JSON null) when it is not finite.
func num(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

func jTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

func jLatOf(l Latencies) jLat {
	if l.N == 0 {
		return jLat{}
	}
	return jLat{N: l.N, P50: num(ms(l.P50)), P95: num(ms(l.P95)), P99: num(ms(l.P99))}
}

func jIntervalOf(iv Interval) jInterval {
	return jInterval{Centre: num(iv.Centre), Lo: num(iv.Lo), Hi: num(iv.Hi), N: iv.N}
}

func jClasses(cs []ClassCount) []jClass {
	out := make([]jClass, 0, len(cs))
	for _, c := range cs {
		out = append(out, jClass(c))
	}
	return out
}

func jPriceOf(p *PriceEntry) *jPrice {
	if p == nil {
		return nil
	}
	return &jPrice{Model: p.Model, Provider: p.Provider, Input: p.Input, Output: p.Output,
		Currency: p.Currency, Date: p.Date, Source: p.Source, From: p.Origin}
}

func jCostOf(c Cost) jCost {
	j := jCost{Priced: c.Priced(), Price: jPriceOf(c.Price), InputTokens: c.InputTokens, OutputTokens: c.OutputTokens,
		Cached: c.Cached, CachedInputTokens: c.CachedInputTokens, CachedOutputTokens: c.CachedOutputTokens}
	if !c.Priced() {
		return j
	}
	j.Currency, j.Amount = c.Price.Currency, num(c.Amount)
	if v, ok := c.In(bench.USD); ok {
		j.USD = num(v)
	}
	if v, ok := c.In(bench.CNY); ok {
		j.CNY = num(v)
	}
	if v, ok := c.PerCorrect(); ok {
		j.PerCorrect = num(v)
	}
	return j
}

func jJudgingOf(js []Judging) []jJudging {
	out := make([]jJudging, 0, len(js))
	for _, j := range js {
		out = append(out, jJudging{Judge: j.Judge.Name, Provider: j.Judge.Provider, Model: j.Judge.Model, Calls: j.Calls, Cost: jCostOf(j.Cost)})
	}
	return out
}

func jTotalOf(t Total) jTotal {
	j := jTotal{Converted: t.Converted}
	if t.HasUSD {
		j.USD = num(t.USD)
	}
	if t.HasCNY {
		j.CNY = num(t.CNY)
	}
	return j
}

func jChangeOf(c RunChange) jChange {
	return jChange{Delta: num(c.Delta), N: c.N, P: num(c.P), Test: c.Test, Significant: c.Significant, Drop: c.Drop}
}

func jsonOf(d *Data) jReport {
	r := jReport{
		Schema: JSONSchema,
		Run: jRun{ID: d.Run.ID, Config: d.Run.ConfigName, Status: d.Run.Status, Note: d.Run.Note,
			Started: jTime(d.Run.Started), Ended: jTime(d.Run.Ended), HarnessVersion: d.Run.HarnessVersion,
			Baseline: d.Run.Baseline, Repeats: d.Run.Repeats, Seed: d.Run.Seed},
		Level:     d.Level,
		Simulated: d.Simulated,
		Targets:   []jTarget{},
		Suites:    []jSuite{},
	}
	for _, t := range d.Targets {
		jt := jTarget{Name: t.Name, Provider: t.Provider, Model: t.Model, API: t.API, Baseline: t.Baseline, Simulated: t.Simulated,
			Calls: t.N, Cached: t.Cached, Errors: t.Errors, Refusals: t.Refusals, ErrorClasses: jClasses(t.ErrorClasses),
			Latency: jLatOf(t.Latency), TTFT: jLatOf(t.TTFT), InputTokens: t.InputTokens, OutputTokens: t.OutputTokens,
			Cost: jCostOf(t.Cost)}
		if t.TokensPerSecond > 0 {
			jt.TokensPerSec = num(t.TokensPerSecond)
		}
		r.Targets = append(r.Targets, jt)
	}
	for si := range d.Suites {
		s := &d.Suites[si]
		js := jSuite{Name: s.Name, Scorer: s.Scorer, Kind: kindWord(s), Repeats: max(1, s.Repeats), Cells: []jCell{}}
		for _, c := range s.Cells {
			jc := jCell{Target: c.Target, Baseline: c.Baseline, Simulated: c.Simulated, Ran: !c.NotRun,
				Samples: c.Samples, Unscored: c.Unscored, PassK: []jPassK{},
				Calls: c.N, Cached: c.Cached, Errors: c.Errors, Refusals: c.Refusals, ErrorClasses: jClasses(c.ErrorClasses),
				Latency: jLatOf(c.Latency), TTFT: jLatOf(c.TTFT), InputTokens: c.InputTokens, OutputTokens: c.OutputTokens,
				Cost: jCostOf(c.Cost), Pareto: jPareto{Cost: c.Front.Cost, Latency: c.Front.Latency},
				Judging: jJudgingOf(c.Judging)}
			if c.Score.N > 0 {
				iv := jIntervalOf(c.Score)
				jc.Score = &iv
			}
			if s.Repeats > 1 && c.Samples > c.Score.N {
				jc.RepeatSD = num(c.RepeatSD)
			}
			for _, p := range c.PassK {
				jc.PassK = append(jc.PassK, jPassK{K: p.K, Score: jIntervalOf(p.Interval), Short: p.Short})
			}
			if cp := c.Comparison; cp != nil {
				jc.Comparison = &jComparison{Baseline: cp.Baseline, Delta: jIntervalOf(cp.Delta), P: num(cp.P), Test: cp.Test,
					Significant: cp.Significant, Verdict: verdictWord(cp), Text: cp.Verdict(),
					Better: cp.Better, Worse: cp.Worse, Same: cp.Same, Partial: cp.Partial,
					Excluded: jExcluded{Errors: cp.Excluded.Errors, Refusals: cp.Excluded.Refusals, Missing: cp.Excluded.Missing}}
			}
			js.Cells = append(js.Cells, jc)
		}
		r.Suites = append(r.Suites, js)
	}
	if cs := d.Cost; cs != nil {
		jc := &jCostReport{Currency: cs.Currency, Prices: []jPrice{}, Unpriced: []string{}, Quotas: []jQuota{}, Notes: []string{}}
		if e := cs.Exchange; e != nil {
			jc.Exchange = &jExchange{USDCNY: e.USDCNY, Date: e.Date, Source: e.Source, From: cs.ExchangeOrigin}
		}
		for i := range cs.Prices {
			jc.Prices = append(jc.Prices, *jPriceOf(&cs.Prices[i]))
		}
		jc.Unpriced = append(jc.Unpriced, cs.Unpriced...)
		if len(cs.Judging) > 0 {
			j := jCostOf(cs.Judging[0].Cost)
			jc.Judge = &j
		}
		jc.Judging = jJudgingOf(cs.Judging)
		jc.Total, jc.AnswerTotal, jc.JudgeTotal = jTotalOf(cs.Total), jTotalOf(cs.AnswerTotal), jTotalOf(cs.JudgeTotal)
		for _, q := range cs.Quotas {
			jc.Quotas = append(jc.Quotas, jQuota{Target: q.Target, Tokens: q.Tokens, Used: q.Used, Fraction: q.Fraction(), Note: q.Note, InRun: q.InRun, From: q.Origin})
		}
		jc.Notes = append(jc.Notes, cs.Notes...)
		r.Cost = jc
	}
	if j := d.Judge; j != nil {
		r.Judge = &jJudge{Name: j.Target.Name, Provider: j.Target.Provider, Model: j.Target.Model, JudgeOnly: j.Only,
			Calls: j.N, Cached: j.Cached, Errors: j.Errors, Unparseable: j.Unparseable, InputTokens: j.InputTokens, OutputTokens: j.OutputTokens}
	}
	if p := d.Previous; p != nil {
		r.Previous = &jPrevious{Run: p.ID, ChangedAnswers: p.Answers, ChangedRows: p.Rows}
	}
	if tr := d.Trend; tr != nil {
		jt := &jTrend{Runs: []jTrendRun{}, Suites: []jSuiteTrend{}, Latency: []jLatSeries{}, Drops: []jDrop{}}
		for _, run := range tr.Runs {
			jt.Runs = append(jt.Runs, jTrendRun{ID: run.ID, Started: jTime(run.Started)})
		}
		for _, st := range tr.Suites {
			kind := "mean"
			if st.Binary {
				kind = "pass_rate"
			}
			js := jSuiteTrend{Suite: st.Suite, Scorer: st.Scorer, Kind: kind, Targets: []jSeries{}}
			for ti, pts := range st.Points {
				ser := jSeries{Target: d.Targets[ti].Name, Points: []jPoint{}}
				for _, p := range pts {
					jp := jPoint{Present: p.Present}
					if p.Present {
						jp.Score, jp.N, jp.P50 = num(p.Score), p.N, num(ms(p.P50))
					}
					if p.Change != nil {
						c := jChangeOf(*p.Change)
						jp.Change = &c
					}
					ser.Points = append(ser.Points, jp)
				}
				js.Targets = append(js.Targets, ser)
			}
			jt.Suites = append(jt.Suites, js)
		}
		for ti, l := range tr.Latency {
			ls := jLatSeries{Target: d.Targets[ti].Name, P50: []float64{}}
			for _, v := range l {
				ls.P50 = append(ls.P50, ms(v))
			}
			jt.Latency = append(jt.Latency, ls)
		}
		for _, dr := range tr.Drops {
			jt.Drops = append(jt.Drops, jDrop{Suite: dr.Suite, Target: dr.Target, Run: tr.Runs[dr.Run].ID, Change: jChangeOf(dr.Change)})
		}
		r.Trend = jt
	}
	return r
}
