// Package sim is llmbench's simulator: an OpenAI-compatible HTTP server on
// 127.0.0.1 that answers as several SIMULATED models (every name ends in
// "-sim"), so the whole pipeline — runner, limiter, retries, scoring,
// store, report — can be run and demonstrated offline, without keys or
// cost. Nothing it produces says anything about a real model.
//
// Where it sits:
//
//	llmbench demo / llmbench sim ─ sim.NewServer(Options).Start("127.0.0.1:0")
//	target {provider: sim} ─ openai adapter ─ HTTP over loopback ─ Server
//
// Behaviour is deterministic. For a prompt key k (PromptKey of the last
// user message), a model m and the seed:
//
//   - the answer is right when unit(seed, m, k) < m.Accuracy; a right answer
//     is a short sentence containing the reference from Options.Answers, a
//     wrong one a plausible near miss (another number; the reference's
//     words partly dropped and shuffled); a prompt without a reference gets
//     a generic answer;
//   - a content-filter refusal happens when another unit(seed, m, k) <
//     m.RefusalRate (a property of the prompt, like a real filter);
//   - a rate-limit (429) or server error (500/503) depends on the attempt
//     number as well, counted per (model, key) by the server, so a retry can
//     succeed;
//   - faults in the body of a 200 answer (connection reset, truncation,
//     invalid JSON, oversized body) share the attempt's draw with the 429
//     and 5xx, so at most one strikes an attempt; a slow first byte and a
//     stall halfway through the body have draws of their own. They are
//     documented on Model; Storm switches them all on, NoFaults off, and
//     WithFaults applies either by name (`llmbench sim --faults storm`);
//   - latency: the first token after TTFT ± TTFTJitter, then TokensPerSec.
//
// Token counts are an approximation, documented at countTokens: one token
// per CJK character and per run of other non-space characters, 85 per
// image.
package sim
