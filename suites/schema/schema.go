// Package schema ships the JSON Schema (draft 2020-12) of llmbench suite
// files, for editors that check YAML while it is typed (yaml-language-server
// and the editors built on it) and for `llmbench suites schema`. The same
// file is published as docs/suite.schema.json; a test keeps the two equal
// and checks that the schema accepts exactly the suite files the loader
// (suites.Load) accepts, as far as their shape goes.
//
// Where it sits: documentation of suites.Load's input. The loader does not
// read it: its own checks give better messages with file and line.
package schema

import _ "embed"

// JSON is the schema's text.
//
//go:embed suite.schema.json
var JSON []byte

// ID is the schema's $id, where docs/suite.schema.json is published; a
// suite file points an editor at it with
//
//	# yaml-language-server: $schema=<ID>
const ID = "https://raw.githubusercontent.com/llmbench/llmbench/main/docs/suite.schema.json"
