package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/bench"
)

// leanCases are fixtures covering what the summary shows: errors,
// refusals and unscored answers, repeats and pass@k, cached results,
// costs and correct answers, a previous run's changed marks and a trend
// with drops.
func leanCases() []struct {
	name string
	src  Source
	id   string
} {
	return []struct {
		name string
		src  Source
		id   string
	}{
		{"fixture", fixture(), "run-0001"},
		{"repeats", repeatsFixture(), "run-rep"},
		{"cached", cachedFixture(), cachedFixture().run.ID},
		{"large", largeSource(300, 4), "run-large"},
		{"history", historyFixture(), "run-0001"},
	}
}

// dataOpts compare two Data exactly (NaN equal to NaN).
var dataOpts = cmp.Options{cmpopts.EquateNaNs(), cmpopts.IgnoreUnexported(bench.Quota{})}

// TestSummaryOnly checks that a summary-only build is the full build
// without its drill-down rows: every figure the same, and every format but
// HTML rendering the same bytes.
func TestSummaryOnly(t *testing.T) {
	ctx := context.Background()
	for _, tt := range leanCases() {
		t.Run(tt.name, func(t *testing.T) {
			full, err := BuildWith(ctx, tt.src, tt.id, Options{})
			if err != nil {
				t.Fatal(err)
			}
			lean, err := BuildWith(ctx, tt.src, tt.id, Options{SummaryOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			rows := 0
			for i := range full.Suites {
				rows += len(full.Suites[i].Rows)
				full.Suites[i].Rows = nil
			}
			if rows == 0 {
				t.Fatal("the full build has no rows: the fixture checks nothing")
			}
			if diff := cmp.Diff(full, lean, dataOpts); diff != "" {
				t.Errorf("summary-only data differs from the full data without rows (-full +lean):\n%s", diff)
			}
			for _, format := range []string{"text", "md", "json", "csv"} {
				var f, l bytes.Buffer
				if err := Write(&f, full, format); err != nil {
					t.Fatal(err)
				}
				if err := Write(&l, lean, format); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(f.String(), l.String()); diff != "" {
					t.Errorf("%s differs (-full +lean):\n%s", format, diff)
				}
			}
		})
	}
}

// TestBuildRowIndex checks that rows indexed densely (repeats 0 ≤ r <
// the run's repeats) and by map (any other repeat, or a run with more
// than maxDenseRepeats) give the same data.
func TestBuildRowIndex(t *testing.T) {
	ctx := context.Background()
	want, err := BuildWith(ctx, repeatsFixture(), "run-rep", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		repeats int
	}{
		{"all by map: one repeat planned", 1},
		{"some by map: two repeats planned", 2},
		{"all by map: more than maxDenseRepeats", maxDenseRepeats + 1},
		{"no repeats recorded", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := repeatsFixture()
			src.run.Repeats = tt.repeats
			got, err := BuildWith(ctx, src, "run-rep", Options{})
			if err != nil {
				t.Fatal(err)
			}
			got.Run.Repeats = want.Run.Repeats
			if diff := cmp.Diff(want, got, dataOpts); diff != "" {
				t.Errorf("data differs (-dense +other):\n%s", diff)
			}
		})
	}
}

// TestBuildCutCopies checks that an answer cut at MaxTextBytes for the
// drill-down is a copy: it does not keep the whole stored answer alive.
func TestBuildCutCopies(t *testing.T) {
	src := fixture()
	stored := strings.Repeat("x", 4*MaxTextBytes)
	for i := range src.results {
		if src.results[i].CaseID == "a01" && src.results[i].ErrorClass == "" {
			src.results[i].Output = stored
		}
	}
	d, err := Build(context.Background(), src, "run-0001")
	if err != nil {
		t.Fatal(err)
	}
	var checked int
	for _, s := range d.Suites {
		for _, r := range s.Rows {
			for _, a := range r.Answers {
				if a.OutputBytes != len(stored) {
					continue
				}
				checked++
				if len(a.Output) != MaxTextBytes || !a.Truncated() {
					t.Errorf("answer of %d bytes kept as %d bytes (truncated %v), want %d", a.OutputBytes, len(a.Output), a.Truncated(), MaxTextBytes)
				}
				if unsafe.StringData(a.Output) == unsafe.StringData(stored) {
					t.Error("the cut answer is a view of the stored answer, keeping all of it alive")
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no long answer found: the fixture checks nothing")
	}
}

// TestStoredRowIndex checks that a stored run's results are found the
// same whether indexed densely or by map, and snapshot the same.
func TestStoredRowIndex(t *testing.T) {
	ctx := context.Background()
	src := repeatsFixture()
	want, err := readStored(ctx, src, src.run, true)
	if err != nil {
		t.Fatal(err)
	}
	snapOpts := cmp.AllowUnexported(runSnap{}, suiteSnap{}, cellSnap{}, caseEntry{}, caseKey{}, caseMean{})
	for _, repeats := range []int{0, 1, 2, maxDenseRepeats + 1} {
		t.Run(fmt.Sprint("repeats ", repeats), func(t *testing.T) {
			run := src.run
			run.Repeats = repeats
			sr, err := readStored(ctx, src, run, true)
			if err != nil {
				t.Fatal(err)
			}
			got, wantSnap := sr.snap(), want.snap()
			got.run.Repeats = wantSnap.run.Repeats
			if diff := cmp.Diff(wantSnap, got, snapOpts); diff != "" {
				t.Errorf("snapshot (-dense +other):\n%s", diff)
			}
			for _, r := range src.results {
				w, okW := want.lookup(r.Suite, r.Target, r.CaseID, r.Repeat)
				g, okG := sr.lookup(r.Suite, r.Target, r.CaseID, r.Repeat)
				if !okW || !okG || w.kind != g.kind || w.score != g.score || w.hash != g.hash || want.classes[w.class] != sr.classes[g.class] {
					t.Errorf("%s/%s/%s#%d: found %v %+v, want %v %+v", r.Suite, r.Target, r.CaseID, r.Repeat, okG, g, okW, w)
				}
			}
			if _, ok := sr.lookup("rb", "base", "no-such-case", 0); ok {
				t.Error("found a result for a case the run does not have")
			}
		})
	}
}

// TestOutputHash checks the in-place hash against hash/fnv's FNV-1a.
func TestOutputHash(t *testing.T) {
	for _, s := range []string{"", "a", "The answer is 42.", "答案是四十二。", strings.Repeat("xyz", 1000)} {
		h := fnv.New64a()
		h.Write([]byte(s))
		if got, want := outputHash(s), h.Sum64(); got != want {
			t.Errorf("outputHash(%.20q) = %x, want %x", s, got, want)
		}
	}
}

// countedSource is a fakeSource that counts its results as *results.Store
// does, or claims n of them, or fails to count.
type countedSource struct {
	*fakeSource
	n   int
	err error
}

var _ resultCounter = countedSource{}

func (c countedSource) CountResults(context.Context, string) (int, error) {
	return c.n, c.err
}

// TestBuildResultCount checks that a source's result count only sizes
// Build's storage: right, too small, too large or absent, the data are the
// same, and a failed count is an error.
func TestBuildResultCount(t *testing.T) {
	ctx := context.Background()
	for _, tt := range leanCases() {
		f, ok := tt.src.(*fakeSource)
		if !ok {
			continue
		}
		want, err := BuildWith(ctx, f, tt.id, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{len(f.results), 1, len(f.results) / 3, 1 << 40} {
			t.Run(fmt.Sprintf("%s/%d", tt.name, n), func(t *testing.T) {
				got, err := BuildWith(ctx, countedSource{fakeSource: f, n: n}, tt.id, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got, dataOpts); diff != "" {
					t.Errorf("data differs (-uncounted +counted):\n%s", diff)
				}
			})
		}
	}
	t.Run("a failed count", func(t *testing.T) {
		_, err := BuildWith(ctx, countedSource{fakeSource: fixture(), err: errNoRun}, "run-0001", Options{})
		if !errors.Is(err, errNoRun) {
			t.Errorf("error %v, want one wrapping %v", err, errNoRun)
		}
	})
}
