// Package presets registers OpenAI-compatible services under their own
// provider names, so a target needs only provider: and model:. Each preset
// is the openai adapter (openai.NewWith) with the service's real API root,
// key variable and quirks:
//
//	deepseek  https://api.deepseek.com                           DEEPSEEK_API_KEY
//	qwen      https://dashscope.aliyuncs.com/compatible-mode/v1  DASHSCOPE_API_KEY
//	moonshot  https://api.moonshot.cn/v1                         MOONSHOT_API_KEY
//	ollama    http://localhost:11434/v1                          (no key)
//	vllm      http://localhost:8000/v1                           (no key)
//	llamacpp  http://localhost:8080/v1                           (no key)
//
// The local servers need no key; one started with --api-key gets it from
// the variable the target names with api_key_env. Every preset sends the
// output limit as "max_tokens" (the name all of them document) and speaks
// only api "openai". What each preset adds to the openai adapter's generic
// rules is written beside it in presets.go.
//
// The flow is the openai adapter's:
//
//	bench ─ providers.New(Config{Provider: "qwen"}) ─> openai.Client{qwen's options} ─> POST …/chat/completions
package presets
