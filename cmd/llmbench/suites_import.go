package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/suites/importers"
)

func suitesImportCommand() *cli.Command {
	var formats strings.Builder
	for _, f := range importers.Formats() {
		fmt.Fprintf(&formats, "   %-14s %s", f.Name, f.Description)
		if len(f.Options) > 0 {
			fmt.Fprintf(&formats, "\n   %-14s flags: --%s", "", strings.Join(f.Options, ", --"))
		}
		formats.WriteByte('\n')
	}
	return &cli.Command{
		Name:      "import",
		Usage:     "convert a public data set or a promptfoo config into a suite folder",
		UsageText: "llmbench suites import --format FORMAT [--limit N] [--name NAME] [--force] [format flags] SRC DEST",
		Description: `Reads SRC, a file you have, and writes DEST/suite.yaml and DEST/cases.jsonl
(DEST/images/ for captions; for a promptfoo config also DEST/targets.yaml and
one suite per prompt) with the data set's standard prompt, scorers and
references. The suite is loaded exactly as a run would before anything is
moved into DEST, so what import writes passes "llmbench suites validate"
and runs as is. What could not be mapped is printed and written to
DEST/IMPORT_NOTES.md. Nothing is downloaded.

Formats:
` + formats.String() + `
A bad source file is reported with file, line (or CSV record, or JSON path)
and what to fix, every problem at once; nothing is written then.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Required: true, Usage: "source `FORMAT`: " + strings.Join(importers.FormatNames(), ", ")},
			&cli.IntFlag{Name: "limit", Usage: "keep the first `N` rows of the source (0: all)"},
			&cli.StringFlag{Name: "name", Usage: "suite `NAME` (default: from the format and subject)"},
			&cli.BoolFlag{Name: "force", Usage: "replace the files of an earlier import in DEST"},
			&cli.StringFlag{Name: "document-field", Usage: "source `FIELD` holding the text to summarise (xsum: document, cnn-dm: article, lcsts: text)"},
			&cli.StringFlag{Name: "summary-field", Usage: "source `FIELD` holding the reference summary (xsum: summary, cnn-dm: highlights, lcsts: summary)"},
			&cli.StringFlag{Name: "images", Usage: "`DIR` image paths are resolved in (coco-captions; default: beside SRC)"},
			&cli.StringFlag{Name: "dev", Usage: "`FILE` of few-shot examples: the dev split (mmlu, cmmlu, ceval) or train split (gsm8k)"},
			&cli.IntFlag{Name: "shots", Value: 5, Usage: "`N` examples from --dev per subject"},
			&cli.StringFlag{Name: "subject", Usage: "`SUBJECT` of every question (mmlu, cmmlu, ceval; default: a subject column, else the file name)"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() != 2 {
				return usageErrorf("suites import needs SRC and DEST (usage: %s)", c.Command.UsageText)
			}
			opts := importers.Options{
				Format:        c.String("format"),
				Name:          c.String("name"),
				Limit:         c.Int("limit"),
				Force:         c.Bool("force"),
				DocumentField: c.String("document-field"),
				SummaryField:  c.String("summary-field"),
				Images:        c.String("images"),
				Dev:           c.String("dev"),
				Subject:       c.String("subject"),
			}
			if opts.Dev != "" || c.IsSet("shots") {
				opts.Shots = c.Int("shots")
			}
			src, dest := c.Args().Get(0), c.Args().Get(1)
			res, err := importers.Import(src, dest, opts)
			if err != nil {
				var oe *importers.OptionError
				if errors.As(err, &oe) {
					return usageErrorf("%s (see: %s --help)", oe.Msg, c.Command.HelpName)
				}
				var se *importers.SourceError
				if errors.As(err, &se) {
					n := fmt.Sprintf("%d problems", len(se.Problems))
					if len(se.Problems) == 1 {
						n = "1 problem"
					}
					return fmt.Errorf("%s: %s, nothing written:\n%w", src, n, err)
				}
				return err
			}
			printImport(c.App.Writer, src, res)
			return nil
		},
	}
}

// printImport says what was written and what was not mapped.
func printImport(w io.Writer, src string, res *importers.Result) {
	cases := 0
	for _, s := range res.Suites {
		cases = max(cases, s.Cases)
	}
	what := fmt.Sprintf("%d cases", cases)
	if len(res.Suites) > 1 {
		what = fmt.Sprintf("%d suites", len(res.Suites))
	}
	fmt.Fprintf(w, "imported %s from %s (%s, %d rows read) into %s\n", what, src, res.Format, res.Rows, res.Dest)
	var paths []string
	for _, s := range res.Suites {
		fmt.Fprintf(w, "  %s: suite %q, %d cases, scorers %s\n", s.Path, s.Name, s.Cases, strings.Join(s.Scorers, ", "))
		paths = append(paths, s.Path)
	}
	if res.Targets != "" {
		fmt.Fprintf(w, "  %s: targets, for llmbench run --config %s\n", res.Targets, res.Targets)
	}
	if len(res.Notes) > 0 {
		fmt.Fprintf(w, "not mapped or changed (also in %s/IMPORT_NOTES.md):\n", strings.TrimRight(res.Dest, "/"))
		for _, n := range res.Notes {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
	fmt.Fprintf(w, "next: llmbench suites validate %s\n", strings.Join(paths, " "))
}
