package suites

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNumericExtract(t *testing.T) {
	tests := []struct {
		name   string
		output string
		want   string  // Extracted
		value  float64 // ignored when want is "[invalid]"
	}{
		{"hashes", "5 + 7 = 12\n#### 12", "12", 12},
		{"last hashes win", "#### 7\nWait, wins = 7 + 8 = 15.\n#### 15", "15", 15},
		{"hashes then check line", "#### 5\nCheck: 3 + 2 = 5, paid with a $10 bill", "5", 5},
		{"hashes with dollar and comma", "Total: $1,170.\n#### $1,170", "1,170", 1170},
		{"hashes trailing full stop", "#### 623.", "623", 623},
		{"hashes decimal zero", "#### 460.0", "460.0", 460},
		{"hashes no space", "####31", "31", 31},
		{"hashes percent", "Both win: 12%.\n#### 12%", "12%", 12},
		{"percent after a space", "Rabatt: 5 %", "5 %", 5},
		{"hashes units", "#### 55 liters", "55", 55},
		{"hashes negative", "#### -12", "-12", -12},
		{"hashes unicode minus", "#### −12", "-12", -12},
		{"full-width hashes", "＃＃＃＃ ４２", "42", 42},
		{"boxed", `so travel costs \boxed{1,000} dollars; 3 4`, "1,000", 1000},
		{"boxed fraction", `\boxed{\frac{3}{4}}`, "3/4", 0.75},
		{"boxed nested braces", `\boxed{\text{about } 12}`, "12", 12},
		{"boxed unterminated", `\boxed{42`, "42", 42},
		{"answer colon", "3 × 4 = 12\nAnswer: 12", "12", 12},
		{"answer bold dollar", "Cozy: $3,350.\n**Answer: $100**", "100", 100},
		{"answer is", "The answer is $8.", "8", 8},
		{"answer is letter then number", "The answer is (B) 8", "8", 8},
		{"final answer markdown", "**Final Answer**: 36 apples, from 6 bags", "36", 36},
		{"marker not prose", "To answer this, we compute 3 × 4 = 12.", "12", 12},
		{"last marker wins", "Answer: 3\nOn reflection, Answer: 4", "4", 4},
		{"chinese colon", "6 × 2 = 12美元；8 × 3 = 24美元。\n答案：36", "36", 36},
		{"chinese ascii colon", "答案: 36", "36", 36},
		{"chinese shi", "所以答案是18个。", "18", 18},
		{"chinese wei", "最终答案为 -4℃", "-4", -4},
		{"full-width digits", "她将是８岁。\n答案：８", "8", 8},
		{"full-width throughout", "有１６÷２＝８个，蓝色的有８÷２＝４个。\n答案：４", "4", 4},
		{"last number fallback", "Friday: 3 x 4 = 12 bananas. Total: 22.0", "22.0", 22},
		{"ellipsis", "so he spends 15 x $5.00 = 75...", "75", 75},
		{"subtraction is not a sign", "so she keeps 17-3", "3", 3},
		{"hyphenated word", "COVID-19", "19", 19},
		{"negative dollars", "The net change is -$12.", "-12", -12},
		{"dollar negative", "a balance of $-12", "-12", -12},
		{"negative after equals", "x =-5", "-5", -5},
		{"thousands", "He has 1,234,567 coins", "1,234,567", 1234567},
		{"comma list is not thousands", "pick 1,2,3", "3", 3},
		{"four digits after comma", "1,2345", "2345", 2345},
		{"leading dot", "p = .5", ".5", 0.5},
		{"fraction", "Each gets 3/4 of a pie", "3/4", 0.75},
		{"fraction zero denominator", "ratio 3/0", "0", 0},
		{"yen", "共计¥1,280元", "1,280", 1280},
		{"version-like", "v1.2.3", "3", 3},
		{"clock", "40 x 3 = 120 minutes, which is 2:00 hours.", "2:00", 2},
		{"clock half past", "It takes 1:30", "1:30", 1.5},
		{"h:mm:ss is no clock", "at 10:30:45", "45", 45},
		{"ratio is no clock", "in the ratio 3:4", "4", 4},
		{"minutes past 59 are no clock", "score 2:75", "75", 75},
		{"space thousands after hashes", "5 x 14 400 = 72 000 jellyfish.\n#### 72 000", "72 000", 72000},
		{"space thousands after a marker", "Answer: 1 234 567 grains", "1 234 567", 1234567},
		{"plain space groups only in an answer", "5 x 14 400 = 72 000 jellyfish", "000", 0},
		{"narrow no-break space anywhere", "that makes 72\u202f000 jellyfish", "72\u202f000", 72000},
		{"space group not before a hyphen", "Answer: 2 100-metre laps", "2", 2},
		{"decimal comma", "Rabatt: 5 % von 140 $ = 7 $. Zu zahlen: 133,00 $", "133,00", 133},
		{"decimal comma one digit", "Each gets 2,5 litres.\n#### 2,5", "2,5", 2.5},
		{"european thousands and decimals", "Summe: 1.234,56 €", "1.234,56", 1234.56},
		{"european digits then list", "1.234,5,6", "6", 6},
		{"cut at end of sequence", "so $240 x 30 = $7,200.</s>\nUser: and July? $7,440", "7,200", 7200},
		{"cut at im_end", "#### 5600<|im_end|>\n<|im_start|>user\nAnd 900? #### 900", "5600", 5600},
		{"cut at an invented next question", "#### 1210\n\nQuestion: A farmer has 12 cows and buys 5.\nAnswer: 12 + 5 = 17\n#### 17", "1210", 1210},
		{"question restated before the answer", "Question: 2 + 2 = ?\n#### 4", "4", 4},
		{"question mid-line is no cut", "#### 3\nThe next Question: 5", "3", 3},
		{"chinese answer should be", "所以答案应该是18。", "18", 18},
		{"explanation after answer", "so the mean is 70, computed as 630/9", "630/9", 70},
		{"nothing", "I cannot solve this.", invalidAnswer, 0},
		{"empty", "", invalidAnswer, 0},
		{"dots only", "Let me think....", invalidAnswer, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok := extractNumber(tt.output)
			got := n.text
			if !ok {
				got = invalidAnswer
			}
			if got != tt.want {
				t.Fatalf("extracted %q, want %q", got, tt.want)
			}
			if ok && !numbersEqual(n.value, tt.value) {
				t.Errorf("value %v, want %v", n.value, tt.value)
			}
		})
	}
}

