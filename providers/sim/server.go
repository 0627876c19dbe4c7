package sim

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a Server.
type Options struct {
	// Models are the simulated models (DefaultModels when empty). A later
	// model replaces an earlier one of the same name.
	Models []Model
	// Seed makes answers, refusals and errors reproducible: the same seed
	// and requests give the same behaviour.
	Seed int64
	// Answers maps PromptKey(prompt) to the reference answer.
	Answers map[string]string
}

// Server is the simulator. It is an http.Handler safe for concurrent use;
// Start serves it on a loopback address.
type Server struct {
	models  map[string]*Model
	order   []string
	seed    int64
	answers map[string]string

	mu       sync.Mutex
	attempts map[attemptKey]int
	windows  map[string]*window

	srvMu sync.Mutex
	srv   *http.Server
}

var _ http.Handler = (*Server)(nil)

type attemptKey struct{ model, key string }

// window counts a model's traffic in the current minute, for the
// x-ratelimit-* headers (which report, but do not enforce, the limits).
type window struct {
	start            time.Time
	requests, tokens int
}

// Advertised per-model limits in the x-ratelimit-* headers.
const (
	limitRequests = 10000
	limitTokens   = 2000000
)

// maxRequestBytes bounds a request body (base64 images included).
const maxRequestBytes = 32 << 20

// NewServer returns a simulator for opts.
func NewServer(opts Options) *Server {
	models := opts.Models
	if len(models) == 0 {
		models = DefaultModels()
	}
	s := &Server{
		models:   map[string]*Model{},
		seed:     opts.Seed,
		answers:  make(map[string]string, len(opts.Answers)),
		attempts: map[attemptKey]int{},
		windows:  map[string]*window{},
	}
	for _, m := range models {
		m := m
		if m.RetryAfter <= 0 {
			m.RetryAfter = DefaultRetryAfter
		}
		if m.ReportedModel == "" {
			m.ReportedModel = m.Name
		}
		if _, dup := s.models[m.Name]; !dup {
			s.order = append(s.order, m.Name)
		}
		s.models[m.Name] = &m
	}
	for k, v := range opts.Answers {
		s.answers[k] = v
	}
	return s
}

// Start serves the simulator on addr, which must be a loopback address
// ("127.0.0.1:8089", "[::1]:0", "localhost:0"; "" and ":PORT" mean
// 127.0.0.1). It returns the base URL to give the openai adapter, ending
// in "/v1".
func (s *Server) Start(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("simulator address %q: %w", addr, err)
	}
	switch host {
	case "", "localhost":
		host = "127.0.0.1"
	default:
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			return "", fmt.Errorf("simulator address %q: the simulator listens on loopback only (127.0.0.1 or ::1)", addr)
		}
	}
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.srv != nil {
		return "", errors.New("simulator already started")
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return "", fmt.Errorf("start simulator: %w", err)
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return "http://" + ln.Addr().String() + "/v1", nil
}

// Close stops a started server: the listener and every connection,
// ending calls in flight. It is safe to call more than once.
func (s *Server) Close() error {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.srv == nil {
		return nil
	}
	err := s.srv.Close()
	s.srv = nil
	return err
}

// ServeHTTP routes: POST /v1/chat/completions, GET /v1/models and
// GET /v1/models/{id}; anything else gets OpenAI's JSON errors.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-llmbench-simulated", "true")
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/v1/chat/completions":
		if r.Method != http.MethodPost {
			writeError(w, http.StatusMethodNotAllowed, "invalid_request_error", "method_not_allowed",
				fmt.Sprintf("Invalid method for URL (%s %s).", r.Method, r.URL.Path))
			return
		}
		s.chat(w, r)
	case path == "/v1/models" && r.Method == http.MethodGet:
		data := make([]any, 0, len(s.order))
		for _, name := range s.order {
			data = append(data, modelObject(name))
		}
		writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
	case strings.HasPrefix(path, "/v1/models/") && r.Method == http.MethodGet:
		name := strings.TrimPrefix(path, "/v1/models/")
		if _, ok := s.models[name]; !ok {
			writeError(w, http.StatusNotFound, "invalid_request_error", "model_not_found",
				fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", name))
			return
		}
		writeJSON(w, http.StatusOK, modelObject(name))
	default:
		writeError(w, http.StatusNotFound, "invalid_request_error", "unknown_url",
			fmt.Sprintf("Unknown request URL: %s %s.", r.Method, r.URL.Path))
	}
}

