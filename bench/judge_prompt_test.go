package bench

import (
	"strings"
	"testing"
)

func TestParseScore(t *testing.T) {
	tests := []struct {
		name   string
		output string
		want   int // 0: no score
	}{
		{"plain", "Good answer.\nScore: 7", 7},
		{"trailing newline and space", "Reasons.\nScore: 10  \n\n", 10},
		{"markdown bold", "Reasons.\n**Score:** 8", 8},
		{"markdown heading", "## Score: 6", 6},
		{"bold value", "Score: **4**", 4},
		{"out of ten", "Score: 9/10", 9},
		{"out of ten words", "Final score: 3 out of 10", 3},
		{"bracketed", "Score: [5]", 5},
		{"lower case", "score: 2", 2},
		{"chinese 评分", "回答正确。\n评分：9", 9},
		{"chinese 分数 full-width digit", "分数：７", 7},
		{"chinese with 分", "评分：8分", 8},
		{"last line wins", "Score: 3 would be too harsh.\nScore: 6", 6},
		{"label quoted earlier, final line later", "The format is Score: N.\nI give:\nScore: 5", 5},
		{"no score line", "I like this answer.", 0},
		{"zero", "Score: 0", 0},
		{"eleven", "Score: 11", 0},
		{"decimal", "Score: 7.5", 0},
		{"words after", "Score: 7 because it is right", 0},
		{"placeholder", "Score: N", 0},
		{"negative", "Score: -3", 0},
		{"last labelled line is invalid", "Score: 7\nScore: high", 0},
		{"empty", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseScore(tt.output)
			if tt.want == 0 {
				if err == nil {
					t.Errorf("ParseScore(%q) = %d, want no score", tt.output, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseScore(%q) = %d, %v; want %d", tt.output, got, err, tt.want)
			}
		})
	}
}

func TestParseVerdict(t *testing.T) {
	tests := []struct {
		name   string
		output string
		want   string // "": no verdict
	}{
		{"A", "A explains better.\nVerdict: A", "A"},
		{"B", "Verdict: B", "B"},
		{"tie", "Verdict: tie", "tie"},
		{"Tie capitalised", "Verdict: Tie.", "tie"},
		{"lower-case letter", "verdict: b", "B"},
		{"double brackets", "Verdict: [[A]]", "A"},
		{"answer word", "Final verdict: Answer B", "B"},
		{"markdown", "**Verdict:** A", "A"},
		{"chinese", "判定：B", "B"},
		{"chinese tie", "结论：平局", "tie"},
		{"full-width letter", "Verdict：Ａ", "A"},
		{"last line wins", "Verdict: A seemed likely.\nVerdict: B", "B"},
		{"no verdict", "Both are fine.", ""},
		{"both", "Verdict: A and B", ""},
		{"explanation after", "Verdict: A because it is right", ""},
		{"placeholder", "Verdict: A|B|tie", ""},
		{"C", "Verdict: C", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseVerdict(tt.output)
			if tt.want == "" {
				if err == nil {
					t.Errorf("ParseVerdict(%q) = %q, want no verdict", tt.output, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseVerdict(%q) = %q, %v; want %q", tt.output, got, err, tt.want)
			}
		})
	}
}

// TestJudgePromptsAskForWhatTheParsersRead: the instruction's example line
// is what the parser reads (with N filled in).
func TestJudgePromptsAskForWhatTheParsersRead(t *testing.T) {
	q := judgeQuestion{Prompt: "What is 2+2?", References: []string{"4", "four"}, Rubric: "right sum"}
	rp := rubricPrompt(q, "Answer: 4")
	if !strings.HasSuffix(rp, "Score: N\n") || !strings.Contains(rp, "- four\n") || !strings.Contains(rp, "[Rubric]\nright sum\n") {
		t.Errorf("rubric prompt:\n%s", rp)
	}
	if n, err := ParseScore(strings.Replace(rp, "Score: N", "Score: 4", 1)); err != nil || n != 4 {
		t.Errorf("the rubric prompt's own format parses as %d, %v", n, err)
	}
	pp := pairwisePrompt(judgeQuestion{Prompt: "Q?"}, "first", "second")
	if !strings.Contains(pp, "[Answer A]\nfirst\n[End of answer A]") || !strings.Contains(pp, "[Answer B]\nsecond\n") ||
		!strings.Contains(pp, "(none given)") || strings.Contains(pp, "[Guidance]") {
		t.Errorf("pairwise prompt:\n%s", pp)
	}
	for _, v := range []string{"A", "B", "tie"} {
		if got, err := ParseVerdict("Verdict: " + v); err != nil || got != v {
			t.Errorf("the pairwise prompt's form Verdict: %s parses as %q, %v", v, got, err)
		}
	}
}

// FuzzParseScore: never panics, a score is always in range, and a valid
// final line always wins over whatever came before.
func FuzzParseScore(f *testing.F) {
	for _, s := range []string{"Score: 7", "**Score:** 10", "评分：９", "Score: 11", "Score: N", "", "Score:\n", "Score: [[3]]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseScore(s)
		if err == nil && (n < ScoreMin || n > ScoreMax) {
			t.Fatalf("ParseScore(%q) = %d, outside %d–%d", s, n, ScoreMin, ScoreMax)
		}
		if err != nil && n != 0 {
			t.Fatalf("ParseScore(%q) = %d with error %v", s, n, err)
		}
		if got, err := ParseScore(s + "\nScore: 4"); err != nil || got != 4 {
			t.Fatalf("ParseScore(%q + final Score: 4) = %d, %v", s, got, err)
		}
	})
}

// FuzzParseVerdict: never panics, a verdict is A, B or tie, and a valid
// final line always wins.
func FuzzParseVerdict(f *testing.F) {
	for _, s := range []string{"Verdict: A", "Verdict: [[B]]", "判定：平局", "Verdict: C", "", "verdict:", "Verdict: tie."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVerdict(s)
		if err == nil && v != "A" && v != "B" && v != "tie" {
			t.Fatalf("ParseVerdict(%q) = %q", s, v)
		}
		if got, err := ParseVerdict(s + "\nVerdict: tie"); err != nil || got != "tie" {
			t.Fatalf("ParseVerdict(%q + final Verdict: tie) = %q, %v", s, got, err)
		}
	})
}
