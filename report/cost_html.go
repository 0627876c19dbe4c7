package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"strconv"
)

//go:embed cost.html.tmpl
var costHTML string

//go:embed trend.html.tmpl
var trendHTML string

// The Cost, Pareto and Trend sections are templates of their own in the
// report's template set; report.html.tmpl calls them with the view.
var (
	_ = template.Must(htmlTemplate.Funcs(template.FuncMap{
		"cost":       costText,
		"perCorrect": perCorrectText,
		"priceText":  priceText,
		"totalText":  totalText,
		"quotaWidth": quotaWidth,
		"paretoAny":  paretoAny,
		"changeText": changeText,
		"trendRun":   trendRunText,
		"alpha":      alphaText,
	}).New("cost.html.tmpl").Parse(costHTML))
	_ = template.Must(htmlTemplate.New("trend.html.tmpl").Parse(trendHTML))
)

// quotaWidth is the filled share of a quota bar, capped at 100%.
func quotaWidth(q QuotaUse) template.CSS {
	// A number this package formats: nothing from the run reaches it.
	return template.CSS(strconv.FormatFloat(min(100, 100*q.Fraction()), 'f', 1, 64) + "%")
}

// paretoAny reports whether any suite has a Pareto plot.
func paretoAny(ps []ParetoPlots) bool {
	for _, p := range ps {
		if p.Cost != "" || p.Latency != "" {
			return true
		}
	}
	return false
}

// alphaText is the significance threshold 1 − level: "0.05".
func alphaText(level float64) string {
	return fmt.Sprint(float64(int64((1-levelOrDefault(level))*1e6+0.5)) / 1e6)
}