func modelObject(name string) map[string]any {
	return map[string]any{"id": name, "object": "model", "created": 1700000000, "owned_by": "llmbench-simulator"}
}

// chatRequest is the part of a Chat Completions request the simulator
// reads; other fields are accepted and ignored.
type chatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Stream        bool `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	MaxTokens           *int            `json:"max_tokens"`
	MaxCompletionTokens *int            `json:"max_completion_tokens"`
	Stop                json.RawMessage `json:"stop"`
}

// call is one decoded request and the simulator's decision about it.
type call struct {
	model        *Model
	key          string
	prompt       string // text of the last user message
	promptTokens int
	stream       bool
	includeUsage bool
	maxTokens    int // 0: no limit
	stop         []string
	attempt      int
	id           string
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	c, ok := s.decode(w, r)
	if !ok {
		return
	}
	s.rateHeaders(w, c)
	w.Header().Set("x-request-id", "req_sim_"+c.id)

	// Errors and faults depend on the attempt, so a retry can succeed.
	attempt := strconv.Itoa(c.attempt)
	if s.unit("slow", c.model.Name, c.key, attempt) < c.model.SlowFirstByteRate {
		if !pause(r.Context(), c.model.slowFirstByte()) {
			return
		}
	}
	u := s.unit("error", c.model.Name, c.key, attempt)
	switch {
	case u < c.model.RateLimitRate:
		ra := c.model.RetryAfter
		w.Header().Set("retry-after-ms", strconv.FormatInt(ra.Milliseconds(), 10))
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(ra.Seconds()))))
		writeError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded", fmt.Sprintf(
			"Rate limit reached for %s (simulated) in organization org-llmbench-sim on requests per min (RPM): Limit %d, Used %d, Requested 1. Please try again in %s.",
			c.model.Name, limitRequests, limitRequests, ra))
		return
	case u < c.model.RateLimitRate+c.model.ServerErrorRate:
		if s.unit("error-kind", c.model.Name, c.key, strconv.Itoa(c.attempt)) < 0.5 {
			writeError(w, http.StatusInternalServerError, "server_error", "",
				"The server had an error while processing your request. Sorry about that! (simulated)")
		} else {
			writeError(w, http.StatusServiceUnavailable, "server_error", "server_is_overloaded",
				"The server is overloaded, please try again later. (simulated)")
		}
		return
	}
	f := faults{fault: c.model.bodyFault(u - c.model.RateLimitRate - c.model.ServerErrorRate), stallFor: c.model.Stall}
	f.stall = f.fault == noFault && s.unit("stall", c.model.Name, c.key, attempt) < c.model.StallRate

	text, finish := "", "content_filter"
	if s.unit("refuse", c.model.Name, c.key) >= c.model.RefusalRate {
		text, finish = s.answer(c.model, c.key, c.prompt), "stop"
		text, finish = limit(text, finish, c.stop, c.maxTokens)
	}
	out := output{text: text, finish: finish, created: time.Now().Unix(),
		usage: usage{Prompt: c.promptTokens, Completion: countTokens(text)}}
	out.usage.Total = out.usage.Prompt + out.usage.Completion
	ttft := c.model.TTFT
	if j := c.model.TTFTJitter; j > 0 {
		ttft += time.Duration((2*s.unit("ttft", c.model.Name, c.key, strconv.Itoa(c.attempt)) - 1) * float64(j))
	}
	if ttft < 0 {
		ttft = 0
	}
	p := pacer{start: time.Now(), ttft: ttft, tps: c.model.TokensPerSec, ctx: r.Context()}
	if c.stream {
		s.writeStream(w, c, out, &p, f)
	} else {
		s.writeWhole(w, c, out, &p, f)
	}
}

// decode reads and checks a request, answering errors itself.
func (s *Server) decode(w http.ResponseWriter, r *http.Request) (*call, bool) {
	var req chatRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBytes)).Decode(&req); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "invalid_request_error", "request_too_large",
				fmt.Sprintf("Request too large: the simulator accepts at most %d bytes.", maxRequestBytes))
			return nil, false
		}
		writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_json",
			"We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)")
		return nil, false
	}
	if req.Model == "" {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "missing_model", "You must provide a model parameter.")
		return nil, false
	}
	m, ok := s.models[req.Model]
	if !ok {
		writeError(w, http.StatusNotFound, "invalid_request_error", "model_not_found", fmt.Sprintf(
			"The model `%s` does not exist or you do not have access to it. The simulator serves: %s.", req.Model, strings.Join(s.order, ", ")))
		return nil, false
	}
	if len(req.Messages) == 0 {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_value", "Invalid 'messages': empty array. Expected an array with minimum length 1.")
		return nil, false
	}
	c := &call{model: m, stream: req.Stream}
	for i, msg := range req.Messages {
		text, images, err := readContent(msg.Content)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_value", fmt.Sprintf("Invalid 'messages[%d].content': %v.", i, err))
			return nil, false
		}
		c.promptTokens += countTokens(text) + images*imageTokens
		if msg.Role == "user" {
			c.prompt = text
		}
	}
	c.includeUsage = req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	switch {
	case req.MaxCompletionTokens != nil:
		c.maxTokens = *req.MaxCompletionTokens
	case req.MaxTokens != nil:
		c.maxTokens = *req.MaxTokens
	}
	if len(req.Stop) > 0 && string(req.Stop) != "null" {
		var one string
		if json.Unmarshal(req.Stop, &one) == nil {
			c.stop = []string{one}
		} else if json.Unmarshal(req.Stop, &c.stop) != nil {
			writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_type", "Invalid type for 'stop': expected a string or an array of strings.")
			return nil, false
		}
	}
	c.key = PromptKey(c.prompt)
	c.attempt = s.nextAttempt(m.Name, c.key)
	h := s.hash("id", m.Name, c.key, strconv.Itoa(c.attempt))
	c.id = hex.EncodeToString(h[:12])
	return c, true
}

// readContent reads a message's content: a string, or parts of type text
// (joined with "\n") and image_url (counted).
func readContent(raw json.RawMessage) (text string, images int, err error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", 0, nil
	}
	if json.Unmarshal(raw, &text) == nil {
		return text, 0, nil
	}
	var parts []struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		ImageURL *struct {
			URL string `json:"url"`
		} `json:"image_url"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", 0, errors.New("expected a string or an array of content parts")
	}
	var texts []string
	for _, p := range parts {
		switch p.Type {
		case "text":
			texts = append(texts, p.Text)
		case "image_url":
			if p.ImageURL == nil || p.ImageURL.URL == "" {
				return "", 0, errors.New("image_url part without a url")
			}
			images++
		default:
			return "", 0, fmt.Errorf("unsupported content part type %q", p.Type)
		}
	}
	return strings.Join(texts, "\n"), images, nil
}

