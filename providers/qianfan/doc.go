// Package qianfan is the adapter for Baidu's Qianfan platform (ERNIE and
// the other models Baidu hosts), registered as provider "qianfan". It
// speaks three ways, chosen with the target's `api:`:
//
//   - v2 (the default; "openai" is a synonym): the OpenAI-compatible API at
//     https://qianfan.baidubce.com/v2/chat/completions with
//     "Authorization: Bearer <QIANFAN_API_KEY>", through the openai
//     adapter (max_completion_tokens names the length limit). base_url is
//     the API root, ".../v2".
//   - v1 ("native" is a synonym): the legacy wenxinworkshop API,
//     POST {base}/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/{endpoint}
//     ?access_token=…, with an OAuth access token the adapter obtains from
//     an application's API Key and Secret Key (Config.AccessKey and
//     Config.SecretKey, conventionally QIANFAN_AK and QIANFAN_SK) at
//     {base}/oauth/2.0/token. The token is cached, shared by concurrent
//     calls (one fetch in flight), refreshed a tenth of its lifetime before
//     it expires, and replaced once within a call when the server reports
//     it invalid or expired (codes 110, 111).
//   - v1-bce: the same legacy API with each call signed with BCE auth v1
//     by an IAM Access Key and Secret Key (conventionally
//     QIANFAN_ACCESS_KEY and QIANFAN_SECRET_KEY), signing content-type,
//     host and x-bce-date for 300 s as the Qianfan SDK does.
//
// The pair is read by the bench config from the variables named by
// access_key_env and secret_key_env; the two v1 modes cannot be told apart
// by the keys themselves, hence two api values. For v1 and v1-bce,
// base_url is the host root (default https://aip.baidubce.com): the chat
// path and the token path are appended to it, and the Host that a
// signature covers is base_url's host[:port] exactly as written, which is
// what net/http sends.
//
// The v1 body differs from OpenAI's: a top-level "system" field instead of
// a system role (system turns move there), user and assistant turns that
// alternate starting and ending with the user (an odd count; consecutive
// turns of one role are merged, with a logged warning), no seed and no
// images, "max_output_tokens", and per-model endpoints (Endpoint maps
// ERNIE-3.5-8K to "completions", ERNIE-4.0-8K to "completions_pro", and
// so on; an unknown name is used as the endpoint itself). The answer is
// {"result", "is_end", "usage"}; a stream is "data: {…}" chunks, the last
// with "is_end": true, usage on the chunks. Errors arrive as HTTP 200
// bodies {"error_code", "error_msg"}: 18, 336501 and 336502 are rate
// limits, 17 and 19 quota, 6/13/14/110/111/336004 auth, the 3xx/336xxx
// argument codes bad requests, 1/2/4/15/336000/336100 server errors (see
// CodeClass). need_clear_history (with ban_round) or a content_filter
// finish is a content_filtered refusal. The v1 body reports no model name,
// so Response.Model is the requested one.
//
// v1 and v1-bce calls are timed in wire time (providers/wiretime) from the
// chat request's send to the kernel's receive stamp of the last bytes read
// (a token fetch before it is not in the figure), and their bodies are read
// through the shared stall watchdog: silence for Config.StallTimeout (30 s
// by default) ends the attempt with class timeout and code "stall",
// keeping the text streamed so far. v2 gets both from the openai adapter.
//
// ERNIE takes temperature in (0, 1] and rejects 0: Client implements
// providers.ParamAdjuster, sending MinTemperature for 0 and 1 for more,
// and dropping the seed on v1, each with a warning. The adjuster does not
// see the model, so it applies to every model of the provider, including
// the non-ERNIE models v2 also serves.
//
// Facts not verified against Baidu (marked [MEM] in the reference) are
// said so where they are used: the v1 finish_reason field, code 336103, the
// OAuth failure's HTTP status. Baidu documents no Retry-After on its rate
// limits; the adapter honours one when present and otherwise leaves the
// delay to the runner's backoff.
package qianfan
