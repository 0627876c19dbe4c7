package sim

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPieces(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"empty", "", nil},
		{"only spaces", "  \n", []string{"  \n"}},
		{"english", "The answer is 42.", []string{"The ", "answer ", "is ", "42."}},
		{"leading space joins the first piece", "  hi there", []string{"  hi ", "there"}},
		{"newlines stick to the word before", "step one\nAnswer: 7", []string{"step ", "one\n", "Answer: ", "7"}},
		{"chinese characters one each", "答案是 42。", []string{"答", "案", "是 ", "42。"}},
		{"mixed", "总之，GDP 增长3%", []string{"总", "之", "，GDP ", "增", "长", "3%"}},
		{"kana and hangul", "こんにちは 안녕", []string{"こ", "ん", "に", "ち", "は ", "안", "녕"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pieces(tt.text)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("pieces(%q) (-want +got):\n%s", tt.text, diff)
			}
			if strings.Join(got, "") != tt.text {
				t.Errorf("pieces do not join back to the text")
			}
		})
	}
}

func TestCountTokens(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 0},
		{" \t\n", 0},
		{"The answer is 42.", 4},
		{"答案是 42。", 4},
		{"one-word", 1},
	}
	for _, tt := range tests {
		if got := countTokens(tt.text); got != tt.want {
			t.Errorf("countTokens(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func FuzzPieces(f *testing.F) {
	f.Add("The answer is 42.")
	f.Add("答案是 42。\n总之，GDP 增长3%")
	f.Add("  \x00\xff 안녕 ")
	f.Fuzz(func(t *testing.T, text string) {
		ps := pieces(text)
		if strings.Join(ps, "") != text {
			t.Fatalf("pieces %q do not join back to %q", ps, text)
		}
		for i, p := range ps {
			if p == "" {
				t.Fatalf("piece %d is empty", i)
			}
		}
		if n := countTokens(text); n > len(ps) || (strings.TrimSpace(text) != "" && n == 0) {
			t.Fatalf("countTokens = %d with %d pieces", n, len(ps))
		}
	})
}
