package bench

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const pricedTargets = `targets:
  - name: gpt-4o
    provider: openai
    model: gpt-4o
  - name: ernie
    provider: qianfan
    model: ERNIE-4.0-8K
suites: [reasoning]
`

func TestParseConfigPricing(t *testing.T) {
	src := pricedTargets + `prices:            # per million tokens
  - {model: gpt-4o, input: 2.50, output: 10.00, currency: usd, date: 2026-05-27, source: "openai.com/api/pricing"}
  - model: ERNIE-4.0-8K
    provider: qianfan
    input: 30
    output: 90
    currency: CNY
    date: 2025-03
exchange: {USD_CNY: 7.12, date: 2026-11-01, source: "a bank"}
quotas:
  - {target: ernie, tokens: 1000000, note: "launch promotion"}
`
	c, err := ParseConfig("c.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := Pricing{
		Prices: []Price{
			{Model: "gpt-4o", Input: 2.5, Output: 10, Currency: USD, Date: "2026-05-27", Source: "openai.com/api/pricing"},
			{Model: "ERNIE-4.0-8K", Provider: "qianfan", Input: 30, Output: 90, Currency: CNY, Date: "2025-03"},
		},
		Exchange: &Exchange{USDCNY: 7.12, Date: "2026-11-01", Source: "a bank"},
		Quotas:   []Quota{{Target: "ernie", Tokens: 1000000, Note: "launch promotion"}},
	}
	if diff := cmp.Diff(want, c.Pricing, cmpopts.IgnoreUnexported(Quota{})); diff != "" {
		t.Errorf("pricing (-want +got):\n%s", diff)
	}
	if u := c.Unused(); len(u) != 0 {
		t.Errorf("Unused() = %v, want none: prices and quotas are used now", u)
	}
}

