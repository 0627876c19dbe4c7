// Package wiretime times HTTP calls by when their bytes reached the
// machine, not by when the harness got round to reading them.
//
// A harness that runs 64 calls at once on two cores reads answers that
// arrive in the same millisecond one after another; the last one read
// would carry the others' reading and scoring time as "model latency" if
// the clock stopped when the adapter finished reading. On Linux the kernel
// stamps every received segment (SO_TIMESTAMPNS); the connections a
// Transport from NewTransport dials keep the stamp of the newest segment
// they have read, and a Clock ends its interval there:
//
//	clk := wiretime.New()
//	req = req.WithContext(clk.Trace(ctx))  // GotConn: which connection
//	clk.Begin()                            // just before client.Do
//	resp, err := client.Do(req)
//	... read the body ...
//	latency := clk.Since()                 // arrival of the last bytes read - Begin
//
// The interval starts in the process (Begin) and ends at the kernel's
// receive stamp, so the time the harness takes to send is in the figure
// (conservative) and the time it takes to get round to reading is not.
// Since falls back to the process clock, measured the same way as
// before, whenever the stamp cannot be trusted: no stamp (another OS, a
// kernel without the option, a connection not dialled by NewTransport),
// an HTTP/2 connection shared by several calls, or a stamp outside the
// call's own interval (a step of the wall clock). The span itself is
// always monotonic: only the short lag between the stamp and "now" is
// taken from the wall clock, which the kernel stamps use.
//
// Transports from NewTransport speak HTTP/1.1 only, as the official
// OpenAI and Anthropic Python SDKs (httpx) do by default: one call per
// connection at a time, so a connection's newest stamp is its call's.
package wiretime