// nextAttempt returns how many earlier requests the server saw for (model,
// key): 0 for the first.
func (s *Server) nextAttempt(model, key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := attemptKey{model, key}
	n := s.attempts[k]
	s.attempts[k] = n + 1
	return n
}

// rateHeaders counts the request in its model's minute and sets OpenAI's
// x-ratelimit-* headers.
func (s *Server) rateHeaders(w http.ResponseWriter, c *call) {
	now := time.Now()
	s.mu.Lock()
	win := s.windows[c.model.Name]
	if win == nil || now.Sub(win.start) >= time.Minute {
		win = &window{start: now}
		s.windows[c.model.Name] = win
	}
	win.requests++
	win.tokens += c.promptTokens
	reqs, toks, reset := win.requests, win.tokens, win.start.Add(time.Minute).Sub(now)
	s.mu.Unlock()
	h := w.Header()
	h.Set("x-ratelimit-limit-requests", strconv.Itoa(limitRequests))
	h.Set("x-ratelimit-limit-tokens", strconv.Itoa(limitTokens))
	h.Set("x-ratelimit-remaining-requests", strconv.Itoa(max(0, limitRequests-reqs)))
	h.Set("x-ratelimit-remaining-tokens", strconv.Itoa(max(0, limitTokens-toks)))
	h.Set("x-ratelimit-reset-requests", reset.Round(time.Millisecond).String())
	h.Set("x-ratelimit-reset-tokens", reset.Round(time.Millisecond).String())
}