func TestParseConfigPricingErrors(t *testing.T) {
	tests := []struct {
		name string
		tail string
		want string // substring with file:line
	}{
		{"unknown price key", "prices:\n  - model: gpt-4o\n    inptu: 2\n", "c.yaml:11:"},
		{"no model", "prices:\n  - {input: 1, output: 2, currency: USD, date: 2026-01-01}\n", "c.yaml:10: prices: an entry has no model"},
		{"negative price", "prices:\n  - model: gpt-4o\n    input: -1\n    output: 2\n    currency: USD\n    date: 2026-01-01\n", "c.yaml:11: prices: gpt-4o: input price -1"},
		{"no currency", "prices:\n  - {model: gpt-4o, input: 1, output: 2, date: 2026-01-01}\n", "c.yaml:10: prices: gpt-4o has no currency"},
		{"bad currency", "prices:\n  - model: gpt-4o\n    input: 1\n    output: 2\n    currency: EUR\n    date: 2026-01-01\n", "c.yaml:13: prices: gpt-4o: currency \"EUR\" is not USD or CNY"},
		{"no date", "prices:\n  - {model: gpt-4o, input: 1, output: 2, currency: USD}\n", "c.yaml:10: prices: gpt-4o has no date"},
		{"bad date", "prices:\n  - model: gpt-4o\n    input: 1\n    output: 2\n    currency: USD\n    date: 27/05/2026\n", "c.yaml:14: prices: gpt-4o: date \"27/05/2026\""},
		{"twice", "prices:\n  - {model: gpt-4o, input: 1, output: 2, currency: USD, date: 2026}\n  - {model: GPT-4o, input: 1, output: 2, currency: USD, date: 2026}\n", "c.yaml:11: prices: GPT-4o is priced twice"},
		{"not a list", "prices: {model: gpt-4o}\n", "c.yaml:9:"},
		{"zero rate", "exchange: {USD_CNY: 0, date: 2026-01-01}\n", "c.yaml:9: exchange: USD_CNY must be"},
		{"undated rate", "exchange:\n  USD_CNY: 7.1\n", "c.yaml:10: exchange: the rate has no date"},
		{"unknown rate key", "exchange: {USD_CNY: 7.1, date: 2026, EUR_CNY: 8}\n", "c.yaml:9:"},
		{"quota of nobody", "quotas:\n  - {target: gpt-4o, tokens: 10}\n  - {target: glm, tokens: 10}\n", "c.yaml:11: quotas: \"glm\" is not one of the targets"},
		{"quota zero", "quotas:\n  - target: ernie\n    tokens: 0\n", "c.yaml:11: quotas: ernie: tokens must be a positive"},
		{"quota twice", "quotas:\n  - {target: ernie, tokens: 1}\n  - {target: ernie, tokens: 2}\n", "c.yaml:11: quotas: target \"ernie\" has two quotas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("c.yaml", []byte(pricedTargets+tt.tail))
			if err == nil {
				t.Fatal("no error")
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *ConfigError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestParsePricingIgnoresOtherKeys(t *testing.T) {
	// A stored config of another version, or a file with only prices.
	for _, tt := range []struct {
		name, src string
		want      Pricing
	}{
		{"empty", "", Pricing{}},
		{"other keys only", "name: x\nfuture_key: [1, 2]\n", Pricing{}},
		{"only prices", "prices:\n  - {model: m, input: 0, output: 0, currency: CNY, date: 2025}\n",
			Pricing{Prices: []Price{{Model: "m", Currency: CNY, Date: "2025"}}}},
		{"null keys", "prices:\nexchange:\nquotas:\n", Pricing{}},
		{"quota of an unknown target is fine here", "quotas: [{target: later, tokens: 5}]\nwhatever: 1\n",
			Pricing{Quotas: []Quota{{Target: "later", Tokens: 5}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePricing("p.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreUnexported(Quota{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultPrices(t *testing.T) {
	ps := DefaultPrices()
	if len(ps) == 0 {
		t.Fatal("the built-in price table is empty")
	}
	seen := map[string]Price{}
	for _, p := range ps {
		if p.Date == "" || p.Source == "" {
			t.Errorf("%s: every built-in price needs a date and a source, got date %q source %q", p.Model, p.Date, p.Source)
		}
		seen[p.Model] = p
	}
	// Spot checks against the research table (reference section 11).
	for _, want := range []Price{
		{Model: "gpt-4o", Input: 2.5, Output: 10, Currency: USD, Date: "2026-05-27"},
		{Model: "SenseChat-5", Input: 40, Output: 100, Currency: CNY, Date: "2025-04"},
		{Model: "ERNIE-3.5-8K", Input: 0.8, Output: 2, Currency: CNY, Date: "2025-03"},
		{Model: "glm-4-plus", Input: 5, Output: 5, Currency: CNY, Date: "2026"},
		{Model: "hunyuan-vision", Input: 18, Output: 18, Currency: CNY, Date: "2025-04"},
	} {
		got := seen[want.Model]
		got.Source = ""
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", want.Model, diff)
		}
	}
	// A copy: callers cannot change the table.
	ps[0].Input = -1
	if DefaultPrices()[0].Input == -1 {
		t.Error("DefaultPrices returns the table itself, not a copy")
	}
}

func TestExchangeConvert(t *testing.T) {
	e := &Exchange{USDCNY: 8}
	for _, tt := range []struct {
		cur           string
		amount        float64
		wantUSD, wCNY float64
	}{{USD, 2, 2, 16}, {CNY, 16, 2, 16}, {CNY, 0, 0, 0}} {
		usd, cny := e.Convert(tt.amount, tt.cur)
		if usd != tt.wantUSD || cny != tt.wCNY {
			t.Errorf("Convert(%v %s) = %v USD, %v CNY; want %v, %v", tt.amount, tt.cur, usd, cny, tt.wantUSD, tt.wCNY)
		}
	}
}

func TestParsePricingErrors(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"not a list", "name: x\nprices: {model: gpt-4o}\n", "p.yaml:2: prices: must be a list"},
		{"syntax", "prices: [\n", "p.yaml:"},
		{"unknown key", "quotas:\n  - {target: a, tokens: 1, notes: x}\n", "p.yaml:2:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePricing("p.yaml", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
