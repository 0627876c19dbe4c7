package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Formats are the formats Write renders, the first being the default.
var Formats = []string{"html", "md", "json", "csv", "text"}

// Write renders d in one of Formats: "html" (WriteHTML), "md"
// (WriteMarkdown), "json" (WriteJSON), "csv" (WriteCSV) or "text"
// (WriteText). Every format is deterministic: the same d, the same bytes.
func Write(w io.Writer, d *Data, format string) error {
	switch format {
	case "html":
		return WriteHTML(w, d)
	case "md":
		return WriteMarkdown(w, d)
	case "json":
		return WriteJSON(w, d)
	case "csv":
		return WriteCSV(w, d)
	case "text":
		return WriteText(w, d)
	}
	return fmt.Errorf("unknown report format %q (known: %s)", format, strings.Join(Formats, ", "))
}

// fnum formats a float for machines: the shortest text that reads back as
// the same float64, "" when it is not finite.
func fnum(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ""
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// ms is a duration in milliseconds, for machines.
func ms(d interface{ Nanoseconds() int64 }) float64 {
	return float64(d.Nanoseconds()) / 1e6
}

// verdictWord classifies a comparison for scripts: "better" or "worse"
// when significant, "same" when not ("~"), "no_pairs" when nothing could
// be paired, "" without a comparison.
func verdictWord(c *Comparison) string {
	switch {
	case c == nil:
		return ""
	case c.Delta.N == 0:
		return "no_pairs"
	case !c.Significant:
		return "same"
	case c.Delta.Centre > 0:
		return "better"
	}
	return "worse"
}

// kindWord is a suite's score kind: "pass_rate" or "mean".
func kindWord(s *SuiteSummary) string {
	if s.Binary {
		return "pass_rate"
	}
	return "mean"
}
