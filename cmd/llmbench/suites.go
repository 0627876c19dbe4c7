package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/suites"
	"github.com/llmbench/llmbench/suites/schema"
)

func suitesCommand() *cli.Command {
	return &cli.Command{
		Name:  "suites",
		Usage: "list built-in suites, scaffold, validate and import suite files",
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "list the built-in suites and the scorers suite files can use",
				UsageText: "llmbench suites list",
				Action: func(c *cli.Context) error {
					if err := requireNoArgs(c); err != nil {
						return err
					}
					w := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
					fmt.Fprintln(w, "SUITE\tCASES\tSCORERS\tDESCRIPTION")
					for _, name := range suites.BuiltinNames() {
						s, err := suites.Builtin(name)
						if err != nil {
							return err
						}
						fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", s.Name, s.Len(), strings.Join(s.Scorers, ","), s.Description)
					}
					w.Flush()
					fmt.Fprintf(c.App.Writer, "\nscorers: %s\n", strings.Join(suites.ScorerNames(), ", "))
					return nil
				},
			},
			{
				Name:      "validate",
				Usage:     "check suite files without running anything",
				UsageText: "llmbench suites validate PATH [PATH...]",
				Description: `Loads each suite (a suite file, a folder holding suite.yaml, or a built-in
suite's name) exactly as a run would, with its cases and images, and checks
everything: the keys and their types (what docs/suite.schema.json describes),
unique case ids, that every template renders for every case, that every image
exists inside the suite's folder and decodes, and that every scorer exists and
can score each case it is given (a number for numeric, keywords for keywords).
Every problem is printed as file:line: what is wrong and what to do, all of
them, not just the first. Notes about things that are allowed but worth knowing
follow a suite that is ok. Exits 1 when any suite has a problem.`,
				Action: func(c *cli.Context) error {
					if c.Args().Len() == 0 {
						return usageErrorf("suites validate needs at least one suite file (usage: llmbench suites validate PATH)")
					}
					bad := 0
					for _, p := range c.Args().Slice() {
						if !validateSuite(p, c.App.Writer, c.App.ErrWriter) {
							bad++
						}
					}
					if bad > 0 {
						return fmt.Errorf("%d of %d suites have problems", bad, c.Args().Len())
					}
					return nil
				},
			},
			{
				Name:      "new",
				Usage:     "write a new, documented suite folder to start from",
				UsageText: "llmbench suites new --kind " + strings.Join(suites.ScaffoldKinds, "|") + " NAME",
				Description: `Creates the folder NAME (which must not exist, or be empty) with a commented
suite.yaml, a cases.jsonl with three example cases and, for --kind vision, an
images/ folder with a generated picture. The suite is named after the folder.
It validates and runs as it is (against the simulator too); replace the cases
with your own. Kinds:

   reasoning       word problems with a numeric answer (numeric scorer)
   summarisation   one-sentence summaries (rougeL and keywords, document: article)
   vision          questions about an image (numeric scorer, images/)
   judge           open-ended requests graded by a judge model's rubric
   free            your own questions checked for required facts (keywords);
                   shows few-shot examples, tags and a case's own scorers

suite.yaml starts with a comment that points editors (yaml-language-server) at
the suite JSON Schema, so mistakes are flagged while typing.`,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "kind", Usage: "what the suite measures: `KIND` (" + strings.Join(suites.ScaffoldKinds, ", ") + ")"},
				},
				Action: func(c *cli.Context) error {
					if c.Args().Len() != 1 {
						return usageErrorf("suites new needs one folder name (usage: llmbench suites new --kind %s NAME)", strings.Join(suites.ScaffoldKinds, "|"))
					}
					kind := c.String("kind")
					if kind == "" {
						return usageErrorf("suites new needs --kind, one of %s", strings.Join(suites.ScaffoldKinds, ", "))
					}
					if !slices.Contains(suites.ScaffoldKinds, kind) {
						return usageErrorf("suites new: unknown --kind %q: one of %s", kind, strings.Join(suites.ScaffoldKinds, ", "))
					}
					dir := c.Args().First()
					files, err := suites.Scaffold(dir, kind)
					if err != nil {
						return err
					}
					w := c.App.Writer
					fmt.Fprintf(w, "created %s suite %s:\n", kind, dir)
					for _, f := range files {
						fmt.Fprintf(w, "  %s\n", filepath.Join(dir, filepath.FromSlash(f)))
					}
					fmt.Fprintf(w, "next:\n  edit %s and %s, then check them:  llmbench suites validate %s\n",
						filepath.Join(dir, "suite.yaml"), filepath.Join(dir, "cases.jsonl"), dir)
					fmt.Fprintf(w, "  run it: list %s under suites: in a run config, then  llmbench run --config FILE\n", dir)
					if kind == "judge" {
						fmt.Fprintln(w, "  a judged suite needs judge: in the run config (a target that grades the answers)")
					}
					fmt.Fprintln(w, "  guide: docs/writing-suites.md")
					return nil
				},
			},
			{
				Name:      "schema",
				Usage:     "print the JSON Schema of suite files",
				UsageText: "llmbench suites schema > suite.schema.json",
				Description: `Prints the JSON Schema (draft 2020-12) that editors use to check suite.yaml
while it is typed. Scaffolds point at the published copy; to work offline, save
this output and write "# yaml-language-server: $schema=./suite.schema.json" as
the first line of suite.yaml.`,
				Action: func(c *cli.Context) error {
					if err := requireNoArgs(c); err != nil {
						return err
					}
					_, err := c.App.Writer.Write(schema.JSON)
					return err
				},
			},
			suitesImportCommand(),
		},
	}
}

