// Command benchmarks measures llmbench against the performance targets of
// issue 6 and prints one table: each target, what was measured, the
// threshold, and whether it was met. It runs the llmbench binary given
// with -llmbench as a separate process, exactly as a user would, against a
// loopback OpenAI-compatible server in this process (bench/internal/loopback),
// and reads what the run stored from its database. bench/run_benchmarks.sh
// builds both and runs it.
//
// Every figure comes from one run on the machine at hand; nothing is
// assumed. Run it on an otherwise idle machine: the server shares the CPU
// with llmbench, as any local server would.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/llmbench/llmbench/bench/internal/loopback"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// row is one line of the table.
type row struct {
	what, measured, threshold string
	// ok: "yes", "NO", or "" when the target has no threshold.
	ok string
}

type env struct {
	bin     string
	dir     string
	scale   float64
	conc    int  // concurrency of the throughput and memory runs
	samples bool // print the memory run's RSS samples
	log     io.Writer
	rows    []row
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "bare-client" {
		if err := bareClient(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "benchmarks:", err)
			os.Exit(1)
		}
		return
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program; it returns the exit code: 0 when every target
// was met, 1 when one was missed or a scenario failed, 2 for bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	var e env
	fs := flag.NewFlagSet("benchmarks", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&e.bin, "llmbench", "", "the llmbench `binary` to measure (go build -o llmbench ./cmd/llmbench)")
	only := fs.String("only", "", "comma-separated `scenarios` to run (default all): "+strings.Join(scenarioNames(), ", "))
	fs.Float64Var(&e.scale, "scale", 1, "multiply every case count by `F` (e.g. 0.1 for a quick try; the thresholds assume 1)")
	fs.IntVar(&e.conc, "concurrency", 16, "concurrency `N` of the throughput and memory runs (0 ms server)")
	fs.BoolVar(&e.samples, "samples", false, "print the memory run's resident memory every 50 ms to stderr")
	keep := fs.String("dir", "", "work in `DIR` and keep it (default: a temporary folder, removed)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if e.bin == "" || e.scale <= 0 || e.conc < 1 {
		fmt.Fprintln(stderr, "benchmarks: -llmbench is required, -scale and -concurrency positive (see bench/run_benchmarks.sh)")
		return 2
	}
	want := map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			if !slices.Contains(scenarioNames(), s) {
				fmt.Fprintf(stderr, "benchmarks: unknown scenario %q (known: %s)\n", s, strings.Join(scenarioNames(), ", "))
				return 2
			}
			want[s] = true
		}
	}
	e.log = stderr
	e.dir = *keep
	if e.dir == "" {
		d, err := os.MkdirTemp("", "llmbench-benchmarks-")
		if err != nil {
			fmt.Fprintln(stderr, "benchmarks:", err)
			return 1
		}
		defer os.RemoveAll(d)
		e.dir = d
	} else if err := os.MkdirAll(e.dir, 0o755); err != nil {
		fmt.Fprintln(stderr, "benchmarks:", err)
		return 1
	}
	for _, s := range scenarios {
		if len(want) > 0 && !want[s.name] {
			continue
		}
		fmt.Fprintf(e.log, "== %s\n", s.name)
		if err := s.run(&e); err != nil {
			e.rows = append(e.rows, row{what: s.name, measured: "error: " + err.Error(), ok: "NO"})
		}
	}
	e.print(stdout)
	for _, r := range e.rows {
		if r.ok == "NO" {
			return 1
		}
	}
	return 0
}

var scenarios = []struct {
	name string
	run  func(*env) error
}{
	{"throughput", (*env).throughput},
	{"scheduling", (*env).scheduling},
	{"memory", (*env).memory},
	{"fidelity", (*env).fidelity},
	{"store", (*env).store},
	{"report-while-writing", (*env).reportWhileWriting},
	{"ratelimit", (*env).rateLimit},
	{"adaptive", (*env).adaptive},
}

func scenarioNames() []string {
	var out []string
	for _, s := range scenarios {
		out = append(out, s.name)
	}
	return out
}

func (e *env) add(r row) { e.rows = append(e.rows, r) }

