// Package loopback is a minimal OpenAI-compatible Chat Completions server
// for llmbench's benchmarks: a fixed latency, answers looked up by prompt,
// optionally its own rate limit, and a record of every request (arrival,
// handling time, status, tokens), so a benchmark can compare what llmbench
// measured with what the server saw. It costs little CPU per request, since
// it shares the machine with the harness it measures. It is not the
// simulator (providers/sim), which models real providers' behaviour.
package loopback

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/llmbench/llmbench/providers/wiretime"
)

// Server answers POST /v1/chat/completions. Set its fields before serving.
type Server struct {
	// Latency is how long each answer takes, from the request's arrival
	// to the first byte of the answer.
	Latency time.Duration
	// Answers maps a prompt (the last message's text) to the answer text;
	// other prompts get Default.
	Answers map[string]string
	Default string
	// RPS, if positive, is the server's own rate limit: a token bucket of
	// RPS requests per second with a burst of Burst (default 1). A request
	// beyond it gets 429 with RetryAfter as retry-after-ms.
	RPS        float64
	Burst      float64
	RetryAfter time.Duration
	// Log, if set, is called once per request when it has been answered.
	// It is called from many goroutines at once.
	Log func(Record)

	mu     sync.Mutex
	tokens float64
	filled time.Time
}

// Record is one request as the server saw it.
type Record struct {
	// Arrived is when the handler started; Handling the time from then to
	// the last byte of the answer written and flushed.
	Arrived  time.Time
	Handling time.Duration
	// Wire is the server's time from the request's arrival on the machine
	// (the kernel's receive stamp of its last bytes, on Linux) to the last
	// byte of the answer written: Handling plus the time the request waited
	// for this process to read it. Where there is no stamp it is Handling.
	Wire   time.Duration
	Model  string
	Prompt string
	Status int
	// Tokens are the prompt and answer tokens reported in usage.
	PromptTokens, AnswerTokens int
}

// Start serves s on a loopback port and returns the base URL (ending in
// /v1) and a function that stops it.
func (s *Server) Start() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		}}
	go srv.Serve(stampingListener{ln})
	return "http://" + ln.Addr().String() + "/v1", func() { srv.Close() }, nil
}

// stampingListener accepts connections that keep the kernel's receive
// stamps (wiretime.Wrap), so a handler knows when its request arrived.
type stampingListener struct{ net.Listener }

func (l stampingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return wiretime.Wrap(c), nil
}

type connKey struct{}

type request struct {
	Model    string `json:"model"`
	Messages []struct {
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Stream bool `json:"stream"`
}

var bufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`, http.StatusNotFound)
		return
	}
	bp := bufs.Get().(*[]byte)
	defer bufs.Put(bp)
	body, err := readAll(r.Body, (*bp)[:0])
	*bp = body[:0]
	received := arrived
	if wc, ok := r.Context().Value(connKey{}).(*wiretime.Conn); ok {
		if at := wc.Arrival(); !at.IsZero() && !at.After(arrived) {
			received = at
		}
	}
	var req request
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil || len(req.Messages) == 0 {
		http.Error(w, `{"error":{"message":"bad request","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	var prompt string
	if err := json.Unmarshal(req.Messages[len(req.Messages)-1].Content, &prompt); err != nil {
		http.Error(w, `{"error":{"message":"content must be a string","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	rec := Record{Arrived: arrived, Model: req.Model, Prompt: prompt}
	if !s.allow(arrived) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("retry-after-ms", strconv.FormatInt(s.RetryAfter.Milliseconds(), 10))
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"error":{"message":"Rate limit reached (loopback fake)","type":"requests","code":"rate_limit_exceeded"}}`)
		rec.Status = http.StatusTooManyRequests
		s.log(rec)
		return
	}
	answer, ok := s.Answers[prompt]
	if !ok {
		answer = s.Default
	}
	rec.PromptTokens, rec.AnswerTokens = countTokens(prompt), countTokens(answer)
	if d := s.Latency - time.Since(arrived); d > 0 {
		time.Sleep(d)
	}
	out := body[:0]
	if req.Stream {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, chunk := range []func([]byte) []byte{
			func(b []byte) []byte { return appendChunk(b, req.Model, answer, "") },
			func(b []byte) []byte { return appendChunk(b, req.Model, "", "stop") },
			func(b []byte) []byte { return appendUsageChunk(b, req.Model, rec.PromptTokens, rec.AnswerTokens) },
		} {
			out = append(out, "data: "...)
			out = chunk(out)
			out = append(out, "\n\n"...)
		}
		out = append(out, "data: [DONE]\n\n"...)
		// One write with a length: no chunked encoding, so the answer goes
		// in one segment and the handler has nothing left to send after.
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.Write(out)
		http.NewResponseController(w).Flush()
	} else {
		out = appendWhole(out, req.Model, answer, rec.PromptTokens, rec.AnswerTokens)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.Write(out)
	}
	*bp = out[:0]
	rec.Status = http.StatusOK
	rec.Handling = time.Since(arrived)
	rec.Wire = rec.Handling + arrived.Sub(received)
	s.log(rec)
}

func (s *Server) log(r Record) {
	if s.Log != nil {
		s.Log(r)
	}
}

// allow takes a token from the bucket.
func (s *Server) allow(now time.Time) bool {
	if s.RPS <= 0 {
		return true
	}
	burst := max(s.Burst, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.filled.IsZero() {
		s.tokens = burst
	} else {
		s.tokens = min(burst, s.tokens+now.Sub(s.filled).Seconds()*s.RPS)
	}
	s.filled = now
	if s.tokens < 1 {
		return false
	}
	s.tokens--
	return true
}

func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// countTokens counts words as tokens: plausible, cheap and deterministic.
func countTokens(s string) int { return len(strings.Fields(s)) }

func appendWhole(b []byte, model, answer string, in, out int) []byte {
	b = append(b, `{"id":"chatcmpl-loopback","object":"chat.completion","created":0,"model":`...)
	b = appendString(b, model)
	b = append(b, `,"choices":[{"index":0,"message":{"role":"assistant","content":`...)
	b = appendString(b, answer)
	b = append(b, `},"finish_reason":"stop"}],`...)
	return appendUsage(b, in, out)
}

func appendChunk(b []byte, model, content, finish string) []byte {
	b = append(b, `{"id":"chatcmpl-loopback","object":"chat.completion.chunk","created":0,"model":`...)
	b = appendString(b, model)
	b = append(b, `,"choices":[{"index":0,"delta":{"content":`...)
	b = appendString(b, content)
	b = append(b, `},"finish_reason":`...)
	if finish == "" {
		b = append(b, "null"...)
	} else {
		b = appendString(b, finish)
	}
	return append(b, `}]}`...)
}

func appendUsageChunk(b []byte, model string, in, out int) []byte {
	b = append(b, `{"id":"chatcmpl-loopback","object":"chat.completion.chunk","created":0,"model":`...)
	b = appendString(b, model)
	b = append(b, `,"choices":[],`...)
	return appendUsage(b, in, out)
}

func appendUsage(b []byte, in, out int) []byte {
	b = append(b, `"usage":{"prompt_tokens":`...)
	b = strconv.AppendInt(b, int64(in), 10)
	b = append(b, `,"completion_tokens":`...)
	b = strconv.AppendInt(b, int64(out), 10)
	b = append(b, `,"total_tokens":`...)
	b = strconv.AppendInt(b, int64(in+out), 10)
	return append(b, "}}"...)
}

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\r':
			b = append(b, `\r`...)
		case c == '\t':
			b = append(b, `\t`...)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
		i++
	}
	return append(b, '"')
}