// limit applies stop sequences and the token limit to an answer.
func limit(text, finish string, stop []string, maxTokens int) (string, string) {
	for _, s := range stop {
		if s == "" {
			continue
		}
		if i := strings.Index(text, s); i >= 0 {
			text = text[:i]
		}
	}
	if maxTokens > 0 {
		if ps := pieces(text); len(ps) > maxTokens {
			text, finish = strings.Join(ps[:maxTokens], ""), "length"
		}
	}
	return text, finish
}

type usage struct {
	Prompt     int `json:"prompt_tokens"`
	Completion int `json:"completion_tokens"`
	Total      int `json:"total_tokens"`
}

type output struct {
	text, finish string
	created      int64
	usage        usage
}

// pacer sleeps until each token is due: the first at start+ttft, token i
// (0-based) i/tps seconds later. It returns false when the request ends.
type pacer struct {
	start time.Time
	ttft  time.Duration
	tps   float64
	ctx   context.Context
	timer *time.Timer
}

func (p *pacer) token(i int) bool {
	due := p.start.Add(p.ttft)
	if i > 0 && p.tps > 0 {
		due = due.Add(time.Duration(float64(i) / p.tps * float64(time.Second)))
	}
	d := time.Until(due)
	if d <= 0 {
		return p.ctx.Err() == nil
	}
	if p.timer == nil {
		p.timer = time.NewTimer(d)
	} else {
		p.timer.Reset(d)
	}
	select {
	case <-p.timer.C:
		return true
	case <-p.ctx.Done():
		p.timer.Stop()
		return false
	}
}

func (s *Server) writeWhole(w http.ResponseWriter, c *call, out output, p *pacer, f faults) {
	if !p.token(max(0, out.usage.Completion-1)) {
		return
	}
	answer := func(content any, finish string, u usage) map[string]any {
		return map[string]any{
			"id": "chatcmpl-sim-" + c.id, "object": "chat.completion", "created": out.created, "model": c.model.ReportedModel,
			"choices": []any{map[string]any{
				"index":         0,
				"message":       map[string]any{"role": "assistant", "content": content, "refusal": nil, "annotations": []any{}},
				"logprobs":      nil,
				"finish_reason": finish,
			}},
			"usage":              u,
			"service_tier":       "default",
			"system_fingerprint": "fp_llmbench_sim",
		}
	}
	switch f.fault {
	case noFault:
		if !f.stall {
			writeJSON(w, http.StatusOK, answer(out.text, out.finish, out.usage))
			return
		}
	case faultReset:
		reset(w)
		return
	case faultOversize:
		// The content is written in blocks between the halves of an
		// answer whose content is a placeholder.
		n := c.model.oversizeBytes()
		b, _ := json.Marshal(answer("\x00", "length", usage{Prompt: out.usage.Prompt, Completion: int(n / 4), Total: out.usage.Prompt + int(n/4)}))
		head, tail, _ := bytes.Cut(b, []byte(`\u0000`))
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.FormatInt(int64(len(head))+n+int64(len(tail)), 10))
		w.WriteHeader(http.StatusOK)
		if _, err := w.Write(head); err == nil && writeFiller(w, n) {
			w.Write(tail)
		}
		return
	}
	b, _ := json.Marshal(answer(out.text, out.finish, out.usage))
	b = append(b, '\n')
	if f.fault == faultInvalidJSON {
		b = invalidJSON(b)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	half := len(b) / 2
	switch {
	case f.fault == faultTruncate:
		// Returning short of Content-Length makes the server close the
		// connection: the client reads an unexpected EOF.
		w.Write(b[:half])
	case f.stall:
		if _, err := w.Write(b[:half]); err != nil || http.NewResponseController(w).Flush() != nil || !pause(p.ctx, f.stallFor) {
			return
		}
		w.Write(b[half:])
	default:
		w.Write(b)
	}
}