func (e *env) print(w io.Writer) {
	fmt.Fprintf(w, "llmbench benchmarks: %s/%s, %d CPUs, %s\n\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tMEASURED\tTHRESHOLD\tMET")
	for _, r := range e.rows {
		ok := r.ok
		if ok == "" {
			ok = "-"
		}
		measured := strings.ReplaceAll(strings.TrimSpace(r.measured), "\n", " | ")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.what, measured, r.threshold, ok)
	}
	tw.Flush()
}

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func (e *env) n(base int) int { return max(1, int(float64(base)*e.scale)) }

// fixture is a suite of n exact-match cases in its own folder, with the
// answers a loopback server gives (all right).
type fixture struct {
	dir, suite string
	prompts    []string // by case index; case IDs are c0, c1, ...
	answers    map[string]string
}

func (e *env) fixture(name string, n int) (*fixture, error) {
	dir := filepath.Join(e.dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f := &fixture{dir: dir, answers: make(map[string]string, n)}
	var b strings.Builder
	for i := range n {
		q := fmt.Sprintf("Case %d: write the number %d in digits, and nothing else.", i, i)
		fmt.Fprintf(&b, "{\"id\": \"c%d\", \"q\": %q, \"reference\": \"%d\"}\n", i, q, i)
		f.prompts = append(f.prompts, q)
		f.answers[q] = strconv.Itoa(i)
	}
	if err := os.WriteFile(filepath.Join(dir, "cases.jsonl"), []byte(b.String()), 0o644); err != nil {
		return nil, err
	}
	f.suite = filepath.Join(dir, "suite.yaml")
	yml := "name: " + name + "\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: cases.jsonl\n"
	return f, os.WriteFile(f.suite, []byte(yml), 0o644)
}

// target is one target of a generated config.
type target struct {
	name, url   string
	concurrency int
	rpm, tpm    float64
	stream      bool
}

// config writes a config running f's suite against the targets.
func (f *fixture) config(targets ...target) (string, error) {
	var b strings.Builder
	b.WriteString("name: bench\ntargets:\n")
	for _, t := range targets {
		fmt.Fprintf(&b, "  - name: %s\n    provider: openai\n    model: %s\n    base_url: %s\n    concurrency: %d\n    stream: %v\n    max_attempts: 8\n",
			t.name, t.name, t.url, t.concurrency, t.stream)
		if t.rpm > 0 {
			fmt.Fprintf(&b, "    rpm: %v\n", t.rpm)
		}
		if t.tpm > 0 {
			fmt.Fprintf(&b, "    tpm: %v\n", t.tpm)
		}
	}
	b.WriteString("suites: [suite.yaml]\n")
	p := filepath.Join(f.dir, "bench.yaml")
	return p, os.WriteFile(p, []byte(b.String()), 0o644)
}

// recorder counts the requests the loopback server answered and, unless
// countOnly, keeps them.
type recorder struct {
	countOnly bool
	mu        sync.Mutex
	recs      []loopback.Record
	n         int
}

func (r *recorder) log(rec loopback.Record) {
	r.mu.Lock()
	if !r.countOnly {
		r.recs = append(r.recs, rec)
	}
	r.n++
	r.mu.Unlock()
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

func (r *recorder) all() []loopback.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.recs)
}

// serve starts a loopback server answering f's cases.
func (f *fixture) serve(latency time.Duration, rec *recorder) (*loopback.Server, string, func(), error) {
	s := &loopback.Server{Latency: latency, Answers: f.answers, Default: "?"}
	if rec != nil {
		s.Log = rec.log
	}
	url, stop, err := s.Start()
	return s, url, stop, err
}

// process is what one llmbench process did.
type process struct {
	wall    time.Duration
	maxRSS  int64 // bytes, from the kernel's accounting at exit
	samples []sample
	stderr  string
}

// sample is the process's resident memory at a moment, with the number of
// calls the server had answered then.
type sample struct {
	at    time.Duration
	rss   int64
	calls int
}

