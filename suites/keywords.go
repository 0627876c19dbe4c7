package suites

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// keywordsScorer is keyword recall: the fraction of a case's keywords that
// the output mentions. Not binary.
//
// The keywords are the case's "keywords" field (a list of strings, or one
// string); a case without one uses its references as keywords. A keyword
// may list alternatives separated by "|" ("flood|flooding|floods"): any
// one of them counts.
//
// Matching: both sides are normalised with NFKC (full-width "ＮＡＳＡ" is
// "NASA", "４２" is "42", "ﬁ" is "fi"), lower-cased and with white space
// runs collapsed to one space; then the keyword must occur as a substring.
// A keyword that begins or ends with an ASCII letter or digit must not be
// glued to another one there ("cat" is not found in "category", "7" not
// in "17" or "7.5"); Chinese keywords match anywhere.
type keywordsScorer struct{}

const keywordsVersion = "1"

// KeywordsField is the case field the keywords scorer reads.
const KeywordsField = "keywords"

func (keywordsScorer) Name() string { return "keywords" }

func (keywordsScorer) Score(output string, c *Case) Score {
	s := Score{Scorer: "keywords", Version: keywordsVersion}
	kws, err := caseKeywords(c)
	if err != nil || len(kws) == 0 {
		return s
	}
	text := normaliseKeywordText(output)
	found := 0
	for _, kw := range kws {
		for _, alt := range strings.Split(kw, "|") {
			if a := normaliseKeywordText(alt); a != "" && containsKeyword(text, a) {
				found++
				break
			}
		}
	}
	s.Value = float64(found) / float64(len(kws))
	return s
}

// CheckCase requires a usable "keywords" field or, without one, a reference.
func (keywordsScorer) CheckCase(c *Case) error {
	kws, err := caseKeywords(c)
	if err != nil {
		return err
	}
	if len(kws) == 0 {
		if _, ok := c.Fields[KeywordsField]; ok {
			return errors.New(`field "keywords" is empty: list at least one keyword`)
		}
		return errors.New(`no keywords: add a "keywords" list or a reference`)
	}
	for _, kw := range kws {
		if normaliseKeywordText(strings.ReplaceAll(kw, "|", "")) == "" {
			return fmt.Errorf("keyword %q is blank", kw)
		}
	}
	return nil
}

// caseKeywords returns the case's "keywords" field, or its references when
// it has none.
func caseKeywords(c *Case) ([]string, error) {
	v, ok := c.Fields[KeywordsField]
	if !ok {
		return c.References, nil
	}
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case json.Number:
		return []string{v.String()}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			switch e := e.(type) {
			case string:
				out = append(out, e)
			case json.Number:
				out = append(out, e.String())
			default:
				return nil, fmt.Errorf(`field "keywords" holds a %s: list strings only`, jsonKind(e))
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf(`field "keywords" is a %s: make it a list of strings`, jsonKind(v))
}

func normaliseKeywordText(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(norm.NFKC.String(s))), " ")
}

// containsKeyword reports whether kw occurs in text at a place where its
// ASCII-alphanumeric ends are not glued to more letters or digits.
func containsKeyword(text, kw string) bool {
	first, _ := utf8.DecodeRuneInString(kw)
	last, _ := utf8.DecodeLastRuneInString(kw)
	for off := 0; off <= len(text)-len(kw); {
		i := strings.Index(text[off:], kw)
		if i < 0 {
			return false
		}
		i += off
		j := i + len(kw)
		if (!isASCIIAlnum(first) || !gluedBefore(text, i)) && (!isASCIIAlnum(last) || !gluedAfter(text, j)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		off = i + size
	}
	return false
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// gluedBefore: the rune before i is an ASCII letter or digit, or a decimal
// point or comma that continues a number ("0.7", "1,7").
func gluedBefore(text string, i int) bool {
	r, size := utf8.DecodeLastRuneInString(text[:i])
	if isASCIIAlnum(r) {
		return true
	}
	if (r == '.' || r == ',') && i-size > 0 && isDigit(text[i-size-1]) && isDigit(text[i]) {
		return true
	}
	return false
}

// gluedAfter: the rune at j is an ASCII letter or digit, or a decimal point
// or comma followed by a digit after a digit ("7.5", "7,500").
func gluedAfter(text string, j int) bool {
	r, _ := utf8.DecodeRuneInString(text[j:])
	if isASCIIAlnum(r) {
		return true
	}
	if (r == '.' || r == ',') && j+1 < len(text) && isDigit(text[j+1]) && j > 0 && isDigit(text[j-1]) {
		return true
	}
	return false
}