func (s *Server) writeStream(w http.ResponseWriter, c *call, out output, p *pacer, f faults) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	rc.Flush()
	chunk := func(delta map[string]any, finish any, u *usage) []byte {
		ch := map[string]any{
			"id": "chatcmpl-sim-" + c.id, "object": "chat.completion.chunk", "created": out.created,
			"model": c.model.ReportedModel, "system_fingerprint": "fp_llmbench_sim",
			"choices": []any{},
		}
		if delta != nil {
			ch["choices"] = []any{map[string]any{"index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish}}
		}
		if c.includeUsage {
			ch["usage"] = u // null on every chunk but the last
		}
		b, _ := json.Marshal(ch)
		return b
	}
	write := func(b []byte) bool {
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	event := func(b []byte) bool { return write([]byte("data: " + string(b) + "\n\n")) }
	send := func(delta map[string]any, finish any, u *usage) bool { return event(chunk(delta, finish, u)) }

	// strike applies the attempt's fault halfway through the deltas; false
	// ends the stream.
	strike := func(next string) bool {
		switch {
		case f.stall:
			return pause(p.ctx, f.stallFor)
		case f.fault == faultReset:
			reset(w)
			return false
		case f.fault == faultTruncate:
			// Half an event, then a clean end of the body: no blank line
			// dispatches it and no [DONE] follows.
			b := []byte("data: " + string(chunk(map[string]any{"content": next}, nil, nil)))
			write(b[:len(b)/2])
			return false
		case f.fault == faultInvalidJSON:
			return event(invalidJSON(chunk(map[string]any{"content": ""}, nil, nil)))
		case f.fault == faultOversize:
			b := chunk(map[string]any{"content": "\x00"}, nil, nil)
			head, tail, _ := bytes.Cut(b, []byte(`\u0000`))
			return write(append([]byte("data: "), head...)) && writeFiller(w, c.model.oversizeBytes()) &&
				write(append(tail, "\n\n"...))
		}
		return true
	}

	if !p.token(0) || !send(map[string]any{"role": "assistant", "content": "", "refusal": nil}, nil, nil) {
		return
	}
	ps := pieces(out.text)
	at := (len(ps) + 1) / 2
	for i := 0; i <= len(ps); i++ {
		next := ""
		if i < len(ps) {
			next = ps[i]
		}
		if i == at && !strike(next) {
			return
		}
		if i == len(ps) {
			break
		}
		if !p.token(i) || !send(map[string]any{"content": next}, nil, nil) {
			return
		}
	}
	if !send(map[string]any{}, out.finish, nil) {
		return
	}
	if c.includeUsage && !send(nil, nil, &out.usage) {
		return
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	rc.Flush()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError writes OpenAI's error body; an empty code is sent as null.
func writeError(w http.ResponseWriter, status int, typ, code, msg string) {
	var c any
	if code != "" {
		c = code
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": c}})
}