// llmbench runs the binary with args; with rec it samples resident memory
// every 50 ms against rec's count.
func (e *env) llmbench(dir string, rec *recorder, args ...string) (*process, error) {
	cmd := exec.Command(e.bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LLMBENCH_DB=")
	var stderr strings.Builder
	cmd.Stdout = io.Discard
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{}
	done := make(chan struct{})
	var wg sync.WaitGroup
	if rec != nil {
		wg.Go(func() {
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
					if rss, ok := vmRSS(cmd.Process.Pid); ok {
						p.samples = append(p.samples, sample{at: time.Since(start), rss: rss, calls: rec.count()})
					}
				}
			}
		})
	}
	err := cmd.Wait()
	p.wall = time.Since(start)
	close(done)
	wg.Wait()
	p.stderr = stderr.String()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		p.maxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	if err != nil {
		return p, fmt.Errorf("llmbench %s: %v\n%s", strings.Join(args, " "), err, lastLines(p.stderr, 10))
	}
	return p, nil
}

func lastLines(s string, n int) string {
	ls := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(ls[max(0, len(ls)-n):], "\n")
}

// vmRSS reads a process's resident set size.
func vmRSS(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, err == nil
		}
	}
	return 0, false
}

// runOf reads the one run in db and its results' latencies by case ID.
func runOf(db string) (results.Run, map[string]time.Duration, error) {
	store, err := results.Open(db)
	if err != nil {
		return results.Run{}, nil, err
	}
	defer store.Close()
	ctx := context.Background()
	run, err := store.LatestRun(ctx, "")
	if err != nil {
		return run, nil, err
	}
	lat := map[string]time.Duration{}
	for r, err := range store.Results(ctx, run.ID) {
		if err != nil {
			return run, nil, err
		}
		if r.OK() {
			lat[r.Target+"/"+r.CaseID] = r.Latency
		}
	}
	return run, lat, nil
}

// throughput: 10,000 cases × 1 target, exact match, SQLite, 0 ms server.
func (e *env) throughput() error {
	n := e.n(10000)
	for _, stream := range []bool{false, true} {
		f, err := e.fixture(fmt.Sprintf("throughput-stream-%v", stream), n)
		if err != nil {
			return err
		}
		_, url, stop, err := f.serve(0, nil)
		if err != nil {
			return err
		}
		cfg, err := f.config(target{name: "t", url: url, concurrency: e.conc, stream: stream})
		if err != nil {
			stop()
			return err
		}
		db := filepath.Join(f.dir, "llmbench.db")
		p, err := e.llmbench(f.dir, nil, "run", "--config", cfg, "--db", db)
		stop()
		if err != nil {
			return err
		}
		run, lat, err := runOf(db)
		if err != nil {
			return err
		}
		if len(lat) != n {
			return fmt.Errorf("%d of %d results answered", len(lat), n)
		}
		span := run.Ended.Sub(run.Started)
		rate := float64(n) / span.Seconds()
		mode := "whole answers"
		if stream {
			mode = "streamed"
		}
		e.add(row{
			what:      fmt.Sprintf("Throughput: %d cases × 1 target, 0 ms server, exact, SQLite (%s, concurrency %d)", n, mode, e.conc),
			measured:  fmt.Sprintf("%.0f results/s (run %.2f s; whole command %.2f s incl. start-up and summary)", rate, span.Seconds(), p.wall.Seconds()),
			threshold: "≥ 12,000 results/s",
			ok:        verdict(rate >= 12000),
		})
	}
	return nil
}

