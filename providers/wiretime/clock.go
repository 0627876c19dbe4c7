package wiretime

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"
)

// Clock times one HTTP call. Begin, Trace and Since may be called from
// different goroutines, but Begin must happen before Since.
type Clock struct {
	start time.Time
	conn  atomic.Pointer[Conn]
	trace httptrace.ClientTrace

	// sent is when the request's first bytes were handed to the kernel,
	// set by the connection's Write before hasSent.
	sent    time.Time
	hasSent atomic.Bool

	mu   sync.Mutex
	last time.Duration // the latest figure Since returned
}

// New returns a Clock that has not begun.
func New() *Clock {
	c := &Clock{}
	c.trace.GotConn = c.gotConn
	return c
}

// Trace returns ctx with a client trace that tells the clock which
// connection the call's request went out on. Any trace already in ctx
// still runs.
func (c *Clock) Trace(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &c.trace)
}

// Begin starts the interval: call it just before sending the request.
func (c *Clock) Begin() { c.start = time.Now() }

// Started is when Begin was called.
func (c *Clock) Started() time.Time { return c.start }

func (c *Clock) gotConn(info httptrace.GotConnInfo) {
	wc := unwrap(info.Conn)
	c.conn.Store(wc)
	c.hasSent.Store(false)
	if wc != nil {
		wc.pending.Store(c)
	}
}

// unwrap finds the stamping connection under conn, or nil when there is
// none or when the connection may carry other calls at the same time
// (HTTP/2).
func unwrap(conn net.Conn) *Conn {
	for range 4 {
		switch v := conn.(type) {
		case *Conn:
			return v
		case *tls.Conn:
			if v.ConnectionState().NegotiatedProtocol == "h2" {
				return nil
			}
			conn = v.NetConn()
		case interface{ NetConn() net.Conn }:
			conn = v.NetConn()
		default:
			return nil
		}
	}
	return nil
}

// Since is the time from Begin to the arrival of the newest bytes read
// from the call's connection, or to now when that arrival is not known
// (see the package comment).
// Successive figures never decrease (the wall and monotonic clocks can
// disagree by nanoseconds between two readings), so a TTFT taken before
// the latency is never above it.
func (c *Clock) Since() time.Duration {
	now := time.Now()
	d := now.Sub(c.begun())
	if lag, ok := c.lag(now, d); ok {
		d -= lag
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	d = max(d, c.last)
	c.last = d
	return d
}

// Stamped reports whether Since would use a kernel receive stamp now.
func (c *Clock) Stamped() bool {
	now := time.Now()
	_, ok := c.lag(now, now.Sub(c.begun()))
	return ok
}

// lag is how long before now the newest bytes read arrived, when there is
// a stamp inside the call's own interval d (ending now).
func (c *Clock) lag(now time.Time, d time.Duration) (time.Duration, bool) {
	wc := c.conn.Load()
	if wc == nil {
		return 0, false
	}
	at := wc.arrival.Load()
	if at == 0 {
		return 0, false
	}
	lag := time.Duration(now.UnixNano() - at)
	return lag, lag >= 0 && lag <= d
}

// begun is when the request went to the kernel, or Begin when that is
// not known.
func (c *Clock) begun() time.Time {
	if c.hasSent.Load() && c.sent.After(c.start) {
		return c.sent
	}
	return c.start
}

// NewTransport is http.DefaultTransport's settings with connections
// dialled through Dial and HTTP/1.1 only, keeping up to maxIdlePerHost
// idle connections per host.
func NewTransport(maxIdlePerHost int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = Dial(&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second})
	t.ForceAttemptHTTP2 = false
	// A non-nil empty map is how net/http is told not to upgrade.
	t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	if maxIdlePerHost > 0 {
		t.MaxIdleConnsPerHost = maxIdlePerHost
	}
	return t
}

// Dial returns a DialContext function: d's connections, wrapped so that
// reads keep the kernel's receive stamp where the platform has one.
func Dial(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return Wrap(c), nil
	}
}
