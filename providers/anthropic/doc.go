// Package anthropic is the adapter for Anthropic's Messages API (Claude),
// registered as the provider "anthropic".
//
// One Complete call is one HTTP request:
//
//	Request ─ JSON body ─> POST {base}/v1/messages (x-api-key, anthropic-version: 2023-06-01)
//	        ─> JSON message, or named SSE events (message_start … message_stop)
//	        ─> Response{Text, Model, Usage, TTFT, Latency, RateLimit} | *providers.Error{Class}
//
// The wire differences from OpenAI that the adapter absorbs:
//   - System messages go into the top-level "system" field; the messages
//     list holds only user and assistant turns.
//   - "max_tokens" is required. The Client is a providers.ParamAdjuster:
//     when a target sets no max_tokens it sends DefaultMaxTokens and says
//     so in a warning; it drops "seed" (the API has none) and caps
//     temperature at 1 (the API's maximum), each with a warning.
//   - Images are content blocks {"type":"image","source":{"type":"base64",
//     "media_type","data"}}, placed after the turn's text as in every other
//     adapter (the contract says images follow the text). An image given by
//     URL goes as {"type":"image","source":{"type":"url","url"}}, and the
//     API fetches it.
//   - A stream is a sequence of named events: message_start carries the
//     model and the input tokens, content_block_delta the text,
//     message_delta the stop reason and the (cumulative) output tokens, and
//     message_stop ends it; ping is ignored, and an error event fails the
//     call with its class. Input tokens count cache reads and writes too, as
//     OpenAI's prompt_tokens does.
//
// Timing is wire time (providers/wiretime): the clock starts as the request
// is sent and stops at the kernel's receive stamp of the last bytes read,
// TTFT at the first non-empty text. Once the headers are in, a watchdog
// (providers.WatchStall) ends an attempt whose body goes silent for
// Config.StallTimeout (30 s by default) with class timeout and code
// "stall", keeping the text streamed so far.
//
// Classes follow error.type first and the HTTP status second:
// rate_limit_error (429) is rate_limited with the retry-after delay;
// overloaded_error (529) and api_error (500) are server; timeout_error is
// timeout; authentication_error and permission_error are auth, naming the
// key variable; billing_error and the 400 "credit balance is too low" are
// quota; a 400 "blocked by content filtering policy" and a stop_reason of
// "refusal" are content_filtered; other 4xx are bad_request. A successful
// Response keeps the anthropic-ratelimit-* headers.
//
// The key is sent only in the x-api-key header and is redacted from every
// message.
package anthropic
