package report

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Large drill-downs. A suite with at most PagedRows rows is rendered as
// HTML table rows by the template, as it always was. A larger suite's rows
// go into the page as JSON, in a <script type="application/json"
// id="rows-N"> block after the main content, and filter.js builds the DOM
// of one page of PageSize rows at a time (with textContent only; no markup
// is ever parsed from the data). The filters (lost to baseline, changed
// since the previous run, case id) run over all rows of the JSON, so a run
// of 10,000 cases × 6 targets opens with 50 rows in the DOM instead of
// 10,000 and the file stays self-contained.
const (
	PagedRows = 200
	PageSize  = 50
)

// paged reports whether suite s's drill-down is paged.
func paged(s *SuiteSummary) bool { return len(s.Rows) > PagedRows }

// jsonRow is one drill-down row as filter.js reads it. Text that the
// template would format (scores, latencies, change notes) is formatted
// here with the same functions, so both renderings agree.
type jsonRow struct {
	ID      string        `json:"id"`
	Repeat  int           `json:"r,omitempty"`
	Prompt  string        `json:"p,omitempty"`
	Cut     bool          `json:"pt,omitempty"`
	Refs    []string      `json:"refs,omitempty"`
	Images  []jsonImage   `json:"img,omitempty"`
	Lost    bool          `json:"l,omitempty"`
	Changed bool          `json:"c,omitempty"`
	Answers []*jsonAnswer `json:"a"`
}

// jsonImage is a thumbnail: URL is a data:image/png URL this package
// encoded (see Thumbnail), or empty with Note saying why.
type jsonImage struct {
	URL    string `json:"u,omitempty"`
	Width  int    `json:"w,omitempty"`
	Height int    `json:"h,omitempty"`
	Path   string `json:"path"`
	Note   string `json:"n,omitempty"`
}

// jsonAnswer is one target's answer; a target without a result is null.
type jsonAnswer struct {
	Output string `json:"o,omitempty"`
	// Bytes is the stored output's length when Output was cut, else 0.
	Bytes int `json:"ob,omitempty"`
	// Score is answerScore's text ("pass", "fail", "0.375"); empty when
	// the answer is unscored.
	Score      string `json:"s,omitempty"`
	ErrorClass string `json:"e,omitempty"`
	ErrorMsg   string `json:"em,omitempty"`
	// Latency is the answer's latency as text, or cachedLabel for an
	// answer from the cache.
	Latency string `json:"t,omitempty"`
	Lost    bool   `json:"l,omitempty"`
	Changed bool   `json:"c,omitempty"`
	Was     string `json:"w,omitempty"`
}

// cachedLabel stands for the latency of an answer from the cache in the
// drill-down rows.
const cachedLabel = "from the cache"

func toJSONRow(r *Row, binary bool) jsonRow {
	j := jsonRow{ID: r.CaseID, Repeat: r.Repeat, Prompt: r.Prompt, Cut: r.PromptTruncated, Refs: r.References, Lost: r.Lost, Changed: r.Changed}
	for _, im := range r.Images {
		ji := jsonImage{Path: im.Path, Note: im.Note}
		if im.PNG != nil {
			ji.URL = "data:image/png;base64," + base64.StdEncoding.EncodeToString(im.PNG)
			ji.Width, ji.Height = im.Width, im.Height
		}
		j.Images = append(j.Images, ji)
	}
	j.Answers = make([]*jsonAnswer, len(r.Answers))
	for i, a := range r.Answers {
		if !a.Present {
			continue
		}
		ja := &jsonAnswer{Output: a.Output, ErrorClass: a.ErrorClass, ErrorMsg: a.ErrorMsg, Lost: a.Lost, Changed: a.Changed}
		if a.Truncated() {
			ja.Bytes = a.OutputBytes
		}
		if a.ErrorClass == "" && a.Scored {
			ja.Score = answerScoreText(a, binary)
		}
		switch {
		case a.Cached:
			// Not a timing of this run (as in the unpaged table).
			ja.Latency = cachedLabel
		case a.Latency > 0:
			ja.Latency = durText(a.Latency)
		}
		if a.Changed {
			ja.Was = wasText(a, binary)
		}
		j.Answers[i] = ja
	}
	return j
}

// writeRowData writes the JSON blocks of the paged suites of d.
//
// Safety: the blocks are written outside html/template, so this is where
// their escaping is enforced. encoding/json (with its default HTML-safe
// escaping) writes every <, > and & inside strings as \u003c, \u003e,
// \u0026, and U+2028/U+2029 escaped, so the JSON text holds no '<' at all:
// no "</script>" or "<!--" in model output can end or alter the element.
// The browser never runs it (type application/json); filter.js reads it
// with JSON.parse.
func writeRowData(w *bufio.Writer, d *Data) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	for si := range d.Suites {
		s := &d.Suites[si]
		if !paged(s) {
			continue
		}
		fmt.Fprintf(w, "<script type=\"application/json\" id=\"rows-%d\">[", si)
		for i := range s.Rows {
			if i > 0 {
				w.WriteByte(',')
			}
			if err := enc.Encode(toJSONRow(&s.Rows[i], s.Binary)); err != nil {
				return fmt.Errorf("encode rows of suite %s: %w", s.Name, err)
			}
		}
		w.WriteString("]</script>\n")
	}
	return nil
}