// scheduling: 10,000 cases, 200 ms server, concurrency 256.
func (e *env) scheduling() error {
	n := e.n(10000)
	const conc, latency = 256, 200 * time.Millisecond
	f, err := e.fixture("scheduling", n)
	if err != nil {
		return err
	}
	rec := &recorder{}
	_, url, stop, err := f.serve(latency, rec)
	if err != nil {
		return err
	}
	defer stop()
	cfg, err := f.config(target{name: "t", url: url, concurrency: conc, stream: true})
	if err != nil {
		return err
	}
	db := filepath.Join(f.dir, "llmbench.db")
	if _, err := e.llmbench(f.dir, nil, "run", "--config", cfg, "--db", db); err != nil {
		return err
	}
	run, lat, err := runOf(db)
	if err != nil {
		return err
	}
	if len(lat) != n {
		return fmt.Errorf("%d of %d results answered", len(lat), n)
	}
	ideal := time.Duration((n+conc-1)/conc) * latency
	wall := run.Ended.Sub(run.Started)
	recs := rec.all()
	first, last := recs[0].Arrived, recs[0].Arrived.Add(recs[0].Handling)
	for _, r := range recs {
		if r.Arrived.Before(first) {
			first = r.Arrived
		}
		if end := r.Arrived.Add(r.Handling); end.After(last) {
			last = end
		}
	}
	e.add(row{
		what:      fmt.Sprintf("Scheduling: %d cases, 200 ms server, concurrency %d (ideal %.1f s)", n, conc, ideal.Seconds()),
		measured:  fmt.Sprintf("run %.2f s = %.3f × ideal (first call to last answer %.2f s)", wall.Seconds(), wall.Seconds()/ideal.Seconds(), last.Sub(first).Seconds()),
		threshold: fmt.Sprintf("≤ 1.05 × ideal = %.2f s", 1.05*ideal.Seconds()),
		ok:        verdict(wall.Seconds() <= 1.05*ideal.Seconds()),
	})
	// What promptfoo got wrong at this concurrency: its own queueing
	// recorded as model latency. The same yardstick as the fidelity row.
	wire := map[string]time.Duration{}
	for _, r := range recs {
		if r.Status == 200 {
			wire[r.Prompt] = r.Wire
		}
	}
	var excess []float64
	for i, p := range f.prompts {
		l, ok1 := lat["t/c"+strconv.Itoa(i)]
		w, ok2 := wire[p]
		if ok1 && ok2 {
			excess = append(excess, ms(l-w))
		}
	}
	if len(excess) > 0 {
		e.add(row{
			what:     "… the same run: recorded latency − the server's time from request received to answer written",
			measured: spread(excess),
		})
	}
	return nil
}

