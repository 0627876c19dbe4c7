package suites

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/llmbench/llmbench/suites/schema"
)

// scaffoldFS holds the suites `llmbench suites new` writes, one folder per
// kind, with placeholders: __NAME__ (the suite name, a YAML string),
// __SCHEMA__ (the JSON Schema's URL) and __DIR__ (the folder as given).
//
//go:embed scaffold
var scaffoldFS embed.FS

// ScaffoldKinds are the kinds of suite Scaffold writes.
var ScaffoldKinds = []string{"reasoning", "summarisation", "vision", "judge", "free"}

// Scaffold writes a new suite of the given kind into dir: a commented
// suite.yaml, a cases.jsonl with three example cases and, for vision, an
// images/ folder with a generated PNG. The suite is named after dir's last
// element. dir must not exist or be empty. It returns the files written,
// relative to dir. The result loads and validates as it is.
func Scaffold(dir, kind string) ([]string, error) {
	if !slices.Contains(ScaffoldKinds, kind) {
		return nil, fmt.Errorf("unknown kind %q (kinds: %s)", kind, strings.Join(ScaffoldKinds, ", "))
	}
	name := filepath.Base(filepath.Clean(dir))
	if name == "." || name == string(filepath.Separator) || strings.TrimSpace(name) == "" || strings.ContainsAny(name, "\n\r\t") {
		return nil, fmt.Errorf("suite folder %q: name a new folder, e.g. my-suite (the suite takes its name)", dir)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("suite folder %s exists and is not empty: choose a new folder", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("suite folder %s: %w", dir, err)
	}
	quotedName, _ := json.Marshal(name) // a JSON string is a YAML double-quoted scalar
	replacer := strings.NewReplacer("__NAME__", string(quotedName), "__SCHEMA__", schema.ID, "__DIR__", dir)

	files := map[string][]byte{}
	sub, err := fs.Sub(scaffoldFS, "scaffold/"+kind)
	if err != nil {
		return nil, err
	}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		files[p] = []byte(replacer.Replace(string(data)))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scaffold %s: %w", kind, err)
	}
	if kind == "vision" {
		files["images/shapes.png"] = shapesPNG()
	}
	var written []string
	for _, p := range slices.Sorted(maps.Keys(files)) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return written, fmt.Errorf("create %s: %w", filepath.Dir(full), err)
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			return written, fmt.Errorf("write %s: %w", full, err)
		}
		written = append(written, p)
	}
	return written, nil
}

// shapesPNG draws the vision scaffold's picture: on white, three red
// squares and two blue circles, well apart (the cases' answers: 3, 2, 5).
func shapesPNG() []byte {
	const w, h = 320, 200
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{
		color.White, color.RGBA{220, 30, 30, 255}, color.RGBA{30, 70, 220, 255},
	})
	for y := range h {
		for x := range w {
			img.SetColorIndex(x, y, 0)
		}
	}
	for _, sq := range []image.Point{{30, 30}, {140, 40}, {240, 120}} {
		for y := sq.Y; y < sq.Y+50; y++ {
			for x := sq.X; x < sq.X+50; x++ {
				img.SetColorIndex(x, y, 1)
			}
		}
	}
	for _, c := range []image.Point{{70, 145}, {265, 50}} {
		const r = 28
		for y := c.Y - r; y <= c.Y+r; y++ {
			for x := c.X - r; x <= c.X+r; x++ {
				if (x-c.X)*(x-c.X)+(y-c.Y)*(y-c.Y) <= r*r {
					img.SetColorIndex(x, y, 2)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic("suites: encode scaffold image: " + err.Error()) // an in-memory paletted image always encodes
	}
	return b.Bytes()
}
