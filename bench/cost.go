package bench

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Cost is what in input and out output tokens cost at p, in p.Currency:
//
//	in × Input / 10⁶ + out × Output / 10⁶
//
// (prices are per million tokens).
func (p Price) Cost(in, out int64) float64 {
	return float64(in)*p.Input/1e6 + float64(out)*p.Output/1e6
}

// PriceTable is a config's prices over the built-in table
// (DefaultPrices): a config price replaces every built-in price of the
// same model (compared without regard to case).
func (c *Config) PriceTable() []Price {
	named := map[string]bool{}
	for _, pr := range c.Prices {
		named[strings.ToLower(pr.Model)] = true
	}
	var out []Price
	for _, pr := range DefaultPrices() {
		if !named[strings.ToLower(pr.Model)] {
			out = append(out, pr)
		}
	}
	return append(out, c.Prices...)
}

// FindPrice returns the price of model for targets of provider in table:
// an entry naming the provider wins over one for the model alone; nil when
// the model has none. Model and provider are compared without regard to
// case.
func FindPrice(table []Price, provider, model string) *Price {
	if model == "" {
		return nil
	}
	var generic *Price
	for i := range table {
		pr := &table[i]
		if !strings.EqualFold(pr.Model, model) {
			continue
		}
		switch {
		case pr.Provider == "":
			if generic == nil {
				generic = pr
			}
		case strings.EqualFold(pr.Provider, provider):
			return pr
		}
	}
	return generic
}

// Money is an amount in USD or CNY.
type Money struct {
	Amount   float64
	Currency string
}

func (m Money) String() string {
	return strconv.FormatFloat(m.Amount, 'f', -1, 64) + " " + m.Currency
}

// ParseMoney reads an amount with its currency: "5USD", "5 usd", "30CNY",
// "$5", "¥30" (also "5$", "30元"). The amount must be a positive number;
// a currency is required.
func ParseMoney(s string) (Money, error) {
	t := strings.TrimSpace(s)
	cur := ""
	for _, c := range []struct{ mark, cur string }{
		{"USD", USD}, {"usd", USD}, {"$", USD}, {"CNY", CNY}, {"cny", CNY}, {"RMB", CNY}, {"rmb", CNY}, {"¥", CNY}, {"￥", CNY}, {"元", CNY},
	} {
		if rest, ok := strings.CutPrefix(t, c.mark); ok {
			t, cur = rest, c.cur
			break
		}
		if rest, ok := strings.CutSuffix(t, c.mark); ok {
			t, cur = rest, c.cur
			break
		}
	}
	if cur == "" {
		return Money{}, fmt.Errorf("amount %q has no currency: write it like 5USD or 30CNY", s)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return Money{}, fmt.Errorf("amount %q is not a positive number with a currency, like 5USD or 30CNY", s)
	}
	return Money{Amount: v, Currency: cur}, nil
}

// convert returns amount, in currency from, in currency to; ok is false
// when the currencies differ and there is no exchange rate.
func convert(amount float64, from, to string, ex *Exchange) (float64, bool) {
	if from == to {
		return amount, true
	}
	if ex == nil {
		return 0, false
	}
	usd, cny := ex.Convert(amount, from)
	if to == USD {
		return usd, true
	}
	return cny, true
}