// memory: 100,000 cases in one run; resident memory as the run grows.
func (e *env) memory() error {
	n := e.n(100000)
	f, err := e.fixture("memory", n)
	if err != nil {
		return err
	}
	rec := &recorder{countOnly: true}
	_, url, stop, err := f.serve(0, rec)
	if err != nil {
		return err
	}
	defer stop()
	cfg, err := f.config(target{name: "t", url: url, concurrency: e.conc, stream: true})
	if err != nil {
		return err
	}
	db := filepath.Join(f.dir, "llmbench.db")
	p, err := e.llmbench(f.dir, rec, "run", "--config", cfg, "--db", db)
	if err != nil {
		return err
	}
	if e.samples {
		for _, s := range p.samples {
			fmt.Fprintf(e.log, "%6.2fs %8s %d\n", s.at.Seconds(), mib(s.rss), s.calls)
		}
	}
	at := func(frac float64) (int64, bool) {
		var best int64
		found := false
		for _, s := range p.samples {
			if float64(s.calls) >= frac*float64(n) {
				return max(best, s.rss), true
			}
			best, found = s.rss, true
		}
		return best, found
	}
	var parts []string
	var rss25, rss100 int64
	for _, q := range []float64{0.25, 0.5, 0.75, 1} {
		v, ok := at(q)
		if !ok {
			continue
		}
		parts = append(parts, fmt.Sprintf("%.0f%%: %s", 100*q, mib(v)))
		switch q {
		case 0.25:
			rss25 = v
		case 1:
			rss100 = v
		}
	}
	e.add(row{
		what:      fmt.Sprintf("Memory: %d cases in one run (0 ms server, concurrency %d)", n, e.conc),
		measured:  fmt.Sprintf("peak RSS %s (whole command, summary included)", mib(p.maxRSS)),
		threshold: "≤ 150 MiB",
		ok:        verdict(p.maxRSS <= 150<<20),
	})
	growth := rss100 - rss25
	e.add(row{
		what:      "Memory: flat as the run grows (RSS when the server had answered 25/50/75/100% of calls)",
		measured:  strings.Join(parts, ", ") + fmt.Sprintf("; growth 25→100%%: %s", mib(growth)),
		threshold: "growth ≤ 10 MiB over 75% of the calls",
		ok:        verdict(rss25 > 0 && growth <= 10<<20),
	})
	return e.storeSize(db)
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// storeSize reports the database's bytes per result beyond stored texts.
func (e *env) storeSize(db string) error {
	conn, err := sql.Open("sqlite3", "file:"+db+"?_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return err
	}
	var pages, pageSize, nResults, texts int64
	q := `SELECT (SELECT page_count FROM pragma_page_count), (SELECT page_size FROM pragma_page_size),
    (SELECT count(*) FROM results),
    (SELECT coalesce(sum(length(CAST(output AS BLOB)) + length(CAST(error_message AS BLOB)) + length(model_reported)), 0) FROM results)
  + (SELECT coalesce(sum(length(CAST(prompt AS BLOB)) + length(CAST(references_json AS BLOB))), 0) FROM cases)
  + (SELECT coalesce(sum(length(CAST(extracted AS BLOB))), 0) FROM scores)`
	if err := conn.QueryRow(q).Scan(&pages, &pageSize, &nResults, &texts); err != nil {
		return err
	}
	if nResults == 0 {
		return errors.New("no results to size")
	}
	per := float64(pages*pageSize-texts) / float64(nResults)
	e.add(row{
		what:      fmt.Sprintf("Store: database size per result beyond the stored texts (%d results, 1 exact score each)", nResults),
		measured:  fmt.Sprintf("%.0f bytes (file %s, texts %s)", per, mib(pages*pageSize), mib(texts)),
		threshold: "< 1 KiB",
		ok:        verdict(per < 1024),
	})
	return nil
}

// fidelity: 50 ms server, concurrency 64: recorded latency minus the
// server's own time, per call. The server's time runs from the kernel's
// receive stamp of the request to the answer written (Record.Wire), so
// the server's own wait to read a request is the server's, not the
// harness's; a second row measures against the handler's time alone.
func (e *env) fidelity() error {
	n := e.n(6400)
	f, err := e.fixture("fidelity", n)
	if err != nil {
		return err
	}
	rec := &recorder{}
	_, url, stop, err := f.serve(50*time.Millisecond, rec)
	if err != nil {
		return err
	}
	defer stop()
	cfg, err := f.config(target{name: "t", url: url, concurrency: 64, stream: true})
	if err != nil {
		return err
	}
	db := filepath.Join(f.dir, "llmbench.db")
	if _, err := e.llmbench(f.dir, nil, "run", "--config", cfg, "--db", db); err != nil {
		return err
	}
	_, lat, err := runOf(db)
	if err != nil {
		return err
	}
	byPrompt := map[string]loopback.Record{}
	for _, r := range rec.all() {
		if r.Status == 200 {
			byPrompt[r.Prompt] = r
		}
	}
	var wire, handler []float64
	for i, p := range f.prompts {
		l, ok1 := lat["t/c"+strconv.Itoa(i)]
		r, ok2 := byPrompt[p]
		if ok1 && ok2 {
			wire = append(wire, ms(l-r.Wire))
			handler = append(handler, ms(l-r.Handling))
		}
	}
	if len(wire) < n {
		return fmt.Errorf("matched %d of %d calls", len(wire), n)
	}
	p99 := quantile(sorted(wire), 0.99)
	e.add(row{
		what:      fmt.Sprintf("Latency fidelity: 50 ms server, concurrency 64, %d calls (streamed): recorded − server's time from request received to answer written", n),
		measured:  spread(wire),
		threshold: "p99 ≤ 1 ms",
		ok:        verdict(p99 <= 1),
	})
	e.add(row{
		what:     "… the same calls, for reference: recorded − the server handler's own time (adds the fake server's wait to read each request)",
		measured: spread(handler),
	})

	// The floor of the old way: a bare Go net/http client in its own
	// process, timing with the process clock, sending the same requests to
	// the same server at the same concurrency, and doing nothing else.
	bare := &recorder{}
	_, url2, stop2, err := f.serve(50*time.Millisecond, bare)
	if err != nil {
		return err
	}
	defer stop2()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	promptsFile := filepath.Join(f.dir, "prompts.txt")
	if err := os.WriteFile(promptsFile, []byte(strings.Join(f.prompts, "\n")), 0o644); err != nil {
		return err
	}
	out, err := exec.Command(self, "bare-client", url2+"/chat/completions", "64", promptsFile).Output()
	if err != nil {
		return fmt.Errorf("bare client: %w", err)
	}
	byPrompt = map[string]loopback.Record{}
	for _, r := range bare.all() {
		byPrompt[r.Prompt] = r
	}
	var bareWire []float64
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		i, d, _ := strings.Cut(l, " ")
		k, err1 := strconv.Atoi(i)
		ns, err2 := strconv.ParseInt(d, 10, 64)
		if err1 != nil || err2 != nil || k < 0 || k >= len(f.prompts) {
			return fmt.Errorf("bare client printed %q", l)
		}
		if r, ok := byPrompt[f.prompts[k]]; ok {
			bareWire = append(bareWire, ms(time.Duration(ns)-r.Wire))
		}
	}
	e.add(row{
		what:     "… for reference: a bare Go net/http client timing with the process clock, same server, requests and concurrency",
		measured: spread(bareWire),
	})
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func sorted(xs []float64) []float64 { slices.Sort(xs); return xs }

// spread is "p50 …, p99 …, max …" of xs, in milliseconds.
func spread(xs []float64) string {
	xs = sorted(xs)
	return fmt.Sprintf("p50 %.3f ms, p99 %.3f ms, max %.3f ms", quantile(xs, 0.5), quantile(xs, 0.99), xs[len(xs)-1])
}

// bareClient is the reference client of the fidelity scenario: args are
// the URL, the concurrency and a file of prompts, one a line. It prints
// "index nanoseconds" per request.
func bareClient(args []string) error {
	if len(args) != 3 {
		return errors.New("bare-client URL CONCURRENCY PROMPTS-FILE")
	}
	conc, err := strconv.Atoi(args[1])
	if err != nil {
		return err
	}
	b, err := os.ReadFile(args[2])
	if err != nil {
		return err
	}
	prompts := strings.Split(string(b), "\n")
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = conc
	client := &http.Client{Transport: tr}
	jobs := make(chan int)
	lines := make([]string, len(prompts))
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	for range conc {
		wg.Go(func() {
			for i := range jobs {
				body := fmt.Sprintf(`{"model":"t","messages":[{"role":"user","content":%q}],"stream":true,"stream_options":{"include_usage":true}}`, prompts[i])
				start := time.Now()
				resp, err := client.Post(args[0], "application/json", strings.NewReader(body))
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				d := time.Since(start)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				lines[i] = fmt.Sprintf("%d %d", i, d)
			}
		})
	}
	for i := range prompts {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	fmt.Println(strings.Join(lines, "\n"))
	return nil
}

// quantile is the nearest-rank quantile of sorted xs.
func quantile(xs []float64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(xs)))) - 1
	return xs[min(max(i, 0), len(xs)-1)]
}

