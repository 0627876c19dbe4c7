// Package importers converts files a user has (public data sets, a
// promptfoo config) into llmbench suite folders: suite.yaml, cases.jsonl,
// images/ for captions and, for promptfoo, targets.yaml. It is what
// `llmbench suites import --format FORMAT SRC DEST` runs.
//
// Place in the flow: it only writes suite files; everything after is the
// ordinary path.
//
//	SRC ─ importers.Import ─> DEST/suite.yaml + DEST/cases.jsonl ─ suites.Load ─> ...
//
// # Formats
//
// Each format gives its data set's standard prompt, scorers and
// references (the sources are cited next to each prompt in the code):
//
//   - gsm8k: JSON Lines {question, answer}; prompt "Question: …\nAnswer:"
//     (lm-eval's gsm8k; few-shot from --dev, the train split); scorers
//     numeric, gsm8k-flexible, gsm8k-strict. The reference is the number
//     after "####"; the whole answer field is kept in the case field
//     answer_field. The gsm8k scorers need nothing more: lm-eval's
//     exact_match deletes everything up to the last "#### " of its target
//     (the whole field) before comparing, so the final number gives the
//     same verdicts (metrics.GSM8KNormalise; checked on every shared
//     sample row).
//   - xsum, cnn-dm: JSON Lines or CSV with a header; the document and
//     summary fields default to document/summary and article/highlights
//     (--document-field, --summary-field); scorers rougeL, rouge1, rouge2
//     (and rougeLsum for cnn-dm); document: names the document field for
//     the lead baseline.
//   - lcsts: the summary<TAB>text TSV or JSON Lines {id, text, summary};
//     OpenCompass's Chinese prompt; ROUGE with the zh-char tokenizer.
//   - coco-captions: COCO's captions JSON (images + annotations, one case
//     per image, every caption a reference) or per-image JSON Lines; image
//     files are resolved in --images (default: beside SRC), may not leave
//     it, and are copied into DEST/images; lmms-eval's caption prompt;
//     scorers cider, bleu, rougeL (cider needs two cases or more and is
//     left out, with a note, otherwise).
//   - mmlu, cmmlu, ceval: CSV; the harnesses' headers and 5-shot layout
//     from the dev split (--dev, --shots, first rows per subject, as
//     lm-eval's first_n sampler); the few-shot examples are a case field
//     (fewshot) because a file may hold several subjects; scorer choice;
//     the reference is the answer letter. The subject comes from
//     --subject, else a subject column, else the file name.
//   - promptfoo: a promptfoo config; prompts become suites (one per
//     prompt), providers a targets.yaml config, tests cases, common
//     assertions scorers (see pfScorerOf), and everything else is listed
//     in DEST/IMPORT_NOTES.md and printed.
//
// # Guarantees
//
// Import writes into a scratch folder inside DEST, loads every suite
// written with suites.Load, and moves the files into DEST only when all
// load; existing files are replaced only with Options.Force. A source that
// cannot be converted yields a *SourceError listing every problem (up to
// 100) with its file, line, record or JSON path, and what to fix; nothing
// is written then. A problem Load finds in a written case (an image that
// does not decode) is reported at the case's source row. Readers never
// panic on malformed input (the FuzzImport* targets), never follow a path
// out of the image folder, and never fetch anything: data sets are the
// user's files, and the built-in suites stay llmbench's own.
package importers
