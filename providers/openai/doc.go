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
// Timing uses the monotonic clock from just before the request is sent:
// TTFT ends at the first non-empty content delta of a stream, Latency at the
// end of the body. Bodies are read through providers.LimitBody, so a server
// cannot make the harness buffer more than Config.MaxResponseBytes.
//
// Every failure comes back as a *providers.Error whose class follows the
// HTTP status and the {"error":{...}} body (see classify in errors.go). The
// API key is sent only in the Authorization header and is redacted from
// every message.
package openai