// store: the batched writer alone, in this process.
func (e *env) store() error {
	const cases, repeats = 10000, 10
	n := e.n(cases * repeats)
	dir := filepath.Join(e.dir, "store")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	s, err := results.Open(filepath.Join(dir, "writer.db"))
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := context.Background()
	run := results.Run{ID: "writer", ConfigName: "bench", Started: time.Now(), Repeats: repeats}
	if err := s.CreateRun(ctx, run, []results.Target{{Name: "t", Params: "{}"}}, []results.SuiteInfo{{Name: "s", Scorers: []string{"exact", "numeric"}}}); err != nil {
		return err
	}
	var cs []results.Case
	for i := range cases {
		cs = append(cs, results.Case{Suite: "s", ID: "c" + strconv.Itoa(i), Prompt: "What is " + strconv.Itoa(i) + "?", References: []string{strconv.Itoa(i)}})
	}
	if err := s.PutCases(ctx, run.ID, cs); err != nil {
		return err
	}
	w := s.NewWriter(results.WriterOptions{})
	start := time.Now()
	for i := range n {
		c := i % cases
		out := "Working it through step by step, the result is clear.\nAnswer: " + strconv.Itoa(c)
		r := results.Result{RunID: run.ID, Suite: "s", CaseID: "c" + strconv.Itoa(c), Target: "t", Repeat: i / cases,
			Output: out, Started: time.Now(), Latency: 812 * time.Millisecond, TTFT: 95 * time.Millisecond,
			Attempts: 1, InputTokens: 40, OutputTokens: 14, ModelReported: "m-2024", FinishReason: "stop",
			Scores: []suites.Score{
				{Scorer: "exact", Value: 0, Binary: true, Version: "1"},
				{Scorer: "numeric", Value: 1, Binary: true, Extracted: strconv.Itoa(c), Version: "2"},
			}}
		if err := w.Put(ctx, r); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	rate := float64(n) / time.Since(start).Seconds()
	e.add(row{
		what:      fmt.Sprintf("Store: batched writer, %d results with 2 scores each", n),
		measured:  fmt.Sprintf("%.0f results/s", rate),
		threshold: "≥ 50,000 results/s",
		ok:        verdict(rate >= 50000),
	})
	return nil
}

// reportWhileWriting builds a report from the database while a run writes
// to it.
func (e *env) reportWhileWriting() error {
	n := e.n(20000)
	f, err := e.fixture("report-while-writing", n)
	if err != nil {
		return err
	}
	_, url, stop, err := f.serve(10*time.Millisecond, nil)
	if err != nil {
		return err
	}
	defer stop()
	cfg, err := f.config(target{name: "t", url: url, concurrency: 32, stream: true})
	if err != nil {
		return err
	}
	db := filepath.Join(f.dir, "llmbench.db")
	runErr := make(chan error, 1)
	go func() {
		_, err := e.llmbench(f.dir, nil, "run", "--config", cfg, "--db", db)
		runErr <- err
	}()
	// Wait until results are being written, then report.
	var during int
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		if during = countResults(db); during > n/10 {
			break
		}
	}
	start := time.Now()
	out := filepath.Join(f.dir, "report.html")
	_, repErr := e.llmbench(f.dir, nil, "report", "--db", db, "--out", out)
	took := time.Since(start)
	after := countResults(db)
	if err := <-runErr; err != nil {
		return err
	}
	final := countResults(db)
	html, _ := os.ReadFile(out)
	ok := repErr == nil && len(html) > 0 && after < n && final == n
	measured := fmt.Sprintf("report of the run in progress in %.2f s, written while results went from %d to %d of %d; the run then completed", took.Seconds(), during, after, n)
	if repErr != nil {
		measured = "report failed: " + repErr.Error()
	} else if after >= n {
		measured += " (the run finished before the report did: not a test of reading while writing)"
	}
	e.add(row{
		what:      "Store: a report can be generated while a run is writing (WAL)",
		measured:  measured,
		threshold: "report succeeds, run completes",
		ok:        verdict(ok),
	})
	return nil
}

