package sim

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
)

// Pacing is checked under testing/synctest: time is virtual, so the
// simulator's delays can be asserted exactly without real sleeps.

const pacedPrompt = "What is six times seven?"

func pacedServer() (*Server, Model) {
	m := Model{Name: "paced-sim", TTFT: 200 * time.Millisecond, TokensPerSec: 100, Accuracy: 1}
	return NewServer(Options{Models: []Model{m}, Answers: map[string]string{PromptKey(pacedPrompt): "42"}}), m
}

// timedWriter records the virtual time of every write.
type timedWriter struct {
	*httptest.ResponseRecorder
	start  time.Time
	writes []time.Duration
	onData func(n int)
}

func (w *timedWriter) Write(b []byte) (int, error) {
	w.writes = append(w.writes, time.Since(w.start))
	if w.onData != nil {
		w.onData(len(w.writes))
	}
	return w.ResponseRecorder.Write(b)
}

func (w *timedWriter) Flush() { w.ResponseRecorder.Flush() }

func chatRequestBody(stream bool) string {
	s := `{"model":"paced-sim","messages":[{"role":"user","content":"` + pacedPrompt + `"}]`
	if stream {
		s += `,"stream":true,"stream_options":{"include_usage":true}`
	}
	return s + "}"
}

func TestPacingStream(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, m := pacedServer()
		text := s.answer(&m, PromptKey(pacedPrompt), pacedPrompt)
		n := len(pieces(text))
		w := &timedWriter{ResponseRecorder: httptest.NewRecorder(), start: time.Now()}
		s.ServeHTTP(w, httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(chatRequestBody(true))))
		// Writes: role chunk, n content chunks, finish, usage, [DONE].
		if len(w.writes) != n+4 {
			t.Fatalf("%d writes for %d tokens: %s", len(w.writes), n, w.Body)
		}
		for i := range n {
			want := m.TTFT + time.Duration(i)*10*time.Millisecond
			if got := w.writes[1+i]; got != want {
				t.Errorf("token %d sent at %v, want %v", i, got, want)
			}
		}
		if w.writes[0] != m.TTFT {
			t.Errorf("role chunk at %v, want at TTFT %v", w.writes[0], m.TTFT)
		}
	})
}

func TestPacingWhole(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, m := pacedServer()
		n := countTokens(s.answer(&m, PromptKey(pacedPrompt), pacedPrompt))
		start := time.Now()
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(chatRequestBody(false))))
		if want, got := m.TTFT+time.Duration(n-1)*10*time.Millisecond, time.Since(start); got != want || rec.Code != 200 {
			t.Errorf("answered after %v with status %d, want %v and 200", got, rec.Code, want)
		}
	})
}

func TestPacingJitterStaysInRange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := Model{Name: "j-sim", TTFT: 100 * time.Millisecond, TTFTJitter: 40 * time.Millisecond}
		s := NewServer(Options{Models: []Model{m}})
		seen := map[time.Duration]bool{}
		for i := range 20 {
			start := time.Now()
			body := `{"model":"j-sim","messages":[{"role":"user","content":"q` + string(rune('a'+i)) + `"}]}`
			s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(body)))
			d := time.Since(start)
			if d < 60*time.Millisecond || d > 140*time.Millisecond {
				t.Errorf("call %d took %v, outside TTFT 100±40 ms", i, d)
			}
			seen[d] = true
		}
		if len(seen) < 10 {
			t.Errorf("only %d distinct delays in 20 calls: no jitter", len(seen))
		}
	})
}

// TestCancelStopsStream: a client that goes away stops the stream at once.
func TestCancelStopsStream(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, _ := pacedServer()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		w := &timedWriter{ResponseRecorder: httptest.NewRecorder(), start: time.Now()}
		w.onData = func(n int) {
			if n == 3 {
				cancel() // after the role chunk and two tokens
			}
		}
		req := httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(chatRequestBody(true))).WithContext(ctx)
		s.ServeHTTP(w, req)
		if len(w.writes) != 3 || strings.Contains(w.Body.String(), "[DONE]") {
			t.Errorf("after cancel: %d writes, body %q", len(w.writes), w.Body)
		}
		if got := time.Since(w.start); got != 210*time.Millisecond {
			t.Errorf("handler returned at %v, want right after the cancel at 210ms", got)
		}
	})
}

// pipeListener is an in-memory net.Listener, so an http.Server and the
// openai adapter can talk inside a synctest bubble.
type pipeListener struct {
	conns chan net.Conn
	once  sync.Once
	done  chan struct{}
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		return nil, errors.New("listener closed")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TestAdapterTimingThroughSim: the openai adapter measures exactly the
// simulator's time to first token and total latency.
func TestAdapterTimingThroughSim(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, m := pacedServer()
		n := countTokens(s.answer(&m, PromptKey(pacedPrompt), pacedPrompt))
		ln := newPipeListener()
		hs := &http.Server{Handler: s}
		go hs.Serve(ln)
		tr := &http.Transport{DialContext: ln.dial}
		defer func() {
			tr.CloseIdleConnections()
			hs.Close()
		}()
		p, err := openai.NewWith(providers.Config{BaseURL: "http://127.0.0.1/v1", HTTPClient: &http.Client{Transport: tr}}, openai.Options{})
		if err != nil {
			t.Fatal(err)
		}
		req := &providers.Request{Model: "paced-sim", Stream: true, Messages: []providers.Message{{Role: providers.RoleUser, Text: pacedPrompt}}}
		resp, err := p.Complete(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		wantLatency := m.TTFT + time.Duration(n-1)*10*time.Millisecond
		if resp.TTFT != m.TTFT || resp.Latency != wantLatency {
			t.Errorf("TTFT %v, latency %v; want %v, %v", resp.TTFT, resp.Latency, m.TTFT, wantLatency)
		}
		req.Stream = false
		resp, err = p.Complete(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.TTFT != 0 || resp.Latency != wantLatency {
			t.Errorf("whole answer: TTFT %v, latency %v; want 0, %v", resp.TTFT, resp.Latency, wantLatency)
		}
	})
}
