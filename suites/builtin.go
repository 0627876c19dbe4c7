package suites

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

//go:generate go run ./internal/genimages -out builtin/vision

// builtinFS holds the built-in suites, one folder each under builtin/,
// with a suite.yaml and the files it names.
//
//go:embed builtin
var builtinFS embed.FS

// BuiltinPrefix marks a built-in suite in Suite.Path and in Resolve.
const BuiltinPrefix = "builtin:"

// BuiltinNames returns the names of the built-in suites, sorted.
func BuiltinNames() []string {
	entries, err := fs.ReadDir(builtinFS, "builtin")
	if err != nil {
		panic("suites: embedded builtin folder: " + err.Error())
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

// Builtin loads the built-in suite name ("reasoning" or
// "builtin:reasoning"). Its Path is "builtin:NAME" and Builtin is true.
func Builtin(name string) (*Suite, error) {
	name = strings.TrimPrefix(name, BuiltinPrefix)
	known := BuiltinNames()
	found := false
	for _, n := range known {
		found = found || n == name
	}
	if !found {
		return nil, fmt.Errorf("unknown built-in suite %q (built-in: %s)", name, strings.Join(known, ", "))
	}
	sub, err := fs.Sub(builtinFS, "builtin/"+name)
	if err != nil {
		return nil, fmt.Errorf("built-in suite %s: %w", name, err)
	}
	data, err := fs.ReadFile(sub, "suite.yaml")
	if err != nil {
		return nil, fmt.Errorf("built-in suite %s: %w", name, err)
	}
	prefix := BuiltinPrefix + name + "/"
	l := &loader{
		file:   prefix + "suite.yaml",
		folder: BuiltinPrefix + name,
		fsys:   sub,
		openCases: func(rel string) (io.ReadCloser, string, error) {
			if !fs.ValidPath(rel) {
				return nil, prefix + rel, fmt.Errorf("built-in cases file %s: %w", rel, fs.ErrNotExist)
			}
			f, err := sub.Open(rel)
			return f, prefix + rel, err
		},
	}
	s, err := l.load(data)
	if err != nil {
		return nil, err
	}
	s.Path = BuiltinPrefix + name
	s.Builtin = true
	return s, nil
}

// Resolve loads the suite ref names: "builtin:NAME" or a bare built-in
// name is a built-in suite (write "./reasoning" for a folder of that name);
// anything else is a path, relative to baseDir unless absolute, to a suite
// file or to a folder holding suite.yaml.
func Resolve(ref, baseDir string) (*Suite, error) {
	if strings.HasPrefix(ref, BuiltinPrefix) {
		return Builtin(ref)
	}
	for _, n := range BuiltinNames() {
		if ref == n {
			return Builtin(ref)
		}
	}
	p := ref
	if !filepath.IsAbs(p) {
		p = filepath.Join(baseDir, p)
	}
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		p = filepath.Join(p, "suite.yaml")
	}
	return Load(p)
}
