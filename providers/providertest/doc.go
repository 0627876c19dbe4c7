// Package providertest is the conformance kit every provider adapter's
// tests run against their own fake server.
//
// The kit owns the questions, the adapter's test owns the wire format: a
// Kit asks its Fake to behave in a named way (answer, rate-limit, refuse,
// cut the stream, stall, ...) and checks that the adapter under test turns
// each behaviour into the Response or the classified *providers.Error the
// runner relies on:
//
//	Kit.Run ─ Fake(t, Behaviour) ─> httptest server speaking the provider's real protocol
//	        ─ Kit.New(Config{BaseURL}) ─> Provider.Complete ─> checked Response | *Error{Class}
//
// OpenAIFake is the fake for the OpenAI Chat Completions wire format, for
// the openai adapter and its presets.
package providertest
