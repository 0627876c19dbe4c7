package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML in the shape CI systems read (Jenkins, GitLab, GitHub test
// reporters): testsuites > testsuite (one per suite) > testcase (one per
// target) > failure (one per regressed cell, its evidence as the message).
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name      string      `xml:"name,attr"`
		Tests     int         `xml:"tests,attr"`
		Failures  int         `xml:"failures,attr"`
		Errors    int         `xml:"errors,attr"`
		Skipped   int         `xml:"skipped,attr"`
		Time      string      `xml:"time,attr"`
		Timestamp string      `xml:"timestamp,attr,omitempty"`
		Cases     []junitCase `xml:"testcase"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		Time      string        `xml:"time,attr"`
		Failure   *junitFailure `xml:"failure,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// JUnitFailureType is the type attribute of a regression's failure.
const JUnitFailureType = "llmbench.regression"

// WriteJUnit writes s as JUnit XML: a testsuite per suite and a testcase
// per (suite, target) named after the target, with classname
// "llmbench.CONFIG.SUITE" and the time its calls took (sum of latencies,
// seconds). A regressed cell has a failure whose message joins its
// findings and whose text also lists the flipped cases; other cells pass
// (their comparison, or "no previous run", is the system-out).
func WriteJUnit(w io.Writer, s *Summary) error {
	root := junitSuites{Name: "llmbench " + s.Config, Time: secs(s.Run.DurationSeconds)}
	byName := map[string]int{}
	times := map[string]float64{}
	for _, c := range s.Cells {
		i, ok := byName[c.Suite]
		if !ok {
			i = len(root.Suites)
			byName[c.Suite] = i
			root.Suites = append(root.Suites, junitSuite{Name: c.Suite, Timestamp: s.Run.Started})
		}
		su := &root.Suites[i]
		tc := junitCase{Name: c.Target, Classname: "llmbench." + s.Config + "." + c.Suite, Time: secs(c.TimeSeconds)}
		times[c.Suite] += c.TimeSeconds
		if c.Regressed {
			var msgs []string
			for _, f := range c.Findings {
				if f.Kind != FindScoreRise {
					msgs = append(msgs, f.Kind+": "+f.Message)
				}
			}
			text := strings.Join(msgs, "\n")
			if c.ModelBefore != "" {
				text += fmt.Sprintf("\nmodel changed: %s → %s", c.ModelBefore, c.Model)
			}
			if len(c.Flipped) > 0 {
				ids := make([]string, len(c.Flipped))
				for j, f := range c.Flipped {
					ids[j] = f.Case
				}
				text += fmt.Sprintf("\nflipped cases (%d): %s", len(c.Flipped), strings.Join(ids, ", "))
			}
			tc.Failure = &junitFailure{Message: strings.Join(msgs, "; "), Type: JUnitFailureType, Text: text}
			su.Failures++
			root.Failures++
		} else {
			tc.SystemOut = cellNote(s, c)
		}
		su.Tests++
		root.Tests++
		su.Cases = append(su.Cases, tc)
	}
	for i := range root.Suites {
		root.Suites[i].Time = secs(times[root.Suites[i].Name])
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func cellNote(s *Summary, c SummaryCell) string {
	switch {
	case s.Previous == nil:
		return "no previous run to compare with"
	case !c.Compared:
		return "not in the previous run: nothing to compare"
	}
	n := fmt.Sprintf("%s → %s, Δ %s, Holm %s; %d shared cases", scoreFmt(c.ScoreBefore, c.Binary), scoreFmt(c.ScoreAfter, c.Binary), deltaFmt(c), FormatP(c.PHolm), c.SharedCases)
	if c.ModelBefore != "" {
		n += fmt.Sprintf("; model changed: %s → %s", c.ModelBefore, c.Model)
	}
	return n
}

func secs(f float64) string { return fmt.Sprintf("%.3f", f) }