func countResults(db string) int {
	conn, err := sql.Open("sqlite3", "file:"+db+"?_busy_timeout=5000&mode=ro")
	if err != nil {
		return 0
	}
	defer conn.Close()
	var n int
	if conn.QueryRow(`SELECT count(*) FROM results`).Scan(&n) != nil {
		return 0
	}
	return n
}

// rateLimit: one target at 600 rpm and one at 6,000 tpm, together.
func (e *env) rateLimit() error {
	n := e.n(300)
	f, err := e.fixture("ratelimit", n)
	if err != nil {
		return err
	}
	rec := &recorder{}
	_, url, stop, err := f.serve(0, rec)
	if err != nil {
		return err
	}
	defer stop()
	const rpm, tpm = 600, 6000
	cfg, err := f.config(
		target{name: "rpm", url: url, concurrency: 16, rpm: rpm, stream: true},
		target{name: "tpm", url: url, concurrency: 16, tpm: tpm, stream: true},
	)
	if err != nil {
		return err
	}
	db := filepath.Join(f.dir, "llmbench.db")
	if _, err := e.llmbench(f.dir, nil, "run", "--config", cfg, "--db", db); err != nil {
		return err
	}
	var rpmAt, tpmAt []time.Time
	var tpmTok []int
	for _, r := range rec.all() {
		switch r.Model {
		case "rpm":
			rpmAt = append(rpmAt, r.Arrived)
		case "tpm":
			tpmAt = append(tpmAt, r.Arrived)
			tpmTok = append(tpmTok, r.PromptTokens+r.AnswerTokens)
		}
	}
	if len(rpmAt) != n || len(tpmAt) != n {
		return fmt.Errorf("server saw %d and %d calls, want %d each", len(rpmAt), len(tpmAt), n)
	}
	slices.SortFunc(rpmAt, time.Time.Compare)
	worst := maxInWindow(rpmAt, time.Second)
	achieved := float64(n-1) / rpmAt[n-1].Sub(rpmAt[0]).Minutes()
	e.add(row{
		what:      fmt.Sprintf("Rate limit: rpm %d, %d calls, as the server saw them", rpm, n),
		measured:  fmt.Sprintf("at most %d calls in any 1-second window", worst),
		threshold: "≤ 10",
		ok:        verdict(worst <= rpm/60),
	})
	e.add(row{
		what:      fmt.Sprintf("Rate limit: rpm %d achieved", rpm),
		measured:  fmt.Sprintf("%.1f rpm = %.2f%% of the limit", achieved, 100*achieved/rpm),
		threshold: "≥ 98%",
		ok:        verdict(achieved >= 0.98*rpm),
	})
	idx := make([]int, len(tpmAt))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return tpmAt[a].Compare(tpmAt[b]) })
	ts := make([]time.Time, len(idx))
	ws := make([]int, len(idx))
	total, biggest := 0, 0
	for k, i := range idx {
		ts[k], ws[k] = tpmAt[i], tpmTok[i]
		total += tpmTok[i]
		biggest = max(biggest, tpmTok[i])
	}
	perSec := sumInWindow(ts, ws, time.Second)
	perMin := sumInWindow(ts, ws, time.Minute)
	tokRate := float64(total-ws[len(ws)-1]) / ts[len(ts)-1].Sub(ts[0]).Minutes()
	e.add(row{
		what:      fmt.Sprintf("Rate limit: tpm %d (server counts a word as a token; llmbench estimates, then learns from usage)", tpm),
		measured:  fmt.Sprintf("at most %d tokens in any 1-second window, %d in any minute; %.0f tokens/min achieved (%.1f%%)", perSec, perMin, tokRate, 100*tokRate/tpm),
		threshold: fmt.Sprintf("≤ %d/s + one call (%d tokens); ≤ %d/min + one call", tpm/60, biggest, tpm),
		ok:        verdict(perSec <= tpm/60+biggest && perMin <= tpm+biggest),
	})
	return nil
}

