package metrics

import (
	"strings"
	"testing"
)

func TestExtractChoice(t *testing.T) {
	tests := []struct {
		name   string
		output string
		n      int
		want   string
	}{
		// Tier 1: answer markers.
		{"answer is bracketed", "The answer is (A).", 4, "A"},
		{"answer colon lower-case", "Answer: d", 4, "D"},
		{"chinese answer is", "答案是B", 4, "B"},
		{"chinese correct answer colon", "正确答案：B", 4, "B"},
		{"chinese answer should be", "分析如下……所以答案应该是C。", 4, "C"},
		{"chinese choose", "综上，故选D", 4, "D"},
		{"full-width letter and colon", "答案：Ｃ", 4, "C"},
		{"markdown final answer", "Reasoning...\n**Final answer:** C", 4, "C"},
		{"answer is option", "So the correct answer is option (B) Paris.", 4, "B"},
		{"answer would be", "I think the answer would be D because of the heat.", 4, "D"},
		{"last marker wins", "The answer is A. Wait, no: the answer is B.", 4, "B"},
		{"marker beats a later option", "The answer is C, because option D ignores friction.", 4, "C"},
		{"marker beats bare line", "A\nB\nThe answer is (C)", 4, "C"},
		{"article before marker", "A cat is on the mat, so the answer is B.", 4, "B"},
		{"article after marker", "Answer: B. A cat is a mammal.", 4, "B"},
		{"marker then article word falls through", "The answer is a cat, i.e. (C).", 4, "C"},
		{"marker letter out of range falls through", "The answer is Paris, option (B).", 4, "B"},
		{"fifth option", "Answer: E", 5, "E"},
		{"fifth option beyond four", "Answer: E", 4, ""},
		// Tier 2: option words.
		{"option C", "Option C is correct.", 4, "C"},
		{"chinese option", "我认为选项C正确。", 4, "C"},
		{"choose", "I'd choose B here.", 4, "B"},
		// Tier 3 and 4: lines.
		{"bare line", "Let me think.\nB", 4, "B"},
		{"bare bracketed line", "Hmm.\n(C)\n", 4, "C"},
		{"bare bold line", "**D**", 4, "D"},
		{"bare lower-case line", "b)", 4, "B"},
		{"option line", "B. Paris", 4, "B"},
		{"option line bracketed", "(C) 42 apples", 4, "C"},
		{"bare line beats option lines", "A. London\nC\nB. Paris is wrong", 4, "C"},
		// Tier 5: standalone letters.
		{"last standalone", "A and B are wrong; C fits.", 4, "C"},
		{"standalone after chinese", "我认为是B", 4, "B"},
		{"article is not a choice", "A cat sits on a mat.", 4, ""},
		{"article skipped for earlier letter", "C. A cat sits on a mat.", 4, "C"},
		{"A is", "A is correct.", 4, "A"},
		{"abbreviation", "Made in the U.S.A. today", 4, ""},
		{"letter in word or code", "Vitamin B12 and an A4 sheet", 4, ""},
		{"possessive", "B's mass is larger", 4, ""},
		{"pronoun I", "I think so.", 9, ""},
		{"nothing", "I don't know.", 4, ""},
		{"empty", "", 4, ""},
		{"n clamped low", "Answer: B", 0, "B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExtractChoice(tt.output, tt.n); got != tt.want {
				t.Errorf("ExtractChoice(%q, %d) = %q, want %q", tt.output, tt.n, got, tt.want)
			}
		})
	}
}

// FuzzChoice: extraction never panics; what it returns is an option
// letter within range that the output holds (in either case, perhaps
// full-width); a letter alone is read as itself.
func FuzzChoice(f *testing.F) {
	for _, s := range []string{"The answer is (A).", "答案是B", "Answer: d", "B. Paris", "A cat is here", "选项Ｃ", "U.S.A.", "answer is", "(", "选"} {
		f.Add(s, 4)
	}
	f.Fuzz(func(t *testing.T, out string, n int) {
		got := ExtractChoice(out, n)
		if got == "" {
			return
		}
		limit := max(2, min(n, 26))
		if len(got) != 1 || got[0] < 'A' || int(got[0]-'A') >= limit {
			t.Fatalf("ExtractChoice(%q, %d) = %q: not one of the first %d letters", out, n, got, limit)
		}
		folded := strings.ToUpper(choiceFold(out))
		if !strings.Contains(folded, got) {
			t.Fatalf("ExtractChoice(%q, %d) = %q, which the output does not hold", out, n, got)
		}
		if again := ExtractChoice(got, n); again != got {
			t.Fatalf("ExtractChoice(%q) = %q", got, again)
		}
	})
}
