// Package openai is the adapter for the OpenAI Chat Completions API and,
// through Options, for the many servers that imitate it (the local
// simulator in providers/sim, vLLM, llama.cpp, DeepSeek, Qwen, Moonshot,
// and the OpenAI-compatible endpoints of Zhipu, Qianfan, Hunyuan and
// SenseNova).
//
// One Complete call is one HTTP request:
//
//	Request ─ JSON body ─> POST {base}/chat/completions ─> JSON or SSE (providers/sse)
//	        ─> Response{Text, Usage, TTFT, Latency, RateLimit} | *providers.Error{Class}
//
// Timing uses a providers/wiretime Clock: from the request's first bytes
// handed to the kernel to the kernel's arrival stamp of the bytes read, so
// the harness's own delays are not latency. TTFT ends at the first
// non-empty content delta of a stream, Latency at the end of the body. Bodies are read through providers.LimitBody, so a server
// cannot make the harness buffer more than Config.MaxResponseBytes.
// Once the headers are in, a watchdog (providers.WatchStall) ends an
// attempt whose body goes silent for Config.StallTimeout (30 s by default):
// it fails with class timeout and code "stall", keeping the text streamed
// so far, so a server that hangs mid-stream costs that long rather than the
// whole attempt timeout.
//
// Every failure comes back as a *providers.Error whose class follows the
// HTTP status and the {"error":{...}} body (see classify in errors.go): a
// 429 is rate_limited unless its code is one of the billing family
// (insufficient_quota, spend limits, ...), which is quota and never retried;
// a refusal (message.refusal) or a content-filter finish_reason
// ("content_filter", plus Options.FilterFinishReasons) is content_filtered,
// streamed or not. The API key is sent only in the Authorization header and
// is redacted from every message.
//
// Params.MaxTokens goes out as "max_tokens", except for OpenAI's reasoning
// families (o1, o3, o4-mini, gpt-5 and later; see NeedsMaxCompletionTokens),
// which reject that name and get "max_completion_tokens". Options can force
// either name. A successful Response keeps the x-ratelimit-* headers.
package openai
