// Package metrics holds pure metric functions that reproduce reference implementations.
//
// Each function computes what a named, pinned reference computes, and its
// tests check it against that reference's own outputs (the oracle vectors
// under shared/data/oracles). The package has no state, no I/O and no
// dependency on the rest of llmbench.
//
// Place in the flow: the scorers in package suites call these functions on
// a model's output and a case's references (bench.Run → Scorer.Score →
// metrics), and `llmbench score` reaches them through the same scorers.
//
// # sacreBLEU: BLEU, chrF, chrF++
//
// BLEU, ChrF, SentenceBLEU, CorpusBLEU, SentenceChrF, CorpusChrF and
// SacreTokenize reproduce sacreBLEU 2.6.0 (mjpost/sacrebleu @f615c72): the
// 13a, zh, char and none tokenizers, sentence BLEU with exp smoothing and
// effective order, corpus BLEU over summed statistics, and chrF/chrF++ with
// sacreBLEU's effective-order averaging. Scores are on sacreBLEU's 0–100
// scale.
package metrics
