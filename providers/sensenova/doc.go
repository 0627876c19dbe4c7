// Package sensenova is the adapter for SenseTime's SenseNova models. It
// registers the provider name "sensenova" with two APIs, chosen by a
// target's api key (reference/providers.md §7):
//
//	api: openai (default) ─ openai.Client ─> POST {base}/chat/completions
//	     base https://api.sensenova.cn/compatible-mode/v1, Bearer SENSENOVA_API_KEY
//	api: native ─ nativeClient ─> POST {base}/chat-completions
//	     base https://api.sensenova.cn/v1/llm, Bearer API key or Bearer JWT of an access key pair
//
// The compatible mode is the default because the reference recommends it
// (one dialect for most providers), API keys have worked since 2024-10,
// and the 2026 Token-Plan platform (https://token.sensenova.cn/v1) speaks
// only this dialect. It reuses the openai adapter unchanged but for the
// sampling ranges (AdjustParams) and the native codes 18 and 17 should the
// mode pass them through [unverified].
//
// The native API is the classic one, spoken by its own small codec:
//
//   - Credentials: an access key pair (access_key_env and secret_key_env,
//     by convention SENSENOVA_ACCESS_KEY_ID and SENSENOVA_SECRET_ACCESS_KEY)
//     signs an HS256 JWT {"iss": id, "exp": now+1800, "nbf": now-5}
//     (seconds), reused until five minutes before it expires; without a
//     pair the API key is sent as a bearer token. A pair is refused in the
//     compatible mode, which is documented with API keys only.
//   - Request: the token limit is max_new_tokens; there is no seed or stop
//     field (AdjustParams drops them, with a warning); images are parts
//     {"type":"image_base64","image_base64":"<bare base64>"} after the
//     text. Temperature must be in (0, 2] and top_p in (0, 1) (SenseCore's
//     ChatCompletions doc); AdjustParams moves values into range.
//   - Response: an envelope {"data":{"choices":[{"message":"…"}],"usage"}}
//     whose message is a plain string; no model name, so Response.Model is
//     the requested one. A stream sends "data:{json}" frames with no space
//     and ends with "data:[DONE]"; the text is in choices[].delta (a
//     string), usage rides on the chunks, and a chunk's status.code other
//     than 0 is an error.
//   - Errors: {"error":{"code":<int>,"message"}} with a non-2xx status.
//     Code 18 (unsafe content) is content_filtered, 17 (context too long)
//     bad_request, 7 and 16 auth, HTTP 429 rate_limited; see classify in
//     errors.go for the rest and for which facts are third-party or
//     inferred from the gRPC numbering.
//   - Timing and stalls: calls are timed in wire time (providers/wiretime),
//     from the request's send to the kernel's receive stamp of the last
//     bytes read, and bodies are read through the shared stall watchdog:
//     silence for Config.StallTimeout (30 s by default) ends the attempt
//     with class timeout and code "stall", keeping the text streamed so
//     far. The compatible mode gets both from the openai adapter.
package sensenova
