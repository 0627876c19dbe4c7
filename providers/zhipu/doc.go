// Package zhipu is the adapter for Zhipu AI's GLM models on the BigModel
// open platform (open.bigmodel.cn, API v4). It registers the provider name
// "zhipu".
//
// The v4 chat API is OpenAI-like, so the adapter is the openai adapter
// with Zhipu's quirks (reference/providers.md §4):
//
//	Request ─ AdjustParams ─> openai.Client{bare base64 images, no stream_options}
//	        ─> POST {base}/chat/completions ─> JSON or SSE ending "data: [DONE]"
//	        ─> Response | *providers.Error{Class from Zhipu's business code}
//
// The quirks:
//
//   - Credentials: "Authorization: Bearer <ZHIPUAI_API_KEY>" by default
//     (api: key, what the official SDK sends today). With api: jwt the key,
//     which has the form "id.secret", signs the legacy HS256 JWT instead
//     (header sign_type SIGN, claims api_key/exp/timestamp in milliseconds,
//     210 s life, reused for 180 s as the SDK's cache does). The mode is
//     never guessed from the key: every Zhipu key has the id.secret form,
//     whichever way it is sent.
//   - Images are sent as bare base64, without a data: prefix, as the SDK
//     sends them.
//   - Errors carry a business code as a string ({"error":{"code":"1301"}})
//     that decides the class before the HTTP status does: 1000–1004 and the
//     account codes auth, 1113 and the usage caps (1304, 1308, 1310) quota,
//     1301 content_filtered, 1302/1303/1305/1312 rate_limited, the parameter
//     codes bad_request. A stream that ends with finish_reason "sensitive"
//     is content_filtered.
//   - Temperature and top_p are clamped into the open interval (0, 1) the
//     way the SDK clamps them; every change is reported by AdjustParams.
package zhipu
