package bench

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/llmbench/llmbench/providers/sim"
	"github.com/llmbench/llmbench/results"
)

// llmbenchBinary builds the llmbench command once per test process.
var llmbenchBinary = sync.OnceValues(func() (string, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("no go tool to build llmbench: %w", err)
	}
	dir, err := os.MkdirTemp("", "llmbench-crash-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "llmbench")
	cmd := exec.Command(goTool, "build", "-o", bin, "github.com/llmbench/llmbench/cmd/llmbench")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build llmbench: %v\n%s", err, out)
	}
	return bin, nil
})

func buildLLMBench(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the llmbench binary and runs it as a process; skipped with -short")
	}
	bin, err := llmbenchBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bin, err := llmbenchBinary(); err == nil && bin != "" && !testing.Short() {
		os.RemoveAll(filepath.Dir(bin))
	}
	os.Exit(code)
}

// phaseEnv is the variable the crash test hands each llmbench process; it
// becomes the process's API key, so the simulator can tell which process
// sent each request (a killed process's last bytes can arrive late).
const phaseEnv = "LLMBENCH_TEST_PHASE"

// recorder wraps the simulator and records which process asked for which
// case of which model.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	// calls maps a phase to the (model, case) pairs it asked for.
	calls map[string]map[[2]string]int
}

var caseInPrompt = regexp.MustCompile(`\bcase (q\d+)\b`)

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req struct {
		Model    string `json:"model"`
		Messages []struct {
			Content string `json:"content"`
		} `json:"messages"`
	}
	if json.Unmarshal(body, &req) == nil && len(req.Messages) > 0 {
		phase := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		m := caseInPrompt.FindStringSubmatch(req.Messages[len(req.Messages)-1].Content)
		if m != nil {
			rc.mu.Lock()
			if rc.calls[phase] == nil {
				rc.calls[phase] = map[[2]string]int{}
			}
			rc.calls[phase][[2]string{req.Model, m[1]}]++
			rc.mu.Unlock()
		}
	}
	rc.next.ServeHTTP(w, r)
}

// crashFixture is a suite, a simulator and a config for runs of the
// llmbench binary.
type crashFixture struct {
	dir, config, db string
	models          []string
	cases           int
	repeats         int
	rec             *recorder
}

