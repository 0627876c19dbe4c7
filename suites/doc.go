// Package suites defines what is asked and what counts as right: the Suite
// and Case types, the loader for suite files, the built-in suites and the
// scorers.
//
// Place in the flow:
//
//	suite.yaml + cases.jsonl ─ suites.Load ─> *Suite (an index of the cases) ─ bench.Plan ─> ...
//	                                 bench.Run: provider.Complete ─> Scorer.Score ─> Result
//
// # Suite files
//
// A suite is a YAML file (docs/writing-suites.md is the guide, and
// suites/schema the JSON Schema editors check it with):
//
//	name: my-suite
//	description: what it measures
//	system: optional system prompt
//	examples:                        # optional few-shot examples, sent as earlier turns
//	  - {user: "2+2?", assistant: "4"}
//	prompt: "{{.question}}"          # text/template over the case's fields, missingkey=error
//	scorers: [exact, rougeL]         # registry names; the first is the primary score
//	primary: rougeL                  # optional: moves the named scorer to the front
//	params: {temperature: 0, max_tokens: 256}
//	cases: cases.jsonl               # relative to the suite file, inside its folder; .csv/.tsv too; or an inline list
//
// Instead of prompt:, messages: is a conversation template, a list of
// {role: system|user|assistant, content: template} ending with a user
// message. Templates can call helpers (join, numbered, letters, split,
// upper, lower, trim, examples; see funcMap); a template that calls
// examples writes the few-shot examples itself and they are then not sent
// as turns.
//
// Each case is a JSON object (one per line in a JSONL file) with a unique
// "id" (a JSON number is taken as its literal text: 7 → "7", 1.5 → "1.5"),
// "reference" (a string) and/or "references" (a list of strings), optional
// "images" (paths relative to the suite file that stay inside its folder,
// data:image/...;base64 URLs, or http(s) URLs that only providers taking
// image URLs accept), optional "tags" (labels for llmbench run --tag),
// "scorers" (replacing the suite's for this case; its first is the case's
// primary score) and "messages" (the case's own conversation, replacing
// the suite's prompt for it), and any other fields, which the templates
// read.
//
// A cases file ending in .csv (RFC 4180) or .tsv/.tab (tab-separated, no
// quoting) has a header row naming the columns: id, the fields, reference
// (or several columns whose names start with reference: reference2,
// reference_b; empty cells are skipped) or references (split on "|"), and
// images, tags and scorers (split on "|"). Every cell is text. Such files,
// like JSONL, are read a record at a time and every problem names its
// line.
//
// Load checks everything before returning: it parses the templates,
// renders them for every case, loads and decodes every image (a remote
// image only has its URL checked), and asks each scorer of a case whether
// it can score it (see CaseChecker). All problems found are returned
// together in a *LoadError, each with its file and line; a Suite is
// returned only when there are none.
//
// # Cases stream
//
// A suite does not hold the cases of its cases file: Load reads the file
// once, checking and hashing every case, and keeps per case its id, where
// its record starts and ends (for CSV, where a quoted cell may span lines,
// csv.Reader's input offsets) and half its hash. Suite.Len and Suite.ID
// answer from that index; Suite.All streams the cases in file order and a
// CaseReader (Suite.Open) reads them by position, each decoded again from
// its record, images read from disk again, when it is reached. A case that
// no longer hashes as it did at load (the file or an image changed, moved
// or went away) is an error naming its file and line that wraps
// ErrChanged, never a different case run silently. Inline cases, built-in
// suites and pairs are small and are held in memory behind the same
// methods. WithTags is a filter: it keeps the positions of the cases it
// asks.
//
// # Hashes
//
// Case.Hash is the hex SHA-256 of the canonical JSON of
// {"id":…,"fields":…,"references":[…]} (encoding/json: object keys sorted,
// numbers as written in the case file; "messages" and "scorers" are added
// only when the case has them), followed, for each image in order, by its
// length as 8 big-endian bytes and its bytes (a remote image: its URL's
// length with the top bit set, then the URL, so a picture changed behind
// its URL is not noticed). Image paths and tags are not hashed: moving an
// image or relabelling a case leaves the hash alone, changing a pixel does
// not.
//
// Suite.Hash is the hex SHA-256 of the canonical JSON of
// {"name":…,"system":…,"prompt":…,"scorers":[…],"params":{…}} (plus
// "document", "judge", "messages" and "examples" when set; scorers with
// options as name?options, in order after primary: has moved one to the
// front) followed by every case hash in file order, one per line. The
// description and the suite's path are not part of it, so a built-in suite
// copied to a file hashes the same. Two runs with the same suite hash asked
// the same questions and scored them the same way. A run narrowed by tags
// (Suite.WithTags) hashes only the cases it asks.
//
// # Scorers
//
// Scorers live in a registry (RegisterScorer, LookupScorer, ScorerNames):
// exact, numeric, choice, keywords, rouge1/rouge2/rougeL/rougeLsum,
// bleu/chrf/chrf++, gsm8k-strict/gsm8k-flexible, cider and judge. Each
// documents its definition next to its code (the metric itself lives in
// suites/metrics, checked against the reference implementations' outputs)
// and stamps its Version on every Score. A suite may give a scorer options
// (ScorerSpec: tokenizer, stem); those that take options register a
// ScorerFactory. Scorers that need every reference of the suite first
// (CIDEr-D's document frequencies) implement Preparer; BuildScorerSet
// builds, configures and prepares a suite's scorers once per run, each with
// the cases it scores, and gives each case its list (ScorerSet.For).
//
// The judge scorer is Deferred: a judge model scores the answers after the
// run's calls (bench's judge phase), following the suite's judge: key
// (JudgeSpec: mode rubric or pairwise, and the rubric). A suite's judge:
// key is part of its hash only when set.
package suites