// validateSuite loads one suite as a run would and prints the outcome: an
// ok line and notes on stdout, or every problem on stderr. It reports
// whether the suite is ok.
func validateSuite(ref string, stdout, stderr io.Writer) bool {
	s, err := loadForValidate(ref)
	if err != nil {
		var le *suites.LoadError
		if errors.As(err, &le) {
			for _, p := range le.Problems { // all of them: LoadError.Error stops at 100
				fmt.Fprintln(stderr, p.String())
			}
			n := len(le.Problems)
			fmt.Fprintf(stderr, "%s: %d problem%s\n", ref, n, plural(n))
		} else {
			fmt.Fprintf(stderr, "%s: %v\n", ref, err)
		}
		return false
	}
	fmt.Fprintf(stdout, "%s: ok: suite %q, %d cases, scorers %s, hash %.12s\n", ref, s.Name, s.Len(), strings.Join(s.Scorers, ","), s.Hash)
	for _, note := range suiteNotes(s) {
		fmt.Fprintf(stdout, "  note: %s\n", note)
	}
	return true
}

// loadForValidate loads a suite file, a folder holding suite.yaml, or a
// built-in suite named as such (a path that exists wins).
func loadForValidate(ref string) (*suites.Suite, error) {
	fi, err := os.Stat(ref)
	switch {
	case err == nil && fi.IsDir():
		return suites.Load(filepath.Join(ref, "suite.yaml"))
	case err == nil:
		return suites.Load(ref)
	case strings.HasPrefix(ref, suites.BuiltinPrefix) || slices.Contains(suites.BuiltinNames(), ref):
		return suites.Builtin(ref)
	}
	return suites.Load(ref)
}

// suiteNotes are things about a valid suite that are allowed but worth
// knowing before a run.
func suiteNotes(s *suites.Suite) []string {
	var notes []string
	tags, err := s.Tags()
	if err != nil {
		return []string{err.Error()}
	}
	if len(tags) > 0 {
		names := slices.Sorted(maps.Keys(tags))
		parts := make([]string, len(names))
		for i, t := range names {
			parts[i] = fmt.Sprintf("%s (%d)", t, tags[t])
		}
		notes = append(notes, "tags: "+strings.Join(parts, ", ")+"; llmbench run --tag T asks only the cases tagged T")
	}
	remote, otherPrimary := 0, 0
	for c, err := range s.All() {
		if err != nil {
			return append(notes, err.Error())
		}
		for _, img := range c.Images {
			if img.URL != "" {
				remote++
			}
		}
		if len(c.Scorers) > 0 && len(s.Scorers) > 0 && c.Scorers[0].Name != s.Scorers[0] {
			otherPrimary++
		}
	}
	if remote > 0 {
		notes = append(notes, fmt.Sprintf("%d image%s given by http(s) URL: only providers that fetch image URLs (the OpenAI dialect) accept them, the others fail those calls as bad_request; the hash covers the URL, not the picture", remote, plural(remote)))
	}
	if otherPrimary > 0 {
		notes = append(notes, fmt.Sprintf("%d case%s list scorers of their own that do not start with the suite's primary scorer %s: the report scores the suite by %s, so put it first in those lists to count them", otherPrimary, plural(otherPrimary), s.Scorers[0], s.Scorers[0]))
	}
	return notes
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
