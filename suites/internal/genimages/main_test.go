package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// committed is the vision suite's folder in this repository.
const committed = "../../builtin/vision"

// TestCommittedFilesMatchGenerator re-runs the generator into a temporary
// folder and compares with the committed cases.jsonl and images, so they
// never drift from the code that defines them. Images compare by bytes,
// or failing that by pixels (a PNG encoder change alone is not drift).
func TestCommittedFilesMatchGenerator(t *testing.T) {
	tmp := t.TempDir()
	if err := generate(tmp); err != nil {
		t.Fatal(err)
	}
	compare := func(name string) {
		want, err := os.ReadFile(filepath.Join(tmp, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(committed, name))
		if err != nil {
			t.Errorf("%s: %v (run go generate ./suites)", name, err)
			return
		}
		if bytes.Equal(want, got) {
			return
		}
		if filepath.Ext(name) == ".png" && samePixels(t, want, got) {
			t.Logf("%s: bytes differ but pixels match", name)
			return
		}
		t.Errorf("%s differs from the generator's output: run go generate ./suites", name)
	}
	compare("cases.jsonl")
	generated := pngNames(t, filepath.Join(tmp, "images"))
	for _, name := range generated {
		compare(filepath.Join("images", name))
		fi, err := os.Stat(filepath.Join(committed, "images", name))
		if err == nil && fi.Size() >= 30<<10 {
			t.Errorf("%s is %d bytes, want < 30 KiB", name, fi.Size())
		}
	}
	if got := pngNames(t, filepath.Join(committed, "images")); !slices.Equal(got, generated) {
		t.Errorf("committed images %v, generator writes %v", got, generated)
	}
	if len(generated) < 20 {
		t.Errorf("only %d images, want at least 20", len(generated))
	}
}

func pngNames(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	slices.Sort(names)
	return names
}

func samePixels(t *testing.T, a, b []byte) bool {
	t.Helper()
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return false
	}
	if ia.Bounds() != ib.Bounds() {
		return false
	}
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if !sameColor(ia, ib, x, y) {
				return false
			}
		}
	}
	return true
}

func sameColor(a, b image.Image, x, y int) bool {
	r1, g1, b1, a1 := a.At(x, y).RGBA()
	r2, g2, b2, a2 := b.At(x, y).RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// TestReferencesMatchDrawings checks the answers computed from the drawing
// definitions against hand counts of what each picture holds.
func TestReferencesMatchDrawings(t *testing.T) {
	want := map[string]string{
		"shapes-en-1": "5", "shapes-en-2": "6", "shapes-en-3": "10", "shapes-en-4": "11",
		"shapes-zh-1": "7", "shapes-zh-2": "10", "shapes-zh-3": "5", "shapes-zh-4": "8",
		"chart-en-1": "25", "chart-en-2": "35", "chart-en-3": "100",
		"chart-zh-1": "39", "chart-zh-2": "65", "chart-zh-3": "160",
		"card-en-1": "214", "card-en-2": "13.50", "card-en-3": "6",
		"card-zh-1": "507", "card-zh-2": "67.00", "card-zh-3": "143",
		"digits-en-1": "22", "digits-zh-1": "18",
	}
	cs := cases()
	if len(cs) != len(want) {
		t.Errorf("%d cases, %d expected answers", len(cs), len(want))
	}
	langs := map[string]int{}
	for _, c := range cs {
		langs[c.Lang]++
		if c.Reference != want[c.ID] {
			t.Errorf("%s: reference %q, want %q", c.ID, c.Reference, want[c.ID])
		}
	}
	if langs["en"] != langs["zh"] {
		t.Errorf("languages %v, want half and half", langs)
	}
}

// TestShapesDoNotOverlap: each shape has its own cell, so counting is
// well defined: in every shape picture the separate blobs of each colour
// number exactly the shapes of that colour drawn.
func TestShapesDoNotOverlap(t *testing.T) {
	crowded := drawShapes(99, []group{{"circle", red, 20}, {"square", red, 14}, {"triangle", red, 14}})
	if got := blobs(crowded, red); got != 48 {
		t.Errorf("crowded picture: %d separate shapes, drew 48", got)
	}
	n := 0
	for _, c := range cases() {
		if c.Groups == nil {
			continue
		}
		n++
		img := c.Draw()
		perColour := map[uint8]int{}
		for _, g := range c.Groups {
			perColour[g.color] += g.n
		}
		for col, want := range perColour {
			if got := blobs(img, col); got != want {
				t.Errorf("%s: %d blobs of colour %d, drew %d", c.ID, got, col, want)
			}
		}
	}
	if n != 8 {
		t.Errorf("%d shape cases, want 8", n)
	}
}

// blobs counts 4-connected regions of pixels of colour index col.
func blobs(img *image.Paletted, col uint8) int {
	r := img.Bounds()
	seen := make([]bool, r.Dx()*r.Dy())
	is := func(p image.Point) bool {
		return p.In(r) && !seen[p.Y*r.Dx()+p.X] && img.ColorIndexAt(p.X, p.Y) == col
	}
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if !is(image.Pt(x, y)) {
				continue
			}
			n++
			stack := []image.Point{{x, y}}
			seen[y*r.Dx()+x] = true
			for len(stack) > 0 {
				p := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				for _, d := range []image.Point{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
					if q := p.Add(d); is(q) {
						seen[q.Y*r.Dx()+q.X] = true
						stack = append(stack, q)
					}
				}
			}
		}
	}
	return n
}
