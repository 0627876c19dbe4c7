// Command llmbench benchmarks LLM backends against a baseline: it runs
// suites of prompts concurrently, scores every answer, stores results in
// SQLite and renders a self-contained HTML report.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	// Every provider adapter registers itself.
	_ "github.com/llmbench/llmbench/providers/all"
)

// Exit codes, the same for every command.
const (
	ExitOK          = 0   // done: a run completed (failed calls are data, not a failure)
	ExitFailed      = 1   // bad config or suite, store error, crash
	ExitUsage       = 2   // usage error: unknown flag, missing argument
	ExitRegression  = 3   // a regression was found (nightly, runs diff)
	ExitIncomplete  = 4   // stopped by a budget, or every target stopped by auth/quota errors
	ExitInterrupted = 130 // interrupted by Ctrl-C; the run can be resumed
)

const exitCodesHelp = `EXIT CODES:
   0    done: the run completed (failed calls are stored as data, not a failure)
   1    failed: bad config or suite, store error, crash
   2    usage error
   3    regression found (nightly, runs diff)
   4    incomplete: stopped by a budget, or every target stopped by auth/quota errors
   130  interrupted by Ctrl-C (resume with: llmbench run --resume last)`

// Set by the linker: -ldflags "-X main.version=v0.1.0 -X main.commit=abc123".
var (
	version = "0.1.0-dev"
	commit  = ""
)

// exitError carries an exit code through the error chain.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func withCode(code int, err error) error { return &exitError{code: code, err: err} }

func usageErrorf(format string, args ...any) error {
	return withCode(ExitUsage, fmt.Errorf(format, args...))
}

// exitCode maps an error chain to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return ExitFailed
}

func versionString() string {
	c := commit
	if c == "" {
		c = "devel"
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" && s.Value != "" {
					c = s.Value
					if len(c) > 12 {
						c = c[:12]
					}
				}
			}
		}
	}
	return version + " (commit " + c + ")"
}

// harnessString is what a run records of the harness that made it: the
// version and the platform, which tells how its latencies were timed
// (kernel receive stamps on Linux, the process clock elsewhere; see
// providers/wiretime).
func harnessString() string {
	return versionString() + " on " + runtime.GOOS + "/" + runtime.GOARCH
}

func main() {
	// The first Ctrl-C stops scheduling (calls in flight finish and are
	// stored); the second also cuts calls in flight. Either way the results
	// that finished are on disk and the run can be resumed.
	soft, stopSoft := context.WithCancel(context.Background())
	hard, stopHard := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		fmt.Fprintln(os.Stderr, "\ninterrupt: finishing calls in flight and saving; press Ctrl-C again to stop at once")
		stopSoft()
		<-sigs
		fmt.Fprintln(os.Stderr, "\ninterrupt: stopping now")
		stopHard()
	}()
	err := run(soft, hard, os.Args, os.Stdin, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "llmbench: "+oneLine(err))
	}
	os.Exit(exitCode(err))
}

// oneLine keeps multi-problem errors readable: the first line stays on the
// "llmbench:" line, the rest are indented beneath it.
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "\n  ")
}

// run is the whole CLI; ctx cancellation stops scheduling, abort cuts calls
// in flight.
func run(ctx, abort context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	app := newApp(abort, stdout, stderr)
	app.Reader = stdin
	err := app.RunContext(ctx, intersperse(app, args))
	if err != nil && exitCode(err) == ExitFailed && isUsage(err) {
		return withCode(ExitUsage, err)
	}
	return err
}

// isUsage recognises urfave/cli's own usage errors (unknown flags, missing
// required flags, unknown commands), which it returns as plain errors.
func isUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"flag provided but not defined", "Required flag", "Required flags", "flag needs an argument", "invalid value", "No help topic", "command not found"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func newApp(abort context.Context, stdout, stderr io.Writer) *cli.App {
	cli.VersionPrinter = func(c *cli.Context) {
		fmt.Fprintf(c.App.Writer, "llmbench %s\n", versionString())
	}
	app := &cli.App{
		Name:    "llmbench",
		Usage:   "benchmark LLM backends against a baseline: quality, speed and cost",
		Version: versionString(),
		Description: `llmbench runs suites of prompts (built-in: reasoning, summarisation, vision;
or your own) concurrently against many model backends, scores every answer,
stores scores, latencies and tokens in SQLite, and renders a self-contained
HTML report that compares every target with a baseline (GPT-4o by default).

Flags may come before or after arguments: llmbench COMMAND [flags] [arguments]
[flags]; "--" ends them.

Start offline with:  llmbench demo`,
		Writer:                 stdout,
		ErrWriter:              stderr,
		HideHelpCommand:        true,
		UseShortOptionHandling: true,
		OnUsageError: func(c *cli.Context, err error, isSubcommand bool) error {
			return withCode(ExitUsage, fmt.Errorf("%w (see: %s --help)", err, c.Command.HelpName))
		},
		ExitErrHandler: func(*cli.Context, error) {}, // exit codes are ours, in main
		Commands: []*cli.Command{
			runCommand(abort),
			nightlyCommand(abort),
			reportCommand(),
			demoCommand(abort),
			simCommand(),
			suitesCommand(),
			providersCommand(),
			runsCommand(),
			scoreCommand(),
			rescoreCommand(),
		},
	}
	app.CustomAppHelpTemplate = cli.AppHelpTemplate + "\n" + exitCodesHelp + "\n"
	return app
}

// dbFlag is the database flag every command that reads or writes runs takes.
func dbFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "db", Value: "llmbench.db", Usage: "SQLite database `FILE` holding runs and results", EnvVars: []string{"LLMBENCH_DB"}}
}

// requireNoArgs rejects stray arguments (often a flag written after an argument).
func requireNoArgs(c *cli.Context) error {
	if c.Args().Len() > 0 {
		return usageErrorf("unexpected argument %q (see: %s --help)", c.Args().First(), c.Command.HelpName)
	}
	return nil
}
