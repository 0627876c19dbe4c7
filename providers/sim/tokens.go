package sim

import (
	"strings"
	"unicode"
)

// isCJK reports whether r is a character that tokenizers treat as (about)
// one token: Han ideographs, kana and Hangul.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// pieces splits text into the simulated tokens it is streamed as: each CJK
// character is a piece, and so is each run of other non-space characters;
// whitespace sticks to the piece before it (leading whitespace to the
// first). Concatenating the pieces gives text back.
func pieces(text string) []string {
	var out []string
	start := 0     // start of the current piece
	inRun := false // inside a run of non-space, non-CJK characters
	seen := false  // the current piece holds a token (not only whitespace)
	for i, r := range text {
		switch {
		case unicode.IsSpace(r):
			inRun = false
		case isCJK(r):
			if seen {
				out = append(out, text[start:i])
				start = i
			}
			seen, inRun = true, false
		default:
			if !inRun && seen {
				out = append(out, text[start:i])
				start = i
			}
			seen, inRun = true, true
		}
	}
	if start < len(text) {
		if !seen && len(out) > 0 {
			out[len(out)-1] += text[start:] // trailing whitespace only
		} else {
			out = append(out, text[start:])
		}
	}
	return out
}

// countTokens is the simulator's token count: the number of pieces. Real
// tokenizers differ (English words are often one to two tokens, Chinese
// characters one to two); this keeps usage plausible, deterministic and
// cheap.
func countTokens(text string) int {
	if strings.TrimSpace(text) == "" {
		return 0
	}
	return len(pieces(text))
}

// imageTokens is the usage charged per image (OpenAI's low-detail cost).
const imageTokens = 85
