//go:build race

package wiretime

import (
	"sync"
	"syscall"
)

// Reads through the standard library tell the race detector that data
// written to a connection happens before it is read (syscall.Read does it
// on a shared address). recvmsg through x/sys does not, so tests that read
// what a loopback server's handler wrote would see races that are not
// there. Under -race a zero-byte syscall.Read of /dev/null after each
// stamped read makes the same announcement.

var devNull = sync.OnceValue(func() int {
	fd, err := syscall.Open("/dev/null", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	return fd
})

func raceAcquire() {
	if fd := devNull(); fd >= 0 {
		syscall.Read(fd, nil)
	}
}
