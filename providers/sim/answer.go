package sim

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
)

// PromptKey identifies a prompt: the hex SHA-256 of the text of the last
// user message (text parts joined with "\n"). Options.Answers is keyed by it.
func PromptKey(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// hash mixes the seed and parts (each length-prefixed, so no two part lists
// collide) into 32 bytes.
func (s *Server) hash(parts ...string) [32]byte {
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	h.Write(buf[:binary.PutVarint(buf[:], s.seed)])
	for _, p := range parts {
		h.Write(buf[:binary.PutUvarint(buf[:], uint64(len(p)))])
		h.Write([]byte(p))
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// unit is a deterministic draw in [0, 1) for the parts.
func (s *Server) unit(parts ...string) float64 {
	h := s.hash(parts...)
	return float64(binary.BigEndian.Uint64(h[:8])>>11) / (1 << 53)
}

// rng is a deterministic generator for the parts.
func (s *Server) rng(parts ...string) *rand.Rand {
	h := s.hash(parts...)
	return rand.New(rand.NewPCG(binary.BigEndian.Uint64(h[:8]), binary.BigEndian.Uint64(h[8:16])))
}

// answer is model m's text for the prompt with key and text prompt.
func (s *Server) answer(m *Model, key, prompt string) string {
	zh := hasCJK(prompt)
	style := s.rng("style", m.Name, key)
	ref, ok := s.answers[key]
	if !ok {
		return genericAnswer(m.Name, zh, style)
	}
	ref = strings.TrimSpace(ref)
	if s.unit("right", m.Name, key) < m.Accuracy {
		return phrase(ref, zh, style)
	}
	return phrase(nearMiss(ref, s.rng("wrong", m.Name, key)), zh, style)
}

var numberRe = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// phrase wraps an answer in a short sentence in the prompt's language. A
// long answer (a summary) is given as it is, or with a short lead-in.
func phrase(ans string, zh bool, r *rand.Rand) string {
	switch {
	case numberRe.MatchString(ans):
		if zh {
			return fmt.Sprintf(pick(r,
				"答案是 %s。",
				"我们一步一步地计算：先整理题目中的数量关系，再求出结果。\n答案：%s",
				"仔细验算之后，结果没有问题。\n答案：%s"), ans)
		}
		return fmt.Sprintf(pick(r,
			"The answer is %s.",
			"Working through the problem step by step, the quantities combine to give the result.\nAnswer: %s",
			"Checking the arithmetic once more confirms it.\nAnswer: %s"), ans)
	case countTokens(ans) >= 8:
		if zh {
			return pick(r, "", "", "总之，") + ans
		}
		return pick(r, "", "", "In short: ") + ans
	case zh:
		return "答案是：" + ans
	default:
		return "The answer is: " + ans
	}
}

func pick(r *rand.Rand, options ...string) string { return options[r.IntN(len(options))] }

// nearMiss is a plausible wrong answer: another number for a numeric
// reference; for text, the reference with about half of its words (or CJK
// characters) dropped and neighbours swapped.
func nearMiss(ref string, r *rand.Rand) string {
	if numberRe.MatchString(ref) {
		return otherNumber(ref, r)
	}
	var toks []string
	sep := " "
	if hasCJK(ref) {
		sep = ""
		for _, p := range pieces(ref) {
			toks = append(toks, strings.TrimSpace(p))
		}
	} else {
		toks = strings.Fields(ref)
	}
	if len(toks) <= 1 {
		return scrambleWord(ref, r)
	}
	var kept []string
	for _, t := range toks {
		if r.Float64() >= 0.5 {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		kept = append(kept, toks[r.IntN(len(toks))])
	}
	for i := 0; i+1 < len(kept); i++ {
		if r.Float64() < 0.4 {
			kept[i], kept[i+1] = kept[i+1], kept[i]
			i++
		}
	}
	out := strings.Join(kept, sep)
	if out == ref || strings.TrimSpace(out) == "" {
		return scrambleWord(ref, r)
	}
	return out
}

// otherNumber moves a number by 1-9, or doubles it, keeping its decimal
// places and, for a non-negative number, its sign.
func otherNumber(ref string, r *rand.Rand) string {
	v, _ := strconv.ParseFloat(ref, 64)
	places := 0
	if i := strings.IndexByte(ref, '.'); i >= 0 {
		places = len(ref) - i - 1
	}
	d := float64(1 + r.IntN(9))
	var w float64
	switch r.IntN(4) {
	case 0, 1:
		w = v + d
	case 2:
		w = v - d
	default:
		w = v * 2
	}
	if v >= 0 && w < 0 {
		w = v + d
	}
	out := strconv.FormatFloat(w, 'f', places, 64)
	if parsed, _ := strconv.ParseFloat(out, 64); parsed == v || math.IsInf(w, 0) {
		out = strconv.FormatFloat(v+1, 'f', places, 64)
	}
	return out
}

// scrambleWord shuffles the characters of a one-word answer, or negates
// one that cannot be shuffled into something else.
func scrambleWord(ref string, r *rand.Rand) string {
	rs := []rune(ref)
	for range 4 {
		r.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		if string(rs) != ref {
			return string(rs)
		}
	}
	if hasCJK(ref) {
		return "不是" + ref
	}
	return "not " + ref
}

func hasCJK(s string) bool {
	for _, r := range s {
		if isCJK(r) {
			return true
		}
	}
	return false
}

var (
	fillerEN = []string{
		"The question can be approached by separating what is given from what is asked.",
		"A careful reading of the prompt suggests a short, direct reply is best.",
		"Each step follows from the previous one without extra assumptions.",
		"Further detail would need information the prompt does not give.",
		"In practice the result depends on the context in which it is used.",
	}
	fillerZH = []string{
		"这个问题可以先区分已知条件和所求内容。",
		"仔细阅读题目后，简短直接的回答最合适。",
		"每一步都由上一步推出，不需要额外的假设。",
		"更多细节需要题目中没有提供的信息。",
		"实际结果取决于具体的使用场景。",
	}
)

// genericAnswer is the reply to a prompt without a reference: it says it
// is simulated, then one to three neutral sentences.
func genericAnswer(model string, zh bool, r *rand.Rand) string {
	var b strings.Builder
	pool := fillerEN
	if zh {
		pool = fillerZH
		fmt.Fprintf(&b, "这是模拟模型 %s 的回答，模拟器没有这道题的参考答案。", model)
	} else {
		fmt.Fprintf(&b, "This is a simulated answer from %s; the simulator has no reference for this prompt.", model)
	}
	for _, i := range r.Perm(len(pool))[:1+r.IntN(3)] {
		if !zh {
			b.WriteByte(' ')
		}
		b.WriteString(pool[i])
	}
	return b.String()
}
