package wiretime

import (
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sysConn reads with recvmsg through the runtime's poller, so deadlines
// and Close behave as on the connection it wraps, and keeps the
// SO_TIMESTAMPNS stamp of each read.
type sysConn struct {
	rc syscall.RawConn // nil: the kernel refused the option; plain reads

	mu   sync.Mutex // one Read at a time: the fields below are its state
	c    *Conn
	oob  []byte
	p    []byte
	n    int
	err  error
	recv func(fd uintptr) bool
}

func (s *sysConn) init(tc *net.TCPConn) {
	rc, err := tc.SyscallConn()
	if err != nil {
		return
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
	}); err != nil || serr != nil {
		return
	}
	s.rc = rc
	s.oob = make([]byte, 2*unix.CmsgSpace(int(unsafe.Sizeof(unix.Timespec{}))))
	s.recv = s.recvmsg
}

// recvmsg is the RawConn.Read callback: false asks the poller to wait.
func (s *sysConn) recvmsg(fd uintptr) bool {
	for {
		n, oobn, _, _, err := unix.Recvmsg(int(fd), s.p, s.oob, 0)
		if err == unix.EINTR {
			continue
		}
		if err == unix.EAGAIN {
			return false
		}
		s.n, s.err = n, err
		if err == nil && n > 0 {
			s.stamp(s.oob[:oobn])
		}
		return true
	}
}

// stamp keeps the SCM_TIMESTAMPNS stamp found in the control messages.
func (s *sysConn) stamp(oob []byte) {
	for len(oob) > 0 {
		h, data, rest, err := unix.ParseOneSocketControlMessage(oob)
		if err != nil {
			return
		}
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SO_TIMESTAMPNS && len(data) >= int(unsafe.Sizeof(unix.Timespec{})) {
			ts := (*unix.Timespec)(unsafe.Pointer(&data[0]))
			if at := ts.Nano(); at > 0 {
				s.c.arrival.Store(at)
			}
		}
		oob = rest
	}
}

func (s *sysConn) read(c *Conn, p []byte) (int, error) {
	if s.rc == nil {
		return c.Conn.Read(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.c, s.p, s.n, s.err = c, p, 0, nil
	rerr := s.rc.Read(s.recv)
	n, err := s.n, s.err
	s.p = nil
	switch {
	case rerr != nil:
		return 0, opError(c, rerr)
	case err != nil:
		return 0, opError(c, os.NewSyscallError("recvmsg", err))
	case n == 0:
		return 0, io.EOF
	}
	raceAcquire()
	return n, nil
}

func opError(c *Conn, err error) error {
	return &net.OpError{Op: "read", Net: c.LocalAddr().Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
}
