package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/llmbench/llmbench/report"
)

// The scheduling examples in examples/nightly are checked by running the
// command each contains, with the llmbench binary built from this tree and
// a config pointing at an in-process simulator; the site-specific paths
// they name are replaced by temporary directories.

const examplesDir = "../../examples/nightly"

// buildLLMBench builds the binary into a temporary directory.
func buildLLMBench(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the llmbench binary")
	}
	bin := filepath.Join(t.TempDir(), "llmbench")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// exampleHome prepares a directory holding the binary (as llmbench) and a
// nightly.yaml for a fresh simulator, as the examples expect.
func exampleHome(t *testing.T, bin, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// 200 ms keeps scheduling noise on a loaded machine (the race detector,
	// parallel tests) well inside the latency thresholds: at 20 ms a busy
	// CI machine alone doubled p95 and raised a false alarm.
	m := nightModel("base-sim", 0.85, 200*time.Millisecond, "base-sim-1")
	url := startNightSim(t, 1, m)
	nightConfig(t, dir, url, m)
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "llmbench"), data, 0o755); err != nil {
		t.Fatal(err)
	}
}

// shell runs script with sh in dir with extra environment, returning the
// combined output and the exit code.
func shell(t *testing.T, shellName, dir, script string, env ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(shellName, "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), 0
}

// checkOutputs checks a night's four outputs in dir and returns its verdict.
func checkOutputs(t *testing.T, dir string) string {
	t.Helper()
	for _, f := range []string{"report.html", "summary.md", "summary.json", "junit.xml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	junitFailures(t, filepath.Join(dir, "junit.xml"))
	return readSummary(t, dir).Verdict
}

func TestExampleCrontab(t *testing.T) {
	bin := buildLLMBench(t)
	data, err := os.ReadFile(filepath.Join(examplesDir, "crontab"))
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	var jobs []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	assign := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case assign.MatchString(line):
			env = append(env, line)
		default:
			jobs = append(jobs, line)
		}
	}
	if len(jobs) != 1 {
		t.Fatalf("crontab has %d job lines, want 1", len(jobs))
	}
	fields := strings.Fields(jobs[0])
	if len(fields) < 6 {
		t.Fatalf("job line has no command: %q", jobs[0])
	}
	// The five schedule fields, then the command, in which cron turns an
	// unescaped % into a newline; the example escapes every one.
	schedule := fields[:5]
	command := strings.TrimSpace(regexp.MustCompile(`^\s*(\S+\s+){5}`).ReplaceAllString(jobs[0], ""))
	if regexp.MustCompile(`(^|[^\\])%`).MatchString(command) {
		t.Errorf("command has an unescaped %%: %s", command)
	}
	command = strings.ReplaceAll(command, `\%`, "%")
	for _, f := range schedule {
		if !regexp.MustCompile(`^[0-9*/,-]+$`).MatchString(f) {
			t.Errorf("schedule field %q", f)
		}
	}
	home := filepath.Join(t.TempDir(), "home")
	exampleHome(t, bin, home)
	env = append(env, "LLMBENCH_HOME="+home) // the site's path, replaced
	var verdicts []string
	for range 2 {
		out, code := shell(t, "sh", t.TempDir(), command, env...)
		if code != ExitOK {
			log, _ := os.ReadFile(filepath.Join(home, "nightly.log"))
			t.Fatalf("cron command: exit %d\n%s\n%s", code, out, log)
		}
		reports, _ := filepath.Glob(filepath.Join(home, "reports", "*", "summary.json"))
		if len(reports) == 0 {
			t.Fatal("no reports/DATE/summary.json")
		}
		verdicts = append(verdicts, checkOutputs(t, filepath.Dir(reports[len(reports)-1])))
	}
	if diff := slices.Compare(verdicts, []string{report.VerdictFirstRun, report.VerdictOK}); diff != 0 {
		t.Errorf("verdicts %v, want first_run then ok", verdicts)
	}
}

// unitFile parses a systemd unit file into section → key → values.
func unitFile(t *testing.T, name string) map[string]map[string][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(examplesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string][]string{}
	section := ""
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
			out[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("%s:%d: not a key=value line in a section: %q", name, i+1, line)
			}
			out[section][strings.TrimSpace(k)] = append(out[section][strings.TrimSpace(k)], strings.TrimSpace(v))
		}
	}
	return out
}

func TestExampleSystemd(t *testing.T) {
	bin := buildLLMBench(t)
	svc := unitFile(t, "llmbench-nightly.service")
	timer := unitFile(t, "llmbench-nightly.timer")
	if got := timer["Timer"]["Unit"]; len(got) != 1 || got[0] != "llmbench-nightly.service" {
		t.Errorf("timer starts %v", got)
	}
	if len(timer["Timer"]["OnCalendar"]) != 1 || len(timer["Install"]["WantedBy"]) != 1 {
		t.Errorf("timer lacks OnCalendar or WantedBy: %v", timer)
	}
	if got := svc["Service"]["Type"]; len(got) != 1 || got[0] != "oneshot" {
		t.Errorf("service type %v, want oneshot", got)
	}
	exec := svc["Service"]["ExecStart"]
	if len(exec) != 1 {
		t.Fatalf("ExecStart %v", exec)
	}
	// The site's paths, replaced by temporary ones.
	tmp := t.TempDir()
	etc, state := filepath.Join(tmp, "etc"), filepath.Join(tmp, "state")
	exampleHome(t, bin, etc)
	if err := os.MkdirAll(state, 0o755); err != nil {
		t.Fatal(err)
	}
	repl := strings.NewReplacer("/usr/local/bin/llmbench", filepath.Join(etc, "llmbench"), "/etc/llmbench", etc, "/var/lib/llmbench", state)
	args := strings.Fields(repl.Replace(exec[0]))
	wd := repl.Replace(svc["Service"]["WorkingDirectory"][0])
	for i, want := range []string{report.VerdictFirstRun, report.VerdictOK} {
		cmd := execCommand(args, wd)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("night %d: ExecStart: %v\n%s", i+1, err, out)
		}
		if got := checkOutputs(t, filepath.Join(state, "reports")); got != want {
			t.Errorf("night %d: verdict %q, want %q", i+1, got, want)
		}
	}
}