// adaptive: a server that allows 50 calls per second answers the rest with
// 429; the target has no rpm.
func (e *env) adaptive() error {
	n := e.n(1500)
	f, err := e.fixture("adaptive", n)
	if err != nil {
		return err
	}
	rec := &recorder{}
	s := &loopback.Server{Latency: 100 * time.Millisecond, Answers: f.answers, Default: "?", RPS: 50, Burst: 10, RetryAfter: 500 * time.Millisecond, Log: rec.log}
	url, stop, err := s.Start()
	if err != nil {
		return err
	}
	defer stop()
	cfg, err := f.config(target{name: "t", url: url, concurrency: 64, stream: true})
	if err != nil {
		return err
	}
	db := filepath.Join(f.dir, "llmbench.db")
	p, err := e.llmbench(f.dir, nil, "run", "--config", cfg, "--db", db)
	if err != nil {
		return err
	}
	recs := rec.all()
	limited, okN := 0, 0
	for _, r := range recs {
		if r.Status == 429 {
			limited++
		} else {
			okN++
		}
	}
	_, lat, err := runOf(db)
	if err != nil {
		return err
	}
	rate := float64(okN) / p.wall.Seconds()
	e.add(row{
		what:      fmt.Sprintf("Backing off: server allows 50 calls/s (429 + retry-after 500 ms beyond), no rpm set, concurrency 64, 100 ms server, %d cases", n),
		measured:  fmt.Sprintf("%d of %d answered; %.1f%% of %d requests got 429; %.1f answers/s over the whole command", len(lat), n, 100*float64(limited)/float64(len(recs)), len(recs), rate),
		threshold: "every case answered",
		ok:        verdict(len(lat) == n),
	})
	return nil
}

// maxInWindow is the most instants of sorted ts in any window [t, t+w).
func maxInWindow(ts []time.Time, w time.Duration) int {
	best, j := 0, 0
	for i := range ts {
		for j < len(ts) && ts[j].Sub(ts[i]) < w {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// sumInWindow is the largest sum of ws over instants of sorted ts in any
// window [t, t+w).
func sumInWindow(ts []time.Time, ws []int, w time.Duration) int {
	best, sum, j := 0, 0, 0
	for i := range ts {
		for j < len(ts) && ts[j].Sub(ts[i]) < w {
			sum += ws[j]
			j++
		}
		best = max(best, sum)
		sum -= ws[i]
	}
	return best
}
