// Package providers is the contract between the runner and the model APIs:
// a Request, the Response of one successful call, a classified *Error for a
// failed one, the Provider interface every adapter implements, and a
// registry that builds a Provider by name from a Config.
//
// The flow through it:
//
//	bench.Run ─ providers.New(cfg) ─> Provider.Complete(ctx, req) ─> *Response | *Error{Class}
//
// Adapters live in sub-packages, one per wire protocol (openai, and presets
// built on it, and the native protocols). They share the SSE reader in
// providers/sse, the HTTP helpers in this package (delay hints, rate-limit
// headers, a capped body reader, secret redaction, the stall watchdog that
// ends an attempt whose body goes silent) and the conformance kit in
// providers/providertest that every adapter's tests run against a fake
// server. providers/sim is the local OpenAI-compatible simulator, reached
// through the openai adapter under the provider name "sim".
//
// Secrets live only in Config, in memory. No adapter puts a key into an
// error, a log line or a Response.
package providers
