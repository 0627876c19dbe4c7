// Package hunyuan is the adapter for Tencent's Hunyuan models, registered
// as provider "hunyuan". It speaks two APIs, chosen with the target's
// `api:`:
//
//   - openai (the default): the OpenAI-compatible endpoint
//     https://api.hunyuan.cloud.tencent.com/v1/chat/completions with
//     "Authorization: Bearer <HUNYUAN_API_KEY>", through the openai
//     adapter. base_url is the API root, ".../v1". It takes max_tokens and
//     is the one Tencent recommends. Its error bodies are taken to be
//     OpenAI's ([MEM], not verified); a Tencent Cloud error code in one is
//     classified as the native API's would be, and FinishReason
//     "sensitive" ([MEM] here: it is the native value) is a
//     content-filter block.
//   - native: Tencent Cloud API 3.0, POST https://hunyuan.tencentcloudapi.com/
//     with X-TC-Action: ChatCompletions, X-TC-Version: 2023-09-01,
//     X-TC-Timestamp and a TC3-HMAC-SHA256 Authorization computed from a
//     SecretId and SecretKey (Config.AccessKey and Config.SecretKey,
//     conventionally TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY,
//     which the bench config reads from the variables named by
//     access_key_env and secret_key_env). base_url replaces the endpoint;
//     the signed Host is its host[:port] exactly as written (what net/http
//     sends), the canonical URI is always "/" as API 3.0 fixes it, and the
//     service in the credential scope is always "hunyuan".
//
// The native body is PascalCase (Model, Messages[{Role, Content}],
// Stream, Temperature, TopP, Seed, Stop; images as Contents with ImageUrl
// data URLs); the system message goes first and only once, user and
// assistant turns alternate (consecutive turns of one role are merged and
// system messages joined, with a logged warning), at most 40 messages. A
// stream asks for StreamModeration, so tokens flow while moderation
// checks them, as in a chat product. Errors arrive with HTTP 200 as
// {"Response":{"Error":{"Code","Message"}}}, for streaming requests too:
// a stream is read only when the Content-Type is text/event-stream
// (charset allowed; the Go SDK wants the exact string), otherwise the body
// is an answer or an error. Stream chunks carry the Response object
// without its envelope, usage on every chunk, and no end marker: a stream
// is whole only if a chunk carried a FinishReason. A mid-stream ErrorMsg
// {Code, Msg} is a server error (4001, the model timing out, a timeout).
// CodeClass maps the codes: RequestLimitExceeded* and
// FailedOperation.EngineServerLimitExceeded are rate limits,
// OperationDenied.* and FinishReason "sensitive" content-filter blocks,
// AuthFailure.* auth failures, billing codes quota. Tencent sends no delay
// hint with a rate limit; a Retry-After header is honoured if one comes.
// The native body reports no model name, so Response.Model is the
// requested one.
//
// Native calls are timed in wire time (providers/wiretime), from the
// request's send to the kernel's receive stamp of the last bytes read, and
// their bodies are read through the shared stall watchdog: silence for
// Config.StallTimeout (30 s by default) ends the attempt with class
// timeout and code "stall", keeping the text streamed so far. The openai
// API gets both from the openai adapter.
//
// Native ChatCompletions has no max-tokens field: Client implements
// providers.ParamAdjuster and drops it with a warning, and clamps
// Temperature to [0, 2] and TopP to [0, 1], drops a Seed outside 1 to
// 10000, and warns that native Hunyuan stops after a stop sequence rather
// than before it. The openai API needs no adjustment.
package hunyuan