func TestNumericScore(t *testing.T) {
	tests := []struct {
		name   string
		output string
		refs   []string
		want   Score
	}{
		{"integer equals decimal", "Answer: 42.0", []string{"42"},
			Score{Value: 1, Extracted: "42.0"}},
		{"decimal reference", "Answer: 17.5", []string{"17.50"},
			Score{Value: 1, Extracted: "17.5"}},
		{"comma reference", "#### 6250", []string{"6,250"},
			Score{Value: 1, Extracted: "6250"}},
		{"currency reference", "答案：１３.５", []string{"$13.50"},
			Score{Value: 1, Extracted: "13.5"}},
		{"fraction vs decimal", "Answer: 3/4", []string{"0.75"},
			Score{Value: 1, Extracted: "3/4"}},
		{"wrong sign", "#### -1", []string{"1"},
			Score{Value: 0, Extracted: "-1"}},
		{"second reference", "Answer: 8", []string{"7", "8"},
			Score{Value: 1, Extracted: "8"}},
		{"close but wrong", "Answer: 0.3334", []string{"1/3"},
			Score{Value: 0, Extracted: "0.3334"}},
		{"tolerance", "Answer: 0.1", []string{"0.1000000000001"},
			Score{Value: 1, Extracted: "0.1"}},
		{"percent and the same number", "#### 12%", []string{"12"},
			Score{Value: 1, Extracted: "12%"}},
		{"percent and a fraction", "Answer: 12%", []string{"0.12"},
			Score{Value: 1, Extracted: "12%"}},
		{"fraction and a percent reference", "Answer: 0.12", []string{"12%"},
			Score{Value: 1, Extracted: "0.12"}},
		{"two different percentages", "Answer: 12%", []string{"0.12%"},
			Score{Value: 0, Extracted: "12%"}},
		{"number is not its hundredth", "Answer: 12", []string{"0.12"},
			Score{Value: 0, Extracted: "12"}},
		{"space-grouped reference", "#### 72000", []string{"72 000"},
			Score{Value: 1, Extracted: "72000"}},
		{"clock against hours", "which is 2:00 hours", []string{"2"},
			Score{Value: 1, Extracted: "2:00"}},
		{"invalid", "no idea", []string{"5"},
			Score{Value: 0, Extracted: invalidAnswer}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := numericScorer{}.Score(tt.output, &Case{References: tt.refs})
			tt.want.Scorer, tt.want.Binary, tt.want.Version = "numeric", true, numericVersion
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNumericCheckCase(t *testing.T) {
	tests := []struct {
		name    string
		refs    []string
		wantErr string
	}{
		{"number", []string{"42"}, ""},
		{"money", []string{"$1,234.50"}, ""},
		{"none", nil, "no reference"},
		{"words", []string{"forty-two"}, "is not a number"},
		{"two numbers", []string{"3 or 4"}, "holds 2 numbers"},
		{"space-grouped", []string{"72 000"}, ""},
		{"percent", []string{"12%"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, numericScorer{}.CheckCase(&Case{References: tt.refs}), tt.wantErr)
		})
	}
}

// FuzzNumericExtract: extraction never panics; what it reports is a number
// that reads back as itself, found in the folded output.
func FuzzNumericExtract(f *testing.F) {
	for _, s := range []string{"#### 42", `\boxed{\frac{1}{2}}`, "Answer: -$1,234.50", "答案：４２", "17-3", "3/0", ".5.5", "1,2345", "####", `\boxed{`, "-", "$-", "9999999999999999999999999999999999999",
		"#### 72 000", "2:00", "10:30:45", "133,00 $", "1.234,56", "1,2,3", "5 %", "#### 1</s>#### 2", "#### 1\nQuestion: x\n#### 2", "１\u202f０００"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, out string) {
		n, ok := extractNumber(out)
		if !ok {
			return
		}
		folded := foldDigits(out)
		digits := strings.TrimPrefix(n.text, "-")
		if !strings.Contains(out, `\boxed{`) && !strings.Contains(folded, digits) {
			t.Fatalf("extracted %q is not in the folded output %q", n.text, folded)
		}
		again, err := parseReferenceNumber(n.text)
		if err != nil {
			t.Fatalf("extracted %q does not parse as a reference: %v", n.text, err)
		}
		if again.value != n.value && !(again.value != again.value && n.value != n.value) {
			t.Fatalf("extracted %q has value %v but reads back as %v", n.text, n.value, again.value)
		}
		if again.percent != n.percent {
			t.Fatalf("extracted %q is a percentage: %v, but reads back as %v", n.text, n.percent, again.percent)
		}
	})
}

// numericVerdicts is a person's judgement of every output in
// gsm8k_extract.json: is the stated final answer the gold answer? The
// numeric scorer must agree with every one of them.
var numericVerdicts = map[string]bool{
	"q049-canonical_hashes":                   true,
	"q142-thousands_comma_in_output":          true,
	"q121-reference_has_comma_output_plain":   true,
	"q156-reference_has_comma_output_comma":   true,
	"q118-dollar_after_hashes":                true,
	"q123-dollars_and_cents_no_hashes":        true,
	"q016-trailing_period_after_hashes":       true,
	"q000-decimal_point_zero_after_hashes":    true,
	"q158-decimal_point_zero_no_hashes":       true,
	"q005-ellipsis_no_hashes":                 true,
	"q031-ellipsis_after_hashes_separated":    true,
	"q065-negative_answer_wrong_sign":         false, // -1, the gold is 1
	"q063-subtraction_without_spaces_at_end":  false, // ends at "17-3", never evaluated
	"q017-two_hash_answers_first_wrong":       true,  // the final "#### 15" corrects the first
	"q040-units_after_hashes":                 true,
	"q069-chinese_answer_label":               true,
	"q093-chinese_fullwidth_digit_answer":     true,
	"q052-all_fullwidth_digits":               true,
	"q166-answer_is_sentence":                 true,
	"q137-answer_is_with_dollar":              true,
	"q171-percent_after_hashes":               true,
	"q062-clock_format_at_end":                true, // "2:00 hours" is 2 hours
	"q034-continues_with_next_question":       true, // 1210; the invented next question is not the answer
	"q128-im_end_then_chat":                   true,
	"q186-eos_then_more_text":                 true,
	"q150-latex_boxed_with_comma":             true,
	"q064-markdown_bold_dollar":               true,
	"q106-check_line_after_hashes":            true,
	"q131-double_space_after_hashes":          true,
	"q164-space_thousands_separator":          true, // "72 000" is 72000
	"q108-european_decimal_comma":             true, // "133,00 $" is 133
	"q178-hashes_without_space":               true,
	"q182-explanation_after_answer":           true, // "the mean is 70, computed as 630/9"
	"q180-markdown_heading_three_hashes":      true,
	"q013-no_answer_refusal":                  false,
	"q191-no_answer_restates_question_number": false,
	"q008-dollar_and_slash_unit_after_hashes": true,
	"edge-negative_gold":                      true,
	"edge-negative_dollar_no_hashes":          true,
	"edge-unicode_minus_sign":                 true, // "−12" with U+2212 is -12
	"edge-dots_only":                          false,
	"edge-starts_with_question_stop":          true, // restates the question, then "#### 4"
	"edge-whitespace_only":                    false,
	"edge-trailing_zero_decimal_gold":         true, // 0.50 = 0.5
	"edge-comma_as_decimal_separator":         true, // "2,5" is 2.5
	"edge-answer_is_at_end_of_text":           true,
	"edge-answer_is_then_exclamation":         true,
	"edge-answer_is_multiple_choice_letter":   true,
	"edge-lowercase_question_not_a_stop":      true,
}

// TestNumericOnGSM8KOracle: on every output of gsm8k_extract.json the
// numeric scorer gives the verdict a person gives (numericVerdicts),
// against the gold answer and against the whole GSM8K answer field's gold.
func TestNumericOnGSM8KOracle(t *testing.T) {
	f := loadGSM8KOracle(t)
	if len(f.Cases) != len(numericVerdicts) {
		t.Errorf("%d oracle cases, %d verdicts", len(f.Cases), len(numericVerdicts))
	}
	for _, c := range f.Cases {
		t.Run(c.ID, func(t *testing.T) {
			right, ok := numericVerdicts[c.ID]
			if !ok {
				t.Fatalf("no verdict for %s", c.ID)
			}
			got := numericScorer{}.Score(c.Output, &Case{References: []string{c.Gold}})
			if (got.Value == 1) != right {
				t.Errorf("numeric scored %v (extracted %q), a person says right = %v; output %q, gold %q", got.Value, got.Extracted, right, c.Output, c.Gold)
			}
		})
	}
}

// TestNumericRightWhereLMEvalIsWrong lists the outputs whose answer is
// right but which both of lm-eval's GSM8K filters score wrong, each with
// the quirk responsible, and shows the numeric scorer right on each (the
// list is checked to be complete against the oracle file).
func TestNumericRightWhereLMEvalIsWrong(t *testing.T) {
	quirks := map[string]string{
		"q123-dollars_and_cents_no_hashes":     `no "####"; flexible reads "$1,260.00", and ".00" is not removed`,
		"q000-decimal_point_zero_after_hashes": `"460.0" is not "460"`,
		"q158-decimal_point_zero_no_hashes":    `"22.0" is not "22"`,
		"q005-ellipsis_no_hashes":              `flexible reads "75...", only one final "." is removed`,
		"q093-chinese_fullwidth_digit_answer":  `[0-9] does not match full-width "８"; flexible takes the last ASCII "4"`,
		"q052-all_fullwidth_digits":            `no ASCII digit at all`,
		"q062-clock_format_at_end":             `flexible reads "00" from "2:00"`,
		"q164-space_thousands_separator":       `strict reads "72", flexible "000"`,
		"q108-european_decimal_comma":          `"133,00" normalises to "13300"`,
		"q182-explanation_after_answer":        `flexible takes the last number, the divisor 9`,
		"edge-unicode_minus_sign":              `"−" (U+2212) is not "-"; strict finds nothing, flexible reads "12"`,
		"edge-starts_with_question_stop":       `the "Question:" stop string cuts everything`,
		"edge-trailing_zero_decimal_gold":      `"0.50" is not "0.5"`,
		"edge-comma_as_decimal_separator":      `"2,5" normalises to "25"`,
	}
	f := loadGSM8KOracle(t)
	for _, c := range f.Cases {
		lmEvalWrong := !c.Strict.ExactMatch && !c.Flexible.ExactMatch
		quirk, listed := quirks[c.ID]
		if numericVerdicts[c.ID] && lmEvalWrong != listed {
			t.Errorf("%s: right answer, lm-eval wrong = %v, listed = %v", c.ID, lmEvalWrong, listed)
		}
		if !listed {
			continue
		}
		t.Run(c.ID, func(t *testing.T) {
			if !lmEvalWrong {
				t.Fatalf("lm-eval scores this right (strict %q, flexible %q)", c.Strict.Extracted, c.Flexible.Extracted)
			}
			got := numericScorer{}.Score(c.Output, &Case{References: []string{c.Gold}})
			if got.Value != 1 {
				t.Errorf("numeric read %q and scored 0 against %q; lm-eval's quirk: %s", got.Extracted, c.Gold, quirk)
			}
		})
	}
}
