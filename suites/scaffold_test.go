package suites

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScaffold: every kind writes a suite that loads as it is, with three
// cases, its name taken from the folder, and a schema comment for editors.
func TestScaffold(t *testing.T) {
	for _, kind := range ScaffoldKinds {
		t.Run(kind, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "my "+kind)
			files, err := Scaffold(dir, kind)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Load(filepath.Join(dir, "suite.yaml"))
			if err != nil {
				t.Fatalf("scaffold does not load: %v", err)
			}
			if s.Name != "my "+kind || s.Len() != 3 || s.Description == "" {
				t.Errorf("name %q, %d cases, description %q", s.Name, s.Len(), s.Description)
			}
			if kind == "vision" {
				if len(files) != 3 || len(casesOf(t, s)[0].Images) != 1 || casesOf(t, s)[0].Images[0].MIME != "image/png" {
					t.Errorf("files %v, images %v", files, casesOf(t, s)[0].ImagePaths)
				}
			} else if len(files) != 2 {
				t.Errorf("files %v", files)
			}
			data, _ := os.ReadFile(filepath.Join(dir, "suite.yaml"))
			if !strings.HasPrefix(string(data), "# yaml-language-server: $schema=https://") || strings.Contains(string(data), "__") {
				t.Errorf("suite.yaml does not start with the schema comment or keeps a placeholder:\n%s", data)
			}
			if !strings.Contains(string(data), "llmbench suites validate "+dir) {
				t.Errorf("suite.yaml does not say how to validate it")
			}
			for _, c := range casesOf(t, s) {
				if _, err := s.Messages(&c); err != nil {
					t.Error(err)
				}
			}
			if _, err := Scaffold(dir, kind); err == nil || !strings.Contains(err.Error(), "is not empty") {
				t.Errorf("scaffold over an existing suite: %v", err)
			}
		})
	}
	if _, err := Scaffold(filepath.Join(t.TempDir(), "x"), "poetry"); err == nil || !strings.Contains(err.Error(), "kinds: reasoning, summarisation, vision, judge, free") {
		t.Errorf("unknown kind: %v", err)
	}
	empty := t.TempDir() // an existing empty folder is fine
	if _, err := Scaffold(empty, "free"); err != nil {
		t.Errorf("scaffold into an empty folder: %v", err)
	}
}
