package wiretime

import (
	"net"
	"sync/atomic"
	"time"
)

// Conn is a TCP connection that tells a Clock when its call's request
// went to the kernel and, where the platform stamps received segments
// (Linux), when the newest bytes read from it arrived.
type Conn struct {
	net.Conn

	// arrival is the newest receive stamp, in Unix nanoseconds (0: none).
	arrival atomic.Int64
	// pending is the clock of the call whose request is about to be
	// written: the next Write tells it the time and clears it.
	pending atomic.Pointer[Clock]

	sys sysConn
}

// Write writes like the wrapped connection, first telling a pending
// clock that its request is leaving now.
func (c *Conn) Write(p []byte) (int, error) {
	if clk := c.pending.Swap(nil); clk != nil {
		clk.sent = time.Now()
		clk.hasSent.Store(true)
	}
	return c.Conn.Write(p)
}

// Read reads like the wrapped connection, keeping the receive stamp
// where there is one.
func (c *Conn) Read(p []byte) (int, error) { return c.sys.read(c, p) }

// Arrival is the kernel's receive stamp of the newest bytes read, or the
// zero Time when there is none.
func (c *Conn) Arrival() time.Time {
	if at := c.arrival.Load(); at != 0 {
		return time.Unix(0, at)
	}
	return time.Time{}
}

// CloseWrite shuts down the writing side, as *net.TCPConn does.
func (c *Conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// Wrap returns c, when it is a TCP connection, as a *Conn; any other
// connection as it is.
func Wrap(c net.Conn) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	w := &Conn{Conn: c}
	w.sys.init(tc)
	return w
}