func newCrashFixture(t *testing.T, cases, repeats, concurrency int, ttft time.Duration) *crashFixture {
	t.Helper()
	dir := t.TempDir()
	var lines strings.Builder
	answers := map[string]string{}
	for i := range cases {
		q := fmt.Sprintf("In case q%03d: what is %d + %d? End with 'Answer: <number>'.", i, i, 2*i)
		fmt.Fprintf(&lines, "{\"id\": \"q%03d\", \"q\": %q, \"reference\": \"%d\"}\n", i, q, 3*i)
		answers[sim.PromptKey(q)] = fmt.Sprint(3 * i)
	}
	if err := os.WriteFile(filepath.Join(dir, "cases.jsonl"), []byte(lines.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	suite := "name: crash\nprompt: \"{{.q}}\"\nscorers: [numeric]\ncases: cases.jsonl\n"
	if err := os.WriteFile(filepath.Join(dir, "suite.yaml"), []byte(suite), 0o644); err != nil {
		t.Fatal(err)
	}
	models := []sim.Model{
		{Name: "alpha-sim", TTFT: ttft, TTFTJitter: ttft / 2, TokensPerSec: 2000, Accuracy: 0.8,
			RateLimitRate: 0.05, ServerErrorRate: 0.03, RefusalRate: 0.02, RetryAfter: 20 * time.Millisecond},
		{Name: "beta-sim", TTFT: ttft, TTFTJitter: ttft / 2, TokensPerSec: 1500, Accuracy: 0.7,
			RateLimitRate: 0.02, ServerErrorRate: 0.05, RefusalRate: 0.03, RetryAfter: 30 * time.Millisecond},
	}
	rec := &recorder{next: sim.NewServer(sim.Options{Models: models, Seed: 3, Answers: answers}), calls: map[string]map[[2]string]int{}}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)

	var cfg strings.Builder
	fmt.Fprintf(&cfg, "name: crash\nrepeats: %d\ntargets:\n", repeats)
	f := &crashFixture{dir: dir, db: filepath.Join(dir, "llmbench.db"), cases: cases, repeats: repeats, rec: rec}
	for _, m := range models {
		fmt.Fprintf(&cfg, "  - name: %s\n    provider: sim\n    model: %s\n    base_url: %s/v1\n    api_key_env: %s\n    concurrency: %d\n    max_attempts: 3\n    timeout: 10s\n",
			m.Name, m.Name, srv.URL, phaseEnv, concurrency)
		f.models = append(f.models, m.Name)
	}
	cfg.WriteString("suites: [suite.yaml]\n")
	f.config = filepath.Join(dir, "crash.yaml")
	if err := os.WriteFile(f.config, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// command is an llmbench run of the fixture's config as process phase.
func (f *crashFixture) command(bin, phase string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, append([]string{"run", "--config", f.config, "--db", f.db}, args...)...)
	cmd.Env = append(os.Environ(), phaseEnv+"="+phase, "LLMBENCH_DB=")
	cmd.Dir = f.dir
	return cmd
}

// done reads the (model, case) pairs whose every repeat has a stored
// result, and the runs recorded.
func (f *crashFixture) done(t *testing.T) (map[[2]string]bool, []results.Run) {
	t.Helper()
	if _, err := os.Stat(f.db); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	store, err := results.Open(f.db)
	if err != nil {
		t.Fatalf("open the database after a kill: %v", err)
	}
	defer store.Close()
	ctx := context.Background()
	runs, err := store.Runs(ctx, "crash")
	if err != nil {
		t.Fatal(err)
	}
	out := map[[2]string]bool{}
	for _, run := range runs {
		keys, err := store.Done(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := map[[2]string]int{}
		for k := range keys {
			n[[2]string{k.Target, k.CaseID}]++
		}
		for k, c := range n {
			if c == f.repeats {
				out[k] = true
			}
		}
	}
	return out, runs
}

// check verifies the final database: one completed run holding exactly one
// result per case × target × repeat, and an intact file.
func (f *crashFixture) check(t *testing.T) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+f.db+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var integrity string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("PRAGMA integrity_check = %q (err %v), want ok", integrity, err)
	}
	var fk int
	if err := db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&fk); err != nil || fk != 0 {
		t.Errorf("%d foreign key violations (err %v)", fk, err)
	}
	var runs []string
	rows, err := db.Query(`SELECT id, status FROM runs`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			t.Fatal(err)
		}
		if status != results.StatusCompleted {
			t.Errorf("run %s is %s, want completed", id, status)
		}
		runs = append(runs, id)
	}
	rows.Close()
	if len(runs) != 1 {
		t.Fatalf("%d runs recorded (%v), want 1: every process after the first must resume it", len(runs), runs)
	}
	var total, distinct, canceled int
	if err := db.QueryRow(`SELECT count(*), count(DISTINCT suite || '/' || case_id || '/' || target || '/' || repeat),
    count(*) FILTER (WHERE error_class = 'canceled') FROM results WHERE run_id = ?`, runs[0]).Scan(&total, &distinct, &canceled); err != nil {
		t.Fatal(err)
	}
	want := f.cases * len(f.models) * f.repeats
	if total != want || distinct != want || canceled != 0 {
		t.Errorf("%d results (%d distinct, %d canceled), want exactly %d: one per case × target × repeat", total, distinct, canceled, want)
	}
	// Every planned key is there (not just the right count).
	var missing int
	if err := db.QueryRow(`SELECT count(*) FROM cases AS c
    CROSS JOIN run_targets AS t ON t.run_id = c.run_id
    CROSS JOIN (SELECT value AS repeat FROM generate_series(0, ?)) AS r
    WHERE c.run_id = ? AND NOT EXISTS (SELECT 1 FROM results AS x WHERE x.run_id = c.run_id AND x.suite = c.suite
        AND x.case_id = c.case_id AND x.target = t.name AND x.repeat = r.repeat)`, f.repeats-1, runs[0]).Scan(&missing); err != nil {
		// generate_series is an optional SQLite extension: count per key instead.
		missing = f.missingByKey(t, db, runs[0])
	}
	if missing != 0 {
		t.Errorf("%d case × target × repeat keys have no result", missing)
	}
	var scores int
	if err := db.QueryRow(`SELECT count(*) FROM scores AS s JOIN results AS r ON r.id = s.result_id
    WHERE r.run_id = ? AND r.error_class = ''`, runs[0]).Scan(&scores); err != nil {
		t.Fatal(err)
	}
	var ok int
	if err := db.QueryRow(`SELECT count(*) FROM results WHERE run_id = ? AND error_class = ''`, runs[0]).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	if scores != ok {
		t.Errorf("%d scores for %d answered results, want one each", scores, ok)
	}
}

func (f *crashFixture) missingByKey(t *testing.T, db *sql.DB, runID string) int {
	t.Helper()
	have := map[string]bool{}
	rows, err := db.Query(`SELECT case_id, target, repeat FROM results WHERE run_id = ?`, runID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, tg string
		var r int
		if err := rows.Scan(&c, &tg, &r); err != nil {
			t.Fatal(err)
		}
		have[fmt.Sprintf("%s/%s/%d", c, tg, r)] = true
	}
	missing := 0
	for i := range f.cases {
		for _, m := range f.models {
			for r := range f.repeats {
				if !have[fmt.Sprintf("q%03d/%s/%d", i, m, r)] {
					missing++
				}
			}
		}
	}
	return missing
}

