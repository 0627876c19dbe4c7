package results

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestLockExcludesSecondHolder(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the run lock is exclusive only where flock or LockFileEx exists")
	}
	a, p := openStore(t)
	b, err := Open(p) // another handle on the same file, as a second process would have
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()

	la, err := a.Lock(ctx, LockOptions{Owner: "llmbench run, config nightly"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Lock(ctx, LockOptions{Owner: "second"})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Lock: %v, want ErrLocked", err)
	}
	for _, want := range []string{p, "in use by another run", "llmbench run, config nightly", "pid "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// Readers need no lock: the database stays usable while it is held.
	if _, err := b.Runs(ctx, ""); err != nil {
		t.Errorf("read while locked: %v", err)
	}
	if err := la.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := la.Unlock(); err != nil {
		t.Errorf("second Unlock: %v", err)
	}
	lb, err := b.Lock(ctx, LockOptions{})
	if err != nil {
		t.Fatalf("Lock after Unlock: %v", err)
	}
	lb.Unlock()
}

func TestLockWaits(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the run lock is exclusive only where flock or LockFileEx exists")
	}
	old := lockPoll
	lockPoll = 5 * time.Millisecond
	defer func() { lockPoll = old }()
	a, p := openStore(t)
	b, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	la, err := a.Lock(ctx, LockOptions{Owner: "first"})
	if err != nil {
		t.Fatal(err)
	}

	// Canceled while waiting.
	cctx, cancel := context.WithCancel(ctx)
	var told []string
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err = b.Lock(cctx, LockOptions{Wait: true, Waiting: func(h string) { told = append(told, h) }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Lock canceled while waiting: %v", err)
	}
	if len(told) != 1 || !strings.Contains(told[0], "first") {
		t.Errorf("Waiting called with %q, want once naming the holder", told)
	}

	// Granted once the holder lets go.
	got := make(chan error, 1)
	go func() {
		lb, err := b.Lock(ctx, LockOptions{Wait: true})
		if err == nil {
			err = lb.Unlock()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("Lock returned %v while the lock was held", err)
	case <-time.After(30 * time.Millisecond):
	}
	la.Unlock()
	if err := <-got; err != nil {
		t.Fatalf("waiting Lock: %v", err)
	}
}
