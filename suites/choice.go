package suites

import (
	"fmt"
	"strings"

	"github.com/llmbench/llmbench/suites/metrics"
)

// choiceScorer reads the option letter a model chose in a multiple-choice
// answer, English or Chinese, and compares it with the case's reference
// letter(s). Binary. The extraction rules (answer markers first, then
// option words, lines holding a letter, then the last standalone capital
// letter; never the article "A") are metrics.ExtractChoice's.
//
// How many options a case has (letters beyond them are never read):
//   - the length of a list field "options" or "choices" (or, for a mapping,
//     its highest single-letter key);
//   - else the highest single capital letter among the case's field names
//     when there are at least two ("A", "B", "C", …);
//   - else A–D;
//
// and at least up to the highest reference letter when the options are not
// listed. Extracted is the letter read, or "[invalid]". A reference is one
// letter, in either case, optionally bracketed or followed by "." or ")":
// "B", "(c)", "D.".
type choiceScorer struct{}

const choiceVersion = "1"

func (choiceScorer) Name() string { return "choice" }

func (choiceScorer) Score(output string, c *Case) Score {
	s := Score{Scorer: "choice", Binary: true, Version: choiceVersion}
	got := metrics.ExtractChoice(output, choiceOptions(c))
	if got == "" {
		s.Extracted = invalidAnswer
		return s
	}
	s.Extracted = got
	for _, ref := range c.References {
		if l, err := choiceReference(ref); err == nil && l == got {
			s.Value = 1
			break
		}
	}
	return s
}

// CheckCase refuses a case without references, with a reference that is
// not one letter, or with a letter beyond the options listed.
func (choiceScorer) CheckCase(c *Case) error {
	if err := needReference(c); err != nil {
		return err
	}
	listed, ok := choiceListedOptions(c)
	for _, ref := range c.References {
		l, err := choiceReference(ref)
		if err != nil {
			return err
		}
		if ok && int(l[0]-'A') >= listed {
			return fmt.Errorf("reference %q is not among the %d options A–%c", ref, listed, 'A'+listed-1)
		}
	}
	return nil
}

var (
	_ Scorer      = choiceScorer{}
	_ CaseChecker = choiceScorer{}
)

func init() { RegisterScorer(choiceScorer{}) }

// choiceReference reads a reference letter ("B", "(c)", "D.", "Ｂ").
func choiceReference(ref string) (string, error) {
	t := strings.TrimSpace(ref)
	for _, p := range [][2]string{{"(", ")"}, {"（", "）"}, {"[", "]"}} {
		if strings.HasPrefix(t, p[0]) && strings.HasSuffix(t, p[1]) {
			t = strings.TrimSpace(t[len(p[0]) : len(t)-len(p[1])])
			break
		}
	}
	t = strings.TrimRight(t, ".)．）")
	if r := []rune(t); len(r) == 1 {
		switch c := r[0]; {
		case c >= 'A' && c <= 'Z':
			return string(c), nil
		case c >= 'a' && c <= 'z':
			return string(c - 'a' + 'A'), nil
		case c >= 'Ａ' && c <= 'Ｚ':
			return string('A' + c - 'Ａ'), nil
		case c >= 'ａ' && c <= 'ｚ':
			return string('A' + c - 'ａ'), nil
		}
	}
	return "", fmt.Errorf("reference %q is not an option letter: the choice scorer needs a letter such as B", ref)
}

// choiceListedOptions is the number of options the case's fields list, if
// they list any.
func choiceListedOptions(c *Case) (int, bool) {
	for _, key := range []string{"options", "choices"} {
		switch v := c.Fields[key].(type) {
		case []any:
			if len(v) > 0 {
				return min(len(v), 26), true
			}
		case []string:
			if len(v) > 0 {
				return min(len(v), 26), true
			}
		case map[string]any:
			n := 0
			for k := range v {
				if l, ok := choiceKeyLetter(k); ok {
					n = max(n, l+1)
				}
			}
			if n > 0 {
				return n, true
			}
		}
	}
	n, letters := 0, 0
	for k := range c.Fields {
		if l, ok := choiceKeyLetter(k); ok && k == strings.ToUpper(k) {
			n = max(n, l+1)
			letters++
		}
	}
	if letters >= 2 {
		return n, true
	}
	return 0, false
}

// choiceKeyLetter reads a one-letter key ("A", "b") as its option index.
func choiceKeyLetter(k string) (int, bool) {
	if len(k) != 1 {
		return 0, false
	}
	switch c := k[0]; {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A'), true
	case c >= 'a' && c <= 'z':
		return int(c - 'a'), true
	}
	return 0, false
}

// choiceOptions is how many option letters to read for the case.
func choiceOptions(c *Case) int {
	if n, ok := choiceListedOptions(c); ok {
		return n
	}
	n := 4
	for _, ref := range c.References {
		if l, err := choiceReference(ref); err == nil {
			n = max(n, int(l[0]-'A')+1)
		}
	}
	return n
}
