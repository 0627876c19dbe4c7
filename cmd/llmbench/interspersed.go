package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// intersperse moves the flags a user wrote after a command's arguments
// ("llmbench runs show ID --db x.db") in front of them, where urfave/cli
// v2 looks for them; it stops at the first non-flag argument otherwise.
// A flag that takes a value takes the next word with it (unless written
// --flag=value); "--" ends the flags, and what follows stays where it is;
// -h or --help anywhere asks for the command's help.
// Arguments before the command path (app-level flags) leave args as they
// are.
func intersperse(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	i := 1
	var cmd *cli.Command
	cmds := app.Commands
	for i < len(args) && !strings.HasPrefix(args[i], "-") {
		next := findCommand(cmds, args[i])
		if next == nil {
			break
		}
		cmd, cmds = next, next.Subcommands
		i++
	}
	if cmd == nil || len(cmd.Subcommands) > 0 {
		return args
	}
	var flags, positional, rest []string
	for j := i; j < len(args); j++ {
		a := args[j]
		if a == "--" {
			rest = args[j:]
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		if a == "-h" || a == "--help" {
			// Help for the command, whatever else was written.
			return append(append([]string{}, args[:i]...), "--help")
		}
		flags = append(flags, a)
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !hasValue && takesValue(cmd, name) && j+1 < len(args) {
			j++
			flags = append(flags, args[j])
		}
	}
	out := make([]string, 0, len(args))
	out = append(out, args[:i]...)
	out = append(out, flags...)
	out = append(out, positional...)
	return append(out, rest...)
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.Name == name {
			return c
		}
		for _, a := range c.Aliases {
			if a == name {
				return c
			}
		}
	}
	return nil
}

// takesValue reports whether the command's flag called name needs a
// value: every flag but a boolean one (an unknown flag is left for
// urfave/cli to reject, and takes nothing with it).
func takesValue(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				_, isBool := f.(*cli.BoolFlag)
				return !isBool
			}
		}
	}
	return false
}
