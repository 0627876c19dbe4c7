package wiretime

import (
	"bufio"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// rawServer answers every request on a connection with one Write of a
// whole HTTP response, so the answer arrives in one segment with its
// headers: whatever the client does after Do returns, the bytes are
// already there.
func rawServer(t *testing.T, delay time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					io.Copy(io.Discard, req.Body)
					time.Sleep(delay)
					if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"); err != nil {
						return
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// call makes one GET with a Clock, waits `late` after Do returns before
// reading the body (the harness being busy), and returns the clock's
// figure, the process-clock time from just before Do to its return, and
// from Begin to after the body was read.
func call(t *testing.T, client *http.Client, url string, late time.Duration) (clk *Clock, since, untilDo, whole time.Duration) {
	return callAfter(t, client, url, 0, late)
}

// callAfter is call with `early` spent between Begin and Do (the request
// waiting in the harness before it is sent).
func callAfter(t *testing.T, client *http.Client, url string, early, late time.Duration) (clk *Clock, since, untilDo, whole time.Duration) {
	t.Helper()
	clk = New()
	req, err := http.NewRequestWithContext(clk.Trace(t.Context()), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	clk.Begin()
	time.Sleep(early)
	beforeDo := time.Now()
	resp, err := client.Do(req)
	untilDo = time.Since(beforeDo)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(late)
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(b) != "hello" {
		t.Fatalf("body %q, %v", b, err)
	}
	since = clk.Since()
	whole = time.Since(clk.Started())
	return clk, since, untilDo, whole
}

func TestSinceEndsAtArrivalNotAtRead(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("receive stamps are read on Linux only")
	}
	url := rawServer(t, 5*time.Millisecond)
	client := &http.Client{Transport: NewTransport(2)}
	const late = 40 * time.Millisecond
	for i := range 3 { // the first call dials; the others reuse the connection
		clk, since, untilDo, whole := call(t, client, url, late)
		if !clk.Stamped() {
			t.Fatalf("call %d: not stamped", i)
		}
		// The answer arrived before Do returned, and the request left
		// after Do was called: the figure fits inside Do, whatever the
		// harness did after.
		if since > untilDo {
			t.Errorf("call %d: Since %v > Do's own %v (process clock to the end: %v)", i, since, untilDo, whole)
		}
		if whole < late {
			t.Errorf("call %d: process clock %v < the %v spent before reading", i, whole, late)
		}
	}
}

// The interval starts when the request is written, not at Begin: time the
// call spends waiting in the harness before it is sent is not latency.
func TestSinceStartsWhenTheRequestIsWritten(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("without receive stamps the interval ends after the read")
	}
	url := rawServer(t, 5*time.Millisecond)
	client := &http.Client{Transport: NewTransport(2)}
	const early = 30 * time.Millisecond
	for i := range 2 {
		_, since, untilDo, whole := callAfter(t, client, url, early, 0)
		if since > untilDo {
			t.Errorf("call %d: Since %v > Do's own %v (from Begin: %v)", i, since, untilDo, whole)
		}
	}
}

func TestSinceFallsBackToTheProcessClock(t *testing.T) {
	url := rawServer(t, 0)
	const late = 20 * time.Millisecond
	// A transport that does not dial through Dial: nothing to stamp.
	clk, since, _, _ := call(t, &http.Client{Transport: &http.Transport{}}, url, late)
	if clk.Stamped() {
		t.Error("a plain transport's call claims a stamp")
	}
	if since < late {
		t.Errorf("Since %v < %v spent before reading: not the process clock", since, late)
	}
}

func TestHTTP2IsNotNegotiatedAndTLSIsStamped(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("receive stamps are read on Linux only")
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	tr := NewTransport(2)
	tr.TLSClientConfig = &tls.Config{RootCAs: srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}
	client := &http.Client{Transport: tr}
	clk := New()
	req, _ := http.NewRequestWithContext(clk.Trace(t.Context()), http.MethodGet, srv.URL, nil)
	clk.Begin()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Proto != "HTTP/1.1" {
		t.Errorf("protocol %s, want HTTP/1.1", resp.Proto)
	}
	if !clk.Stamped() {
		t.Error("a TLS call's connection was not found under *tls.Conn")
	}
}

// pair returns a wrapped client connection and the server side of it.
func pair(t *testing.T) (*Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	c, err := Dial(&net.Dialer{})(t.Context(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-accepted
	if s == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	wc, ok := c.(*Conn)
	if !ok {
		t.Fatalf("Dial returned %T", c)
	}
	return wc, s
}

// The wrapped connection fails the way a *net.TCPConn does, so the
// adapters' error classes do not change.
func TestConnErrorsLikeTCPConn(t *testing.T) {
	t.Run("deadline", func(t *testing.T) {
		c, _ := pair(t)
		c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		_, err := c.Read(make([]byte, 8))
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("got %v, want a timeout net.Error", err)
		}
	})
	t.Run("peer closed", func(t *testing.T) {
		c, s := pair(t)
		io.WriteString(s, "abc")
		s.Close()
		b, err := io.ReadAll(c)
		if err != nil || string(b) != "abc" {
			t.Errorf("read %q, %v; want abc then EOF", b, err)
		}
		if runtime.GOOS == "linux" && c.Arrival().IsZero() {
			t.Error("no receive stamp after reading data")
		}
	})
	t.Run("closed locally", func(t *testing.T) {
		c, _ := pair(t)
		c.Close()
		_, err := c.Read(make([]byte, 8))
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("got %v, want net.ErrClosed", err)
		}
	})
	t.Run("reset", func(t *testing.T) {
		c, s := pair(t)
		s.(*net.TCPConn).SetLinger(0)
		s.Close()
		var err error
		for range 100 {
			if _, err = c.Read(make([]byte, 8)); err != nil {
				break
			}
		}
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("got %v, want ECONNRESET", err)
		}
	})
	t.Run("zero-length read", func(t *testing.T) {
		c, _ := pair(t)
		if n, err := c.Read(nil); n != 0 || err != nil {
			t.Errorf("Read(nil) = %d, %v", n, err)
		}
	})
}

func TestWrapLeavesOtherConnsAlone(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if got := Wrap(a); got != a {
		t.Errorf("Wrap(pipe) = %T, want the pipe itself", got)
	}
}