// TestKillAndResume kills llmbench with SIGKILL at 20 random points of a
// run against the simulator, resumes it with --resume last each time, and
// checks that the database ends with exactly one result per case × target
// × repeat, intact, and that no process called what was already stored.
func TestKillAndResume(t *testing.T) {
	bin := buildLLMBench(t)
	const kills = 20
	f := newCrashFixture(t, 250, 2, 4, 12*time.Millisecond)
	rng := rand.New(rand.NewPCG(20260314, 6))
	deadline := time.Now().Add(90 * time.Second)

	killed := 0
	var progress []int // (model, case) pairs done before each process
	for phase := 0; ; phase++ {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %d kills: the run did not finish in time", killed)
		}
		before, runs := f.done(t)
		progress = append(progress, len(before))
		args := []string{"--resume", "last"}
		if len(runs) == 0 {
			args = nil // nothing recorded yet: start the run, as a user would
		}
		name := fmt.Sprintf("phase-%d", phase)
		cmd := f.command(bin, name, args...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var timer *time.Timer
		if killed < kills {
			// A random point: from process start-up (before the run is
			// recorded) to well into the calls.
			delay := 10*time.Millisecond + time.Duration(rng.Int64N(int64(350*time.Millisecond)))
			timer = time.AfterFunc(delay, func() { cmd.Process.Signal(syscall.SIGKILL) })
		}
		err := cmd.Wait()
		if timer != nil {
			timer.Stop()
		}
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee) && ee.ProcessState.Sys().(syscall.WaitStatus).Signaled():
			killed++
		case err != nil:
			t.Fatalf("phase %d: llmbench run %v: %v\n%s", phase, args, err, stderr.String())
		}

		// No process may call what had every repeat stored before it began.
		f.rec.mu.Lock()
		for k, n := range f.rec.calls[name] {
			if before[k] {
				t.Errorf("phase %d called %s/%s %d times, though all its repeats were stored", phase, k[0], k[1], n)
			}
		}
		f.rec.mu.Unlock()
		if err == nil {
			if killed < kills {
				t.Fatalf("the run finished after %d kills; make it longer so all %d land mid-run", killed, kills)
			}
			break
		}
	}
	t.Logf("%d kills; (model, case) pairs done before each process: %v", killed, progress)
	f.check(t)
}

// TestTwoProcessesOneDatabase starts a second run while a first is
// writing: it fails naming the first, and with --wait-lock it waits and
// then runs. Neither run is harmed.
func TestTwoProcessesOneDatabase(t *testing.T) {
	bin := buildLLMBench(t)
	f := newCrashFixture(t, 60, 1, 2, 15*time.Millisecond)

	first := f.command(bin, "first")
	out, err := first.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var firstErr bytes.Buffer
	first.Stderr = &firstErr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the first run is recorded and calling.
	sc := bufio.NewScanner(out)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "run ") {
		first.Process.Kill()
		first.Wait()
		t.Fatalf("first run printed %q, want its run id\n%s", sc.Text(), firstErr.String())
	}
	go io.Copy(io.Discard, out)

	second := f.command(bin, "second")
	msg, err := second.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Errorf("second run: %v, want exit code 1\n%s", err, msg)
	}
	for _, want := range []string{"in use by another run", "pid ", "--wait-lock"} {
		if !strings.Contains(string(msg), want) {
			t.Errorf("second run's message does not say %q:\n%s", want, msg)
		}
	}

	third := f.command(bin, "third", "--wait-lock")
	var thirdErr bytes.Buffer
	third.Stdout, third.Stderr = io.Discard, &thirdErr
	if err := third.Start(); err != nil {
		t.Fatal(err)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("first run: %v\n%s", err, firstErr.String())
	}
	if err := third.Wait(); err != nil {
		t.Fatalf("waiting run: %v\n%s", err, thirdErr.String())
	}
	if !strings.Contains(thirdErr.String(), "waiting: database") {
		t.Errorf("the waiting run did not say it waited:\n%s", thirdErr.String())
	}

	db, err := sql.Open("sqlite3", "file:"+f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var integrity string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check = %q (%v)", integrity, err)
	}
	rows, err := db.Query(`SELECT r.status, count(x.id) FROM runs AS r LEFT JOIN results AS x ON x.run_id = r.id GROUP BY r.id ORDER BY r.started`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %d", status, n))
	}
	want := fmt.Sprintf("%s %d", results.StatusCompleted, f.cases*len(f.models))
	if len(got) != 2 || got[0] != want || got[1] != want {
		t.Errorf("runs %v, want two of %q (the refused one recorded nothing)", got, want)
	}
}
