//go:build !linux

package wiretime

import "net"

// sysConn reads plainly: receive stamps are kept on Linux only, so a
// Clock ends its interval with the process clock here.
type sysConn struct{}

func (sysConn) init(*net.TCPConn) {}

func (sysConn) read(c *Conn, p []byte) (int, error) { return c.Conn.Read(p) }
