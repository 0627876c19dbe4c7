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
		{"hashes percent", "Both win: 12%.\n#### 12%", "12", 12},
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
	for _, s := range []string{"#### 42", `\boxed{\frac{1}{2}}`, "Answer: -$1,234.50", "答案：４２", "17-3", "3/0", ".5.5", "1,2345", "####", `\boxed{`, "-", "$-", "9999999999999999999999999999999999999"} {
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
	})
}
