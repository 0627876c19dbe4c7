package metrics

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGSM8KOracle checks every case of gsm8k_extract.json exactly: the
// until cut, the extracted and normalised strings of the three filters
// (with and without the cut), the normalised reference and exact_match.
func TestGSM8KOracle(t *testing.T) {
	f := loadGSM8KOracle(t)
	modes := []struct {
		name   string
		re     *regexp.Regexp
		group  int
		filter func(string) string
		oracle func(c gsm8kOracleCase) gsm8kOracleRun
	}{
		{"strict_match", gsm8kStrictRe, 0, GSM8KStrict, func(c gsm8kOracleCase) gsm8kOracleRun { return c.Strict }},
		{"flexible_extract", gsm8kFlexibleRe, -1, GSM8KFlexible, func(c gsm8kOracleCase) gsm8kOracleRun { return c.Flexible }},
		{"cot_strict_match", gsm8kCoTStrictRe, 0, GSM8KCoTStrict, func(c gsm8kOracleCase) gsm8kOracleRun { return c.CoTStrict }},
	}
	for _, m := range modes {
		// The oracle's own statement of each pattern is the one compiled here.
		var spec struct {
			Pattern     string `json:"pattern"`
			GroupSelect int    `json:"group_select"`
		}
		if err := json.Unmarshal(f.Regexes[m.name], &spec); err != nil {
			t.Fatalf("regexes.%s: %v", m.name, err)
		}
		if spec.Pattern != m.re.String() || spec.GroupSelect != m.group {
			t.Errorf("%s: oracle pattern %q group %d, compiled %q group %d", m.name, spec.Pattern, spec.GroupSelect, m.re.String(), m.group)
		}
	}
	for _, c := range f.Cases {
		t.Run(c.ID, func(t *testing.T) {
			if got := GSM8KCut(c.Output); got != c.OutputAfterUntil {
				t.Errorf("GSM8KCut = %q, want %q", got, c.OutputAfterUntil)
			}
			for _, ref := range []string{c.ReferenceAnswerField, c.Gold} {
				if got := GSM8KNormalise(ref); got != c.ReferenceNormalised {
					t.Errorf("GSM8KNormalise(%q) = %q, want %q", ref, got, c.ReferenceNormalised)
				}
			}
			for _, m := range modes {
				want := m.oracle(c)
				got := gsm8kOracleRun{
					Extracted:                       m.filter(c.Output),
					ExtractedWithoutUntilTruncation: gsm8kFilter(m.re, m.group, c.Output),
				}
				got.Normalised = GSM8KNormalise(got.Extracted)
				got.ExactMatch = GSM8KExactMatch(got.Extracted, c.ReferenceAnswerField)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", m.name, diff)
				}
				// The gold alone scores as the whole answer field does.
				if em := GSM8KExactMatch(got.Extracted, c.Gold); em != want.ExactMatch {
					t.Errorf("%s: GSM8KExactMatch(%q, gold %q) = %v, want %v", m.name, got.Extracted, c.Gold, em, want.ExactMatch)
				}
			}
		})
	}
}

// TestGSM8KNormalise pins the Python behaviours the oracle file does not
// exercise.
func TestGSM8KNormalise(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"commas then dollars", "$1,234", "1234"},
		{"up to the last hashes", "a #### 1\nb #### 2", "2"},
		{"hashes across lines", "line one\nline two\n#### 7", "7"},
		{"hashes need the space", "####7", "####7"},
		{"one final dot only", "75..", "75."},
		{"dot before a final newline", "12.\n", "12\n"},
		{"dot before two newlines stays", "12.\n\n", "12.\n\n"},
		{"decimal zero stays", "460.0", "460.0"},
		{"lower-cased", "[INVALID]", "[invalid]"},
		{"dotted capital I", "İ", "i\u0307"},
		{"final sigma", "ΟΔΟΣ", "οδος"},
		{"sigma inside a word", "ΣΟΦΙΑ", "σοφια"},
		{"sigma alone", "Σ", "σ"},
		{"sigma before an apostrophe", "ΑΣ'", "ας'"},
		{"trailing NULs dropped as NumPy does", "42\x00\x00", "42"},
		{"NUL revealed by a deletion", "42\x00$", "42"},
		{"inner NUL kept", "4\x002", "4\x002"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := GSM8KNormalise(tt.in); got != tt.want {
				t.Errorf("GSM8KNormalise(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestGSM8KFilterGroups covers RegexFilter branches the gsm8k patterns do
// not reach: a pattern without groups, an empty single group, an all-empty
// tuple.
func TestGSM8KFilterGroups(t *testing.T) {
	tests := []struct {
		name, pattern string
		group         int
		in, want      string
	}{
		{"no groups: whole match, stripped", `\s*\d+\s*`, 0, "a  12 b", "12"},
		{"one empty group is kept empty", `x(\d*)`, 0, "x", ""},
		{"tuple all empty falls back", `(a?)|(b?)`, -1, "c", GSM8KInvalid},
		{"last of several", `(\d)`, -1, "1 2 3", "3"},
		{"python strip includes U+001F", "(\x1f7\x1f)", 0, "\x1f7\x1f", "7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gsm8kFilter(regexp.MustCompile(tt.pattern), tt.group, tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

var (
	gsm8kStrictShape   = regexp.MustCompile(`^-?[0-9.,]+$`)
	gsm8kFlexibleShape = regexp.MustCompile(`^-?[$0-9.,]+$`)
)

// FuzzGSM8KExtract: the filters never panic, return either "[invalid]" or
// a string of their pattern's alphabet found in the output before any stop
// string, and exact_match is reflexive.
func FuzzGSM8KExtract(f *testing.F) {
	for _, s := range []string{"#### 42", "x\n####  7", "$1,170.\n#### $1,170", "17-3", "2:00", "Question: 1\n#### 2",
		"#### 5</s>#### 6", "The answer is 12", "The answer is 12!", "...", "-", "ΟΔΟΣ İ", "#### 1\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, out string) {
		cut := GSM8KCut(out)
		if !strings.HasPrefix(out, cut) {
			t.Fatalf("GSM8KCut(%q) = %q is not a prefix", out, cut)
		}
		for _, stop := range gsm8kUntil {
			if strings.Contains(cut, stop) {
				t.Fatalf("GSM8KCut(%q) = %q still holds %q", out, cut, stop)
			}
		}
		for _, m := range []struct {
			name  string
			got   string
			shape *regexp.Regexp
		}{
			{"strict", GSM8KStrict(out), gsm8kStrictShape},
			{"flexible", GSM8KFlexible(out), gsm8kFlexibleShape},
			{"cot", GSM8KCoTStrict(out), gsm8kStrictShape},
		} {
			if m.got == GSM8KInvalid {
				continue
			}
			if !m.shape.MatchString(m.got) || !strings.Contains(cut, m.got) {
				t.Fatalf("%s(%q) = %q: not a match taken from %q", m.name, out, m.got, cut)
			}
			if !GSM8KExactMatch(m.got, m.got) {
				t.Fatalf("%s: %q does not match itself", m.name, m.got)
			}
		}
		if strict := GSM8KStrict(out); strict != GSM8KInvalid && !strings.Contains(cut, "#### "+strict) {
			t.Fatalf("strict %q does not follow a \"#### \" in %q", strict, cut)
		}
		n := GSM8KNormalise(out)
		if strings.ContainsAny(n, ",$") {
			t.Fatalf("GSM8KNormalise(%q) = %q keeps a comma or dollar", out, n)
		}
	})
}
