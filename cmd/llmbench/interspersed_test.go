package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/results"
)

func TestIntersperse(t *testing.T) {
	app := newApp(context.Background(), io.Discard, io.Discard)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"flag after the argument", []string{"llmbench", "runs", "show", "R1", "--db", "x.db"}, []string{"llmbench", "runs", "show", "--db", "x.db", "R1"}},
		{"flag=value after", []string{"llmbench", "runs", "show", "R1", "--db=x.db"}, []string{"llmbench", "runs", "show", "--db=x.db", "R1"}},
		{"bool flag between arguments", []string{"llmbench", "suites", "import", "gsm8k", "--force", "in.jsonl", "out"}, []string{"llmbench", "suites", "import", "--force", "gsm8k", "in.jsonl", "out"}},
		{"already in order", []string{"llmbench", "run", "--config", "c.yaml", "--cache"}, []string{"llmbench", "run", "--config", "c.yaml", "--cache"}},
		{"a flag's value that looks like an argument stays with it", []string{"llmbench", "report", "--run", "last", "--format", "md"}, []string{"llmbench", "report", "--run", "last", "--format", "md"}},
		{"-- ends the flags", []string{"llmbench", "score", "--", "-odd-name.jsonl", "--db"}, []string{"llmbench", "score", "--", "-odd-name.jsonl", "--db"}},
		{"stdin dash is an argument", []string{"llmbench", "score", "-", "--metric", "exact"}, []string{"llmbench", "score", "--metric", "exact", "-"}},
		{"help anywhere", []string{"llmbench", "suites", "validate", "a.yaml", "--help"}, []string{"llmbench", "suites", "validate", "--help"}},
		{"app flags", []string{"llmbench", "--version"}, []string{"llmbench", "--version"}},
		{"a group without its subcommand", []string{"llmbench", "runs", "--db", "x"}, []string{"llmbench", "runs", "--db", "x"}},
		{"unknown command", []string{"llmbench", "frobnicate", "x", "--db", "y"}, []string{"llmbench", "frobnicate", "x", "--db", "y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, intersperse(app, tt.args)); diff != "" {
				t.Errorf("intersperse (-want +got):\n%s", diff)
			}
		})
	}
}

// A user who writes the flags last gets what they asked for.
func TestFlagsAfterArguments(t *testing.T) {
	dir := t.TempDir()
	db := dir + "/other.db"
	store, err := results.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	_, stderr, code := runCLI(t, "runs", "show", "20260101T000000Z-0000", "--db", db)
	if code == 0 || !strings.Contains(stderr, "20260101T000000Z-0000") || strings.Contains(stderr, "exactly one") {
		t.Errorf("runs show ID --db FILE: exit %d, stderr %q: want the run looked up in FILE (not found), not a usage error", code, stderr)
	}
}
