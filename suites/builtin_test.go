package suites

import (
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestBuiltinNames(t *testing.T) {
	if diff := cmp.Diff([]string{"reasoning", "summarisation", "vision"}, BuiltinNames()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestBuiltinsLoad: every built-in suite loads, is half English and half
// Chinese, and renders every case into a prompt in the case's language.
func TestBuiltinsLoad(t *testing.T) {
	minCases := map[string]int{"reasoning": 40, "summarisation": 20, "vision": 20}
	for _, name := range BuiltinNames() {
		t.Run(name, func(t *testing.T) {
			s, err := Builtin(name)
			if err != nil {
				t.Fatal(err)
			}
			if s.Path != "builtin:"+name || !s.Builtin || s.Name != name || s.Description == "" {
				t.Errorf("Path %q Builtin %v Name %q Description %q", s.Path, s.Builtin, s.Name, s.Description)
			}
			if s.Len() < minCases[name] {
				t.Errorf("%d cases, want at least %d", s.Len(), minCases[name])
			}
			langs := map[string]int{}
			for c := range ptrs(casesOf(t, s)) {
				lang, _ := c.Fields["lang"].(string)
				langs[lang]++
				msgs, err := s.Messages(c)
				if err != nil {
					t.Fatalf("case %s: %v", c.ID, err)
				}
				text := msgs[len(msgs)-1].Text
				if zh := hasCJK(text); zh != (lang == "zh") {
					t.Errorf("case %s (lang %q): prompt has Chinese = %v:\n%s", c.ID, lang, zh, text)
				}
				if !strings.HasPrefix(c.ID, lang+"-") && !strings.Contains(c.ID, "-"+lang+"-") {
					t.Errorf("case id %s does not name its language %q", c.ID, lang)
				}
			}
			if langs["en"] != langs["zh"] || langs["en"]+langs["zh"] != s.Len() {
				t.Errorf("languages %v: want half en, half zh", langs)
			}
			again, err := Resolve(name, "/nonexistent")
			if err != nil || again.Hash != s.Hash {
				t.Errorf("Resolve(%q) = hash %v, %v; want %s", name, again, err, s.Hash)
			}
		})
	}
}

// TestReasoningAnswers recomputes every reasoning answer from the numbers
// in its question, written out again here as arithmetic.
func TestReasoningAnswers(t *testing.T) {
	computed := map[string]float64{
		"en-01": 14*12 - 139 - 25,
		"en-02": 3 * (18*5 + 30*2),
		"en-03": 9*24/6 - 4,
		"en-04": 2 * (2*12.50 + 3*12.50/2),
		"en-05": (15+2)*(8+2) - 15*8,
		"en-06": 300 / (7 + (2*7 + 4)),
		"en-07": (240*3/4 - 60) / 6,
		"en-08": 3*13 + 2*3, // 3 packs + 2 singles; 2 packs + 7 = 47, 1 pack + 12 = 49, 17 singles = 51
		"en-09": 2.5 + 27.0/18,
		"en-10": 32 - 32*3/8 - 32/4,
		"en-11": 20 / 4 * (3 + 4 + 5),
		"en-12": 15 + (340-100)*0.10,
		"en-13": 12 * 30 * 25 / 45,
		"en-14": 20 - (3*2.40 + 2*3.15),
		"en-15": (48 + 20) + (48*3 - 48*3/6),
		"en-16": -4 + 2*(10-6) - 3*(15-10),
		"en-17": 1250 - 1250*20/100 + 340,
		"en-18": (46.50 + 6) / 3,
		"en-19": 40 + 45 + 50 + 55 + 60 + 65 + 70,
		"en-20": 5 * (1200 - 1200*2/100) / 8,
		"zh-01": 36 + (2*36 - 5),
		"zh-02": 60*2.5 + 80*1.5,
		"zh-03": 8 * 24 / 2 / 4,
		"zh-04": 240*0.8 - 20,
		"zh-05": (56/2 + 4) / 2 * ((56/2 - 4) / 2),
		"zh-06": 50 - (3*7.5 + 2*6.8),
		"zh-07": (280 - 280/4) * (1 - 2.0/7),
		"zh-08": 360 / (15 - 9),
		"zh-09": (45-5)/2 + 3,
		"zh-10": 3600 / (3600/20 + 20),
		"zh-11": 8 * (12 + (12 + 7*3)) / 2,
		"zh-12": 4 * 12 / 2,
		"zh-13": 420.0 / (50 + 70),
		"zh-14": 350 + (350*3/5 + 20),
		"zh-15": 100/4 - 15,
		"zh-16": -6 + 11 - 9,
		"zh-17": (500 - 4*65) / 5,
		"zh-18": 25 - 2*(25-13.5),
		"zh-19": (36 - 3*8) / (3 - 1), // 36+x = 3(8+x)
		"zh-20": 50 * 40 * (23 - 20),
	}
	s, err := Builtin("reasoning")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != len(computed) {
		t.Errorf("%d cases, %d computed answers", s.Len(), len(computed))
	}
	for _, c := range casesOf(t, s) {
		want, ok := computed[c.ID]
		if !ok {
			t.Errorf("case %s has no recomputed answer", c.ID)
			continue
		}
		got, err := parseReferenceNumber(c.References[0])
		if err != nil || math.Abs(got.value-want) > 1e-9 {
			t.Errorf("case %s: reference %q, recomputed %v", c.ID, c.References[0], want)
		}
		// The scorer accepts a model that states the answer as asked.
		marker := "Answer: "
		if c.Fields["lang"] == "zh" {
			marker = "答案："
		}
		if sc := (numericScorer{}).Score("…\n"+marker+c.References[0], &c); sc.Value != 1 {
			t.Errorf("case %s: a correct final line scores %v", c.ID, sc.Value)
		}
	}
}

// TestSummarisationShape checks the passages' lengths and that every
// reference summary is one sentence that finds most of its own keywords.
func TestSummarisationShape(t *testing.T) {
	s, err := Builtin("summarisation")
	if err != nil {
		t.Fatal(err)
	}
	kw := keywordsScorer{}
	for _, c := range casesOf(t, s) {
		article := c.Fields["article"].(string)
		switch c.Fields["lang"] {
		case "en":
			if n := len(strings.Fields(article)); n < 120 || n > 250 {
				t.Errorf("case %s: %d words, want 120–250", c.ID, n)
			}
			if n := strings.Count(strings.TrimSuffix(c.References[0], "."), ". "); n != 0 || !strings.HasSuffix(c.References[0], ".") {
				t.Errorf("case %s: reference is not one sentence: %q", c.ID, c.References[0])
			}
		case "zh":
			if n := utf8.RuneCountInString(article); n < 200 || n > 400 {
				t.Errorf("case %s: %d characters, want 200–400", c.ID, n)
			}
			if strings.Count(c.References[0], "。") != 1 || !strings.HasSuffix(c.References[0], "。") {
				t.Errorf("case %s: reference is not one sentence: %q", c.ID, c.References[0])
			}
		}
		if sc := kw.Score(c.References[0], &c); sc.Value < 0.75 {
			t.Errorf("case %s: the reference finds only %v of its keywords", c.ID, sc.Value)
		}
		if sc := kw.Score(article, &c); sc.Value != 1 {
			t.Errorf("case %s: the article itself finds only %v of its keywords", c.ID, sc.Value)
		}
	}
}

func TestVisionImages(t *testing.T) {
	s, err := Builtin("vision")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range casesOf(t, s) {
		if len(c.Images) != 1 || c.Images[0].MIME != "image/png" {
			t.Errorf("case %s: images %v", c.ID, c.ImagePaths)
			continue
		}
		if n := len(c.Images[0].Data); n >= 30<<10 {
			t.Errorf("case %s: image is %d bytes, want < 30 KiB", c.ID, n)
		}
		cfg, _, err := image.DecodeConfig(strings.NewReader(string(c.Images[0].Data)))
		if err != nil || cfg.Width < 200 || cfg.Height < 150 {
			t.Errorf("case %s: image %v %dx%d", c.ID, err, cfg.Width, cfg.Height)
		}
	}
}

func TestResolvePaths(t *testing.T) {
	path := writeSuite(t, map[string]string{
		"suite.yaml": "name: local\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: [{id: a, q: x, reference: y}]\n",
	})
	dir := filepath.Dir(path)
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	tests := []struct {
		name, ref, baseDir, wantName, wantErr string
	}{
		{"built-in name", "vision", "/nowhere", "vision", ""},
		{"built-in prefix", "builtin:reasoning", "", "reasoning", ""},
		{"unknown built-in", "builtin:maths", "", "", `unknown built-in suite "maths"`},
		{"relative file", filepath.Join(base, "suite.yaml"), parent, "local", ""},
		{"relative folder", base, parent, "local", ""},
		{"absolute file", path, "/nowhere", "local", ""},
		{"missing", "nope.yaml", parent, "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Resolve(tt.ref, tt.baseDir)
			checkErr(t, err, tt.wantErr)
			if err == nil && s.Name != tt.wantName {
				t.Errorf("resolved %q, want %q", s.Name, tt.wantName)
			}
		})
	}
}

// TestBuiltinCopiedToFile: a built-in suite copied out of the binary
// loads from disk with the same hash (the path is not hashed).
func TestBuiltinCopiedToFile(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"suite.yaml", "cases.jsonl"} {
		data, err := builtinFS.ReadFile("builtin/summarisation/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fromFile, err := Load(filepath.Join(dir, "suite.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := Builtin("summarisation")
	if err != nil {
		t.Fatal(err)
	}
	if fromFile.Hash != builtin.Hash || fromFile.Builtin {
		t.Errorf("file copy: hash %s builtin %v; built-in hash %s", fromFile.Hash, fromFile.Builtin, builtin.Hash)
	}
}
