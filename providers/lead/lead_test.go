package lead

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/providers"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		name, text string
		n          int
		want       []string
	}{
		{"english", "The council voted on Tuesday. The bridge closes in May! Why? Nobody knows.", 2, []string{"The council voted on Tuesday.", "The bridge closes in May!"}},
		{"decimal is not an end", "Prices rose 2.5 percent in May. Then they fell.", 1, []string{"Prices rose 2.5 percent in May."}},
		{"quote stays with its sentence", `He said "it is safe." Work starts soon.`, 1, []string{`He said "it is safe."`}},
		{"chinese", "市议会周二投票决定关闭大桥。工程将持续六个月！居民表示支持。", 2, []string{"市议会周二投票决定关闭大桥。", "工程将持续六个月！"}},
		{"chinese quote", "他说：“桥很安全。”工程下月开始。", 1, []string{"他说：“桥很安全。”"}},
		{"fewer sentences than asked", "Only one sentence here", 3, []string{"Only one sentence here"}},
		{"ellipsis", "Wait... then go. Next.", 1, []string{"Wait... then go."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Sentences(tt.text, tt.n)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestComplete(t *testing.T) {
	p, _ := New(providers.Config{})
	doc := "第一句话。第二句话。"
	tests := []struct {
		model, doc, want string
		class            providers.Class
	}{
		{"lead", doc, "第一句话。", ""},
		{"lead-2", doc, "第一句话。 第二句话。", ""},
		{"lead-3c", doc, "第一句", ""},
		{"lead-0", doc, "", providers.BadRequest},
		{"gpt-4o", doc, "", providers.BadRequest},
		{"lead-1", "", "", providers.BadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			resp, err := p.Complete(context.Background(), &providers.Request{Model: tt.model, Document: tt.doc})
			if tt.class != "" {
				var pe *providers.Error
				if !errors.As(err, &pe) || pe.Class != tt.class {
					t.Fatalf("err = %v, want class %s", err, tt.class)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.Text != tt.want || resp.Model != tt.model {
				t.Errorf("got %q from %q", resp.Text, resp.Model)
			}
		})
	}
}

func FuzzSentences(f *testing.F) {
	for _, s := range []string{"A. B! C?", "一。二！三？", `"Q." x`, "...", "a.b.c", "”。」"} {
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, text string, n int) {
		if n < 0 || n > 50 {
			return
		}
		got := Sentences(text, n)
		if len(got) > n {
			t.Fatalf("%d sentences for n=%d", len(got), n)
		}
		for _, s := range got {
			if s == "" {
				t.Fatal("empty sentence")
			}
		}
	})
}
