// Package shareddata finds the project's shared data (../shared/data: public
// samples and the reference implementations' oracle vectors) for tests.
// CI lays shared/ beside the repository; the search walks up from the test's
// working folder.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Path returns the path of rel inside shared/data. When shared/data cannot
// be found the test is skipped, except when the environment variable CI is
// set: there the data must be present, so the test fails.
func Path(t testing.TB, rel string) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "data")
		if _, err := os.Stat(filepath.Join(p, "LICENSES.md")); err == nil {
			return filepath.Join(p, filepath.FromSlash(rel))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if os.Getenv("CI") != "" {
		t.Fatal("shared/data not found beside the repository (CI is set, so this is a failure)")
	}
	t.Skip("shared/data not found beside the repository")
	return ""
}
