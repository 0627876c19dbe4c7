// Package gemini is the adapter for Google's Gemini API (the Generative
// Language API on generativelanguage.googleapis.com), registered as the
// provider "gemini".
//
// With api "native" (the default) one Complete call is one HTTP request:
//
//	Request ─ JSON body ─> POST {base}/models/{model}:generateContent
//	                    or POST {base}/models/{model}:streamGenerateContent?alt=sse
//	        (x-goog-api-key) ─> GenerateContentResponse JSON, or SSE chunks of it
//	        ─> Response{Text, Model, Usage, TTFT, Latency} | *providers.Error{Class}
//
// The base URL is the versioned root, "https://generativelanguage.googleapis.com/v1beta".
// System messages become "systemInstruction", assistant turns have the role
// "model", images are "inlineData" parts after the turn's text, and the
// common parameters go into "generationConfig" (temperature, topP,
// maxOutputTokens, seed, stopSequences). A stream has no end marker: it
// ends when the body does, and a body that ends before any chunk carried a
// finishReason is a cut stream (bad_response). Usage comes from
// usageMetadata (the last one seen): input is promptTokenCount, output is
// candidatesTokenCount plus thoughtsTokenCount (thinking is billed as
// output, as OpenAI's reasoning tokens are). Thought parts are not part of
// the answer. Response.Model is modelVersion.
//
// Timing is wire time (providers/wiretime): the clock starts as the request
// is sent and stops at the kernel's receive stamp of the last bytes read,
// TTFT at the first chunk with answer text. Once the headers are in, a
// watchdog (providers.WatchStall) ends an attempt whose body goes silent
// for Config.StallTimeout (30 s by default) with class timeout and code
// "stall", keeping the text streamed so far.
//
// Blocks are content_filtered, never wrong answers: a prompt blocked with
// promptFeedback.blockReason, or a candidate finished with SAFETY,
// RECITATION, PROHIBITED_CONTENT, BLOCKLIST, SPII or IMAGE_SAFETY.
//
// Errors are Google RPC bodies ({"error":{"code","message","status",
// "details"}}, sometimes wrapped in a list) and classes follow "status":
// RESOURCE_EXHAUSTED is rate_limited with RetryInfo's retryDelay as the
// delay, except when a QuotaFailure names a per-day quota
// (…PerDay…), which does not refill within a run: that is quota.
// UNAUTHENTICATED, PERMISSION_DENIED and an INVALID_ARGUMENT whose
// ErrorInfo reason is API_KEY_INVALID are auth, naming the key variable;
// INTERNAL, UNAVAILABLE and UNKNOWN are server; DEADLINE_EXCEEDED is
// timeout; other statuses (INVALID_ARGUMENT, FAILED_PRECONDITION such as
// "User location is not supported", NOT_FOUND) are bad_request.
//
// With api "openai" the target goes through the openai adapter to Gemini's
// OpenAI-compatible endpoint (OpenAIBaseURL, bearer key), for comparing
// the two paths; base_url is then that endpoint's root.
//
// The key is sent only in the x-goog-api-key header (never in the URL, where
// it could reach logs) and is redacted from every message.
package gemini
