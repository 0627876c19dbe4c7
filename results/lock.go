package results

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// ErrLocked is wrapped by the error of Store.Lock when another process
// holds the database's run lock.
var ErrLocked = errors.New("database is in use by another run")

// LockOptions control Store.Lock.
type LockOptions struct {
	// Wait waits for the lock (until ctx ends) instead of failing at once.
	Wait bool
	// Owner says who holds the lock, for a process that finds it taken
	// (e.g. "llmbench run, config nightly").
	Owner string
	// Waiting, if set, is called once with the holder's description when
	// Wait is set and the lock is taken.
	Waiting func(holder string)
}

// RunLock is a held run lock; Unlock releases it.
type RunLock struct {
	f    *os.File
	path string
}

// lockPoll is how often a waiting Lock tries again.
var lockPoll = 100 * time.Millisecond

// LockPath is the run lock file of the database at dbPath: the database's
// name with ".lock" appended, beside it.
func LockPath(dbPath string) string { return dbPath + ".lock" }

// Lock takes the database's run lock: an exclusive lock on LockPath(path),
// which only one process holds at a time. A run holds it from before it
// reads what to resume until it is finished, so two processes never run
// into one database at once; readers (reports, runs list) never need it.
// The operating system drops the lock when its holder exits, however it
// exits (kill -9 included), so a crashed run never leaves it stale.
//
// When another process holds it, Lock fails with an error wrapping
// ErrLocked that names the holder, or with opts.Wait waits until it is
// free or ctx ends.
func (s *Store) Lock(ctx context.Context, opts LockOptions) (*RunLock, error) {
	p := LockPath(s.path)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open run lock %s: %w", p, err)
	}
	told := false
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("take run lock %s: %w", p, err)
		}
		if ok {
			break
		}
		holder := readHolder(p)
		if !opts.Wait {
			f.Close()
			return nil, fmt.Errorf("%s: %w (%s)", s.path, ErrLocked, holder)
		}
		if !told && opts.Waiting != nil {
			opts.Waiting(holder)
			told = true
		}
		timer := time.NewTimer(lockPoll)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			f.Close()
			return nil, fmt.Errorf("wait for run lock %s: %w", p, ctx.Err())
		}
	}
	// Say who holds it, for the next process that finds it taken.
	owner := opts.Owner
	if owner == "" {
		owner = "llmbench"
	}
	info := fmt.Sprintf("%s, pid %d, since %s\n", owner, os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(info), 0)
	}
	return &RunLock{f: f, path: p}, nil
}

// readHolder describes the lock's holder from what it wrote in the file.
func readHolder(p string) string {
	b, err := os.ReadFile(p)
	s := strings.TrimSpace(string(b))
	if err != nil || s == "" {
		return "held by another process"
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return "held by " + s
}

// Unlock releases the lock. It is idempotent.
func (l *RunLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	_ = f.Truncate(0)
	errU := unlock(f)
	errC := f.Close()
	if err := errors.Join(errU, errC); err != nil {
		return fmt.Errorf("release run lock %s: %w", l.path, err)
	}
	return nil
}
