package sim

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestNearMissNumbers(t *testing.T) {
	for _, ref := range []string{"0", "1", "42", "-3", "12.5", "0.25", "1000000", "7.00"} {
		for i := range 50 {
			r := rand.New(rand.NewPCG(uint64(i), 9))
			got := nearMiss(ref, r)
			if !numberRe.MatchString(got) {
				t.Fatalf("nearMiss(%q) = %q, not a number", ref, got)
			}
			gv, _ := strconv.ParseFloat(got, 64)
			rv, _ := strconv.ParseFloat(ref, 64)
			if gv == rv {
				t.Errorf("nearMiss(%q) = %q, the same value", ref, got)
			}
			if rv >= 0 && gv < 0 {
				t.Errorf("nearMiss(%q) = %q turned a count negative", ref, got)
			}
			if places(got) != places(ref) {
				t.Errorf("nearMiss(%q) = %q changed the decimal places", ref, got)
			}
		}
	}
}

func places(s string) int {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

func TestNearMissText(t *testing.T) {
	refs := []string{
		"The council will close the footbridge for six months to replace its rusting supports.",
		"市议会决定关闭旧桥六个月，以更换生锈的钢支架。",
		"HELLO",
		"猫",
		"AA",
	}
	for _, ref := range refs {
		for i := range 50 {
			got := nearMiss(ref, rand.New(rand.NewPCG(uint64(i), 3)))
			if got == ref || strings.TrimSpace(got) == "" {
				t.Errorf("nearMiss(%q) = %q: want a different, non-empty text", ref, got)
			}
			if countTokens(ref) >= 8 && countTokens(got) > countTokens(ref) {
				t.Errorf("nearMiss(%q) = %q grew", ref, got)
			}
		}
	}
}

var lastNumber = regexp.MustCompile(`-?[0-9]+(\.[0-9]+)?`)

func TestPhrase(t *testing.T) {
	tests := []struct {
		ans      string
		zh       bool
		contains []string // any of
	}{
		{"42", false, []string{"The answer is 42.", "Answer: 42"}},
		{"42", true, []string{"答案是 42。", "答案：42"}},
		{"HELLO", false, []string{"The answer is: HELLO"}},
		{"你好", true, []string{"答案是：你好"}},
		{"The council will close the footbridge for six months.", false, []string{"The council will close the footbridge for six months."}},
	}
	for _, tt := range tests {
		for i := range 20 {
			got := phrase(tt.ans, tt.zh, rand.New(rand.NewPCG(uint64(i), 1)))
			ok := false
			for _, c := range tt.contains {
				ok = ok || strings.Contains(got, c)
			}
			if !ok {
				t.Errorf("phrase(%q, zh=%v) = %q, want one of %q", tt.ans, tt.zh, got, tt.contains)
			}
			if numberRe.MatchString(tt.ans) {
				nums := lastNumber.FindAllString(got, -1)
				if len(nums) == 0 || nums[len(nums)-1] != tt.ans {
					t.Errorf("phrase(%q) = %q: the last number is not the answer", tt.ans, got)
				}
			}
		}
	}
}

func TestGenericAnswerSaysSimulated(t *testing.T) {
	for i := range 10 {
		r := rand.New(rand.NewPCG(uint64(i), 2))
		if got := genericAnswer("glm-4-sim", false, r); !strings.Contains(got, "simulated") || !strings.Contains(got, "glm-4-sim") {
			t.Errorf("generic answer %q does not say it is simulated", got)
		}
		if got := genericAnswer("glm-4-sim", true, r); !strings.Contains(got, "模拟") || !strings.Contains(got, "glm-4-sim") {
			t.Errorf("generic answer %q does not say it is simulated", got)
		}
	}
}

func TestUnitDeterministicAndSpread(t *testing.T) {
	a, b := NewServer(Options{Seed: 1}), NewServer(Options{Seed: 2})
	if a.unit("x", "y") != NewServer(Options{Seed: 1}).unit("x", "y") {
		t.Errorf("unit is not deterministic")
	}
	if a.unit("x", "y") == b.unit("x", "y") {
		t.Errorf("the seed does not change unit")
	}
	if a.unit("ab", "c") == a.unit("a", "bc") {
		t.Errorf("parts are not separated")
	}
	// The mean of many draws is near 1/2 (sd of the mean ≈ 0.0065 for 2000).
	sum := 0.0
	for i := range 2000 {
		u := a.unit("spread", strconv.Itoa(i))
		if u < 0 || u >= 1 {
			t.Fatalf("unit = %v outside [0,1)", u)
		}
		sum += u
	}
	if mean := sum / 2000; mean < 0.47 || mean > 0.53 {
		t.Errorf("mean of 2000 draws = %.3f, want about 0.5", mean)
	}
}

func TestDefaultModels(t *testing.T) {
	ms := DefaultModels()
	names := map[string]bool{}
	for _, m := range ms {
		names[m.Name] = true
		if !strings.HasSuffix(m.Name, "-sim") || !strings.Contains(m.ReportedModel, "sim") {
			t.Errorf("model %q / %q does not say it is simulated", m.Name, m.ReportedModel)
		}
		if lo, hi := m.TTFT-m.TTFTJitter, m.TTFT+m.TTFTJitter; lo < 50e6 || hi > 400e6 {
			t.Errorf("%s: TTFT range [%v, %v] outside 50–400 ms", m.Name, lo, hi)
		}
		if m.TokensPerSec < 50 || m.TokensPerSec > 300 {
			t.Errorf("%s: %v tokens/s outside 50–300", m.Name, m.TokensPerSec)
		}
		for _, r := range []float64{m.RateLimitRate, m.ServerErrorRate, m.RefusalRate} {
			if r < 0 || r > 0.05 {
				t.Errorf("%s: error rate %v outside [0, 5%%]", m.Name, r)
			}
		}
	}
	for _, want := range []string{"gpt-4o-sim", "sensenova-5.5-sim", "ernie-4.0-sim", "glm-4-sim", "hunyuan-pro-sim"} {
		if !names[want] {
			t.Errorf("default models lack %s", want)
		}
	}
	if ms[0].Name != "gpt-4o-sim" || ms[0].Accuracy < 0.8 || ms[0].Accuracy > 0.9 {
		t.Errorf("the baseline gpt-4o-sim should come first with accuracy about 0.85, got %+v", ms[0])
	}
}