func execCommand(args []string, dir string) *exec.Cmd {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	return cmd
}

func TestExampleGitHubActions(t *testing.T) {
	bin := buildLLMBench(t)
	data, err := os.ReadFile(filepath.Join(examplesDir, "github-actions.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		On struct {
			Schedule []struct{ Cron string } `yaml:"schedule"`
		} `yaml:"on"`
		Jobs map[string]struct {
			RunsOn string `yaml:"runs-on"`
			Steps  []struct {
				Name string            `yaml:"name"`
				Uses string            `yaml:"uses"`
				If   string            `yaml:"if"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("github-actions.yml: %v", err)
	}
	if len(wf.On.Schedule) != 1 || len(strings.Fields(wf.On.Schedule[0].Cron)) != 5 {
		t.Errorf("schedule %+v", wf.On.Schedule)
	}
	job, ok := wf.Jobs["nightly"]
	if !ok || job.RunsOn == "" {
		t.Fatalf("no nightly job: %+v", wf.Jobs)
	}
	var script string
	var saved, uploaded bool
	for _, s := range job.Steps {
		switch {
		case strings.Contains(s.Run, "llmbench nightly"):
			script = s.Run
		case strings.HasPrefix(s.Uses, "actions/cache/save@"):
			saved = s.If == "always()" && s.With["path"] == "llmbench.db"
		case strings.HasPrefix(s.Uses, "actions/upload-artifact@"):
			uploaded = s.If == "always()" && s.With["path"] != ""
		}
	}
	if !saved || !uploaded || script == "" {
		t.Fatalf("workflow must run nightly, save the database and upload the report even on failure (saved %v, uploaded %v)", saved, uploaded)
	}
	// Run the step's script as Actions would (bash -e), with the files
	// Actions provides.
	dir := t.TempDir()
	exampleHome(t, bin, dir)
	ghOut, ghSum := filepath.Join(dir, "gh_output"), filepath.Join(dir, "gh_summary")
	for i, want := range []string{report.VerdictFirstRun, report.VerdictOK} {
		out, code := shell(t, "bash", dir, "set -eo pipefail\n"+script, "GITHUB_OUTPUT="+ghOut, "GITHUB_STEP_SUMMARY="+ghSum, "LLMBENCH_WEBHOOK=")
		if code != ExitOK {
			t.Fatalf("night %d: exit %d\n%s", i+1, code, out)
		}
		if got := checkOutputs(t, filepath.Join(dir, "out")); got != want {
			t.Errorf("night %d: verdict %q, want %q", i+1, got, want)
		}
	}
	if o, _ := os.ReadFile(ghOut); !strings.Contains(string(o), "exit=0") {
		t.Errorf("GITHUB_OUTPUT: %q", o)
	}
	if s, _ := os.ReadFile(ghSum); !strings.Contains(string(s), "# llmbench nightly") {
		t.Errorf("job summary: %q", s)
	}
}

func TestExampleGitLabCI(t *testing.T) {
	bin := buildLLMBench(t)
	data, err := os.ReadFile(filepath.Join(examplesDir, "gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var ci map[string]struct {
		Image string `yaml:"image"`
		Cache struct {
			Paths []string `yaml:"paths"`
			When  string   `yaml:"when"`
		} `yaml:"cache"`
		Script    []string `yaml:"script"`
		Artifacts struct {
			When    string            `yaml:"when"`
			Paths   []string          `yaml:"paths"`
			Reports map[string]string `yaml:"reports"`
		} `yaml:"artifacts"`
	}
	if err := yaml.Unmarshal(data, &ci); err != nil {
		t.Fatalf("gitlab-ci.yml: %v", err)
	}
	job, ok := ci["llmbench-nightly"]
	if !ok {
		t.Fatal("no llmbench-nightly job")
	}
	if !slices.Contains(job.Cache.Paths, "llmbench.db") || job.Cache.When != "always" {
		t.Errorf("the database is not cached on every outcome: %+v", job.Cache)
	}
	if job.Artifacts.When != "always" || job.Artifacts.Reports["junit"] == "" {
		t.Errorf("artifacts %+v", job.Artifacts)
	}
	dir := t.TempDir()
	exampleHome(t, bin, dir)
	for i, want := range []string{report.VerdictFirstRun, report.VerdictOK} {
		ran := false
		for _, line := range job.Script {
			if strings.HasPrefix(line, "go build") {
				continue // the binary is already built
			}
			out, code := shell(t, "sh", dir, line, "LLMBENCH_WEBHOOK=")
			if code != ExitOK {
				t.Fatalf("night %d: %s: exit %d\n%s", i+1, line, code, out)
			}
			ran = ran || strings.Contains(line, "llmbench nightly")
		}
		if !ran {
			t.Fatal("the script does not run llmbench nightly")
		}
		if got := checkOutputs(t, filepath.Join(dir, "out")); got != want {
			t.Errorf("night %d: verdict %q, want %q", i+1, got, want)
		}
		if _, err := os.Stat(filepath.Join(dir, job.Artifacts.Reports["junit"])); err != nil {
			t.Error(err)
		}
	}
}
