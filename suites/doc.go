// Package suites defines what is asked and what counts as right: the Suite
// and Case types, the loader for suite files, the built-in suites and the
// scorers.
//
// Place in the flow:
//
//	suite.yaml + cases.jsonl ─ suites.Load ─> *Suite ─ bench.NewPlan ─> ...
//	                                 bench.Run: provider.Complete ─> Scorer.Score ─> Result
//
// # Suite files
//
// A suite is a YAML file:
//
//	name: my-suite
//	description: what it measures
//	system: optional system prompt
//	prompt: "{{.question}}"          # text/template over the case's fields, missingkey=error
//	scorers: [exact]                 # registry names; the first is the primary score
//	params: {temperature: 0, max_tokens: 256}
//	cases: cases.jsonl               # relative to the suite file, or an inline list of case objects
//
// Each case is a JSON object (one per line in a JSONL file) with a unique
// "id" (a JSON number is taken as its literal text: 7 → "7", 1.5 → "1.5"),
// "reference" (a string) and/or "references" (a list of strings), optional
// "images" (paths relative to the suite file that stay inside its folder, or
// data:image/...;base64 URLs) and any other fields, which the prompt
// template reads. Load checks everything before returning: it parses the
// template, renders it for every case, loads and decodes every image, and
// asks each scorer whether it can score each case (see CaseChecker). All
// problems found are returned together in a *LoadError, each with its file
// and line; a Suite is returned only when there are none.
//
// # Hashes
//
// Case.Hash is the hex SHA-256 of the canonical JSON of
// {"id":…,"fields":…,"references":[…]} (encoding/json: object keys sorted,
// numbers as written in the case file), followed, for each image in order,
// by its length as 8 big-endian bytes and its bytes. Image paths are not
// hashed: moving an image leaves the hash alone, changing a pixel does not.
//
// Suite.Hash is the hex SHA-256 of the canonical JSON of
// {"name":…,"system":…,"prompt":…,"scorers":[…],"params":{…}} (plus
// "document" and "judge" when set; scorers with options as name?options)
// followed by
// every case hash in file order, one per line. The description and the
// suite's path are not part of it, so a built-in suite copied to a file
// hashes the same. Two runs with the same suite hash asked the same
// questions and scored them the same way.
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
// (CIDEr-D's document frequencies) implement Preparer; BuildScorers builds,
// configures and prepares a suite's scorers once per run.
//
// The judge scorer is Deferred: a judge model scores the answers after the
// run's calls (bench's judge phase), following the suite's judge: key
// (JudgeSpec: mode rubric or pairwise, and the rubric). A suite's judge:
// key is part of its hash only when set.
package suites
