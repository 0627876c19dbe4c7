package providertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/providers"
)

// Scenario names what a fake server does with one call.
type Scenario string

// The scenarios a Fake must implement, each in its provider's own wire
// format.
const (
	// Answer replies with Behaviour.Text, reporting Behaviour.Model and
	// Behaviour.Usage; a streaming request gets Text in several chunks and
	// the usage the way the provider streams it.
	Answer Scenario = "answer"
	// RateLimit rejects the call as rate limited with the delay hint
	// Behaviour.RetryAfter (whole seconds, so a seconds-only header can
	// carry it exactly).
	RateLimit Scenario = "rate_limit"
	// Quota rejects the call because the account is out of credit.
	Quota Scenario = "quota"
	// AuthFailure rejects the credentials. The fake should echo the
	// credential it received in its message, as some servers do: the adapter
	// must keep it out of the error.
	AuthFailure Scenario = "auth"
	// ServerError fails with a 5xx (or the provider's equivalent).
	ServerError Scenario = "server_error"
	// BadRequest rejects the request as invalid.
	BadRequest Scenario = "bad_request"
	// ContentFilter blocks the answer as the provider's moderation does.
	ContentFilter Scenario = "content_filter"
	// CutStream streams the first Behaviour.Cut bytes of Text, then ends
	// the body without the provider's end marker or a finish reason.
	CutStream Scenario = "cut_stream"
	// Garbage answers 200 with a body that is not the provider's format.
	Garbage Scenario = "garbage"
	// Oversize answers 200 with a well-formed-looking body of more than
	// Behaviour.Size bytes, sent without a Content-Length.
	Oversize Scenario = "oversize"
	// Stall reads the request, calls Record, and then sends nothing until
	// the request's context ends.
	Stall Scenario = "stall"
	// StallBody answers 200 and then goes silent, the connection open,
	// until the request's context ends: a streaming request first gets what
	// CutStream sends (the first Behaviour.Cut bytes of Text), a whole one
	// the first half of an Answer body (WriteHalf). Hold does the waiting.
	StallBody Scenario = "stall_body"
)

// Behaviour is what the Kit asks of a Fake for one subtest.
type Behaviour struct {
	Scenario Scenario
	// Config holds the credentials the provider was given; the fake accepts
	// exactly these (except in AuthFailure, which rejects them).
	Config providers.Config
	// Model is the model name the fake reports in answers.
	Model string
	// Text is the answer (and the source of CutStream's partial text).
	Text string
	// Cut is how many bytes of Text CutStream sends (at a rune boundary).
	Cut   int
	Usage providers.Usage
	// RetryAfter is the delay hint of RateLimit.
	RetryAfter time.Duration
	// Size is the minimum body size of Oversize.
	Size int64
	// Record must be called once per request, after the fake decoded it and
	// before it answers.
	Record func(Received)
}

// Received is what a fake understood of a request.
type Received struct {
	Model string
	// Messages as the server decoded them, images included (bytes and
	// media type).
	Messages []providers.Message
	Stream   bool
	// Authenticated is true when the request carried the credentials of
	// Behaviour.Config, correctly presented.
	Authenticated bool
}

// Kit is the conformance suite for one adapter.
type Kit struct {
	// New builds the provider under test. The kit fills BaseURL and
	// MaxResponseBytes of the Config it passes.
	New providers.Factory
	// Fake starts a fake server for one behaviour (closing it with
	// t.Cleanup) and returns the base URL to give the provider.
	Fake func(t *testing.T, b Behaviour) (baseURL string)
	// Config is the template configuration: credentials and APIKeyEnv.
	// When APIKey, AccessKey and SecretKey are all empty the kit uses a
	// made-up key and variable name.
	Config providers.Config
	// Model is the model name requested ("test-model" when empty).
	Model string
	// Skip names checks the provider cannot take part in, with the reason
	// (e.g. "image": "text-only API").
	Skip map[string]string
}

// Fixed inputs of the checks.
const (
	answerText  = "The answer is 42. 答案是 42。"
	reportModel = "test-model-2024-08-06"
	oversize    = 1 << 20
	bodyLimit   = 64 << 10
)

var answerUsage = providers.Usage{InputTokens: 19, OutputTokens: 10}

// Checks lists the conformance checks in the order Run runs them.
func Checks() []string {
	out := make([]string, len(checks))
	for i, c := range checks {
		out[i] = c.name
	}
	return out
}

// Run runs every check not skipped as a subtest.
func (k *Kit) Run(t *testing.T) {
	t.Helper()
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if why, ok := k.Skip[c.name]; ok {
				t.Skip(why)
			}
			for _, p := range k.Check(t, c.name) {
				t.Error(p)
			}
		})
	}
}

// Check runs one named check and returns the problems it found (none when
// the adapter conforms). It is exported so a kit's own tests can prove a
// check catches a broken adapter.
func (k *Kit) Check(t *testing.T, name string) []string {
	for _, c := range checks {
		if c.name == name {
			env := k.env(t)
			c.run(env)
			return env.problems
		}
	}
	return []string{fmt.Sprintf("no check named %q (have %v)", name, Checks())}
}

type check struct {
	name string
	run  func(e *env)
}

// env is one check's state.
type env struct {
	t        *testing.T
	k        *Kit
	cfg      providers.Config
	problems []string

	mu       sync.Mutex
	received []Received
}

func (e *env) errorf(format string, args ...any) {
	e.problems = append(e.problems, fmt.Sprintf(format, args...))
}

func (k *Kit) env(t *testing.T) *env {
	cfg := k.Config
	if cfg.APIKey == "" && cfg.AccessKey == "" && cfg.SecretKey == "" {
		cfg.APIKey = "sk-providertest-Sup3rS3cretValue-0123456789"
		cfg.APIKeyEnv = "PROVIDERTEST_API_KEY"
	}
	cfg.MaxResponseBytes = bodyLimit
	return &env{t: t, k: k, cfg: cfg}
}

func (e *env) model() string {
	if e.k.Model != "" {
		return e.k.Model
	}
	return "test-model"
}

// behaviour fills the fields every scenario shares.
func (e *env) behaviour(s Scenario) Behaviour {
	return Behaviour{
		Scenario:   s,
		Config:     e.cfg,
		Model:      reportModel,
		Text:       answerText,
		Cut:        len("The answer "),
		Usage:      answerUsage,
		RetryAfter: 2 * time.Second,
		Size:       oversize,
		Record: func(r Received) {
			e.mu.Lock()
			e.received = append(e.received, r)
			e.mu.Unlock()
		},
	}
}

// call starts a fake for b and makes one call through a fresh provider.
func (e *env) call(ctx context.Context, b Behaviour, req *providers.Request) (*providers.Response, error) {
	cfg := e.cfg
	cfg.BaseURL = e.k.Fake(e.t, b)
	p, err := e.k.New(cfg)
	if err != nil {
		e.errorf("build provider: %v", err)
		return nil, err
	}
	resp, err := p.Complete(ctx, req)
	if err != nil && resp != nil {
		e.errorf("Complete returned both a response and an error")
	}
	return resp, err
}

func (e *env) request(stream bool) *providers.Request {
	temp, maxTok := 0.0, 64
	return &providers.Request{
		Model: e.model(),
		Messages: []providers.Message{
			{Role: providers.RoleSystem, Text: "You are terse."},
			{Role: providers.RoleUser, Text: "What is six times seven? 用中文也回答。"},
		},
		Params: providers.Params{Temperature: &temp, MaxTokens: &maxTok},
		Stream: stream,
	}
}

// secrets are the credential values no error may contain.
func (e *env) secrets() []string {
	var out []string
	for _, s := range []string{e.cfg.APIKey, e.cfg.SecretKey} {
		if len(s) >= 4 {
			out = append(out, s)
		}
	}
	return out
}

// wantError checks that err is a *providers.Error of class want, and
// that neither its text nor its message leaks a secret.
func (e *env) wantError(resp *providers.Response, err error, want providers.Class) *providers.Error {
	if err == nil {
		e.errorf("Complete succeeded (text %q), want a %s error", resp.Text, want)
		return nil
	}
	var pe *providers.Error
	if !errors.As(err, &pe) {
		e.errorf("error %v (%T) is not a *providers.Error", err, err)
		return nil
	}
	if pe.Class != want {
		e.errorf("error class = %s, want %s (error: %v)", pe.Class, want, err)
	}
	if pe.Error() == "" {
		e.errorf("error text is empty")
	}
	for _, s := range e.secrets() {
		if strings.Contains(err.Error(), s) || strings.Contains(pe.Message, s) {
			e.errorf("error leaks a credential: %q", err.Error())
		}
	}
	return pe
}

func (e *env) lastReceived() (Received, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.received) == 0 {
		return Received{}, false
	}
	return e.received[len(e.received)-1], true
}

var checks = []check{
	{"answer", checkAnswer},
	{"stream", checkStream},
	{"image", checkImage},
	{"concurrent", checkConcurrent},
	{"rate_limited", func(e *env) {
		resp, err := e.call(context.Background(), e.behaviour(RateLimit), e.request(false))
		if pe := e.wantError(resp, err, providers.RateLimited); pe != nil && pe.RetryAfter != 2*time.Second {
			e.errorf("RetryAfter = %v, want the server's hint of 2s", pe.RetryAfter)
		}
	}},
	{"quota", func(e *env) {
		resp, err := e.call(context.Background(), e.behaviour(Quota), e.request(false))
		e.wantError(resp, err, providers.Quota)
	}},
	{"auth", func(e *env) {
		resp, err := e.call(context.Background(), e.behaviour(AuthFailure), e.request(false))
		pe := e.wantError(resp, err, providers.Auth)
		if pe != nil && e.cfg.APIKeyEnv != "" && !strings.Contains(pe.Message, e.cfg.APIKeyEnv) {
			e.errorf("auth message %q does not name the variable %s", pe.Message, e.cfg.APIKeyEnv)
		}
	}},
	{"server", func(e *env) {
		resp, err := e.call(context.Background(), e.behaviour(ServerError), e.request(false))
		e.wantError(resp, err, providers.Server)
	}},
	{"bad_request", func(e *env) {
		resp, err := e.call(context.Background(), e.behaviour(BadRequest), e.request(false))
		e.wantError(resp, err, providers.BadRequest)
	}},
	{"content_filter", func(e *env) {
		resp, err := e.call(context.Background(), e.behaviour(ContentFilter), e.request(false))
		e.wantError(resp, err, providers.ContentFiltered)
	}},
	{"content_filter_stream", func(e *env) {
		resp, err := e.call(context.Background(), e.behaviour(ContentFilter), e.request(true))
		e.wantError(resp, err, providers.ContentFiltered)
	}},
	{"cut_stream", func(e *env) {
		b := e.behaviour(CutStream)
		resp, err := e.call(context.Background(), b, e.request(true))
		if pe := e.wantError(resp, err, providers.BadResponse); pe != nil && pe.Partial != b.Text[:b.Cut] {
			e.errorf("Partial = %q, want the text sent before the cut, %q", pe.Partial, b.Text[:b.Cut])
		}
	}},
	{"garbage", func(e *env) {
		resp, err := e.call(context.Background(), e.behaviour(Garbage), e.request(false))
		e.wantError(resp, err, providers.BadResponse)
	}},
	{"garbage_stream", func(e *env) {
		resp, err := e.call(context.Background(), e.behaviour(Garbage), e.request(true))
		e.wantError(resp, err, providers.BadResponse)
	}},
	{"oversize", func(e *env) {
		resp, err := e.call(context.Background(), e.behaviour(Oversize), e.request(false))
		e.wantError(resp, err, providers.BadResponse)
	}},
	{"oversize_stream", func(e *env) {
		resp, err := e.call(context.Background(), e.behaviour(Oversize), e.request(true))
		e.wantError(resp, err, providers.BadResponse)
	}},
	{"stall", func(e *env) { checkStall(e, false) }},
	{"stall_stream", func(e *env) { checkStall(e, true) }},
	{"canceled", func(e *env) {
		b := e.behaviour(Stall)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		record := b.Record
		b.Record = func(r Received) { record(r); cancel() } // cancel once the server holds the call
		resp, err := e.call(ctx, b, e.request(true))
		e.wantError(resp, err, providers.Canceled)
	}},
	{"deadline", func(e *env) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		resp, err := e.call(ctx, e.behaviour(Stall), e.request(false))
		e.wantError(resp, err, providers.Timeout)
	}},
}

// stallLimit is the Config.StallTimeout of the stall checks: short, to
// keep the suite quick, yet long enough that a loaded machine does not
// pause that long between a fake's writes or before the adapter's first
// read.
const stallLimit = 500 * time.Millisecond

// checkStall: a body that goes silent once the headers are in ends the
// call after Config.StallTimeout with class timeout and code
// providers.StallCode, keeping the streamed text. The call's own deadline
// is ten times longer, so an adapter that does not watch the body fails it
// as a plain timeout without the code.
func checkStall(e *env, stream bool) {
	b := e.behaviour(StallBody)
	e.cfg.StallTimeout = stallLimit
	ctx, cancel := context.WithTimeout(context.Background(), 10*stallLimit)
	defer cancel()
	resp, err := e.call(ctx, b, e.request(stream))
	pe := e.wantError(resp, err, providers.Timeout)
	if pe == nil {
		return
	}
	if pe.Code != providers.StallCode {
		e.errorf("Code = %q, want %q: the body went silent after the headers (error: %v)", pe.Code, providers.StallCode, err)
	}
	if pe.Status != 200 {
		e.errorf("Status = %d, want the 200 the stalled answer came with", pe.Status)
	}
	want := ""
	if stream {
		want = b.Text[:b.Cut]
	}
	if pe.Partial != want {
		e.errorf("Partial = %q, want the text streamed before the silence, %q", pe.Partial, want)
	}
}

func checkAnswer(e *env) {
	resp, err := e.call(context.Background(), e.behaviour(Answer), e.request(false))
	if err != nil {
		e.errorf("Complete: %v", err)
		return
	}
	e.checkResponse(resp)
	if resp.TTFT != 0 {
		e.errorf("TTFT = %v for a non-streamed call, want 0", resp.TTFT)
	}
	got, ok := e.lastReceived()
	if !ok {
		e.errorf("the fake recorded no request")
		return
	}
	want := Received{Model: e.model(), Messages: e.request(false).Messages, Authenticated: true}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		e.errorf("request as the server saw it (-want +got):\n%s", diff)
	}
}

func checkStream(e *env) {
	resp, err := e.call(context.Background(), e.behaviour(Answer), e.request(true))
	if err != nil {
		e.errorf("Complete: %v", err)
		return
	}
	e.checkResponse(resp)
	if resp.TTFT <= 0 {
		e.errorf("TTFT = %v for a streamed call, want > 0", resp.TTFT)
	}
	if resp.TTFT > resp.Latency {
		e.errorf("TTFT %v is after the end of the body (latency %v)", resp.TTFT, resp.Latency)
	}
	if got, ok := e.lastReceived(); !ok || !got.Stream {
		e.errorf("the server did not see a streaming request (recorded: %v)", ok)
	}
}

func (e *env) checkResponse(resp *providers.Response) {
	if resp.Text != answerText {
		e.errorf("Text = %q, want %q", resp.Text, answerText)
	}
	if resp.Model != reportModel {
		e.errorf("Model = %q, want the reported %q", resp.Model, reportModel)
	}
	if resp.Usage != answerUsage {
		e.errorf("Usage = %+v, want %+v", resp.Usage, answerUsage)
	}
	if resp.FinishReason == "" {
		e.errorf("FinishReason is empty")
	}
	if resp.Latency <= 0 {
		e.errorf("Latency = %v, want > 0", resp.Latency)
	}
}

func checkImage(e *env) {
	req := e.request(false)
	imgs := []providers.Image{{MIME: "image/png", Data: PNG()}, {MIME: "image/jpeg", Data: JPEG()}}
	req.Messages[1].Images = imgs
	if _, err := e.call(context.Background(), e.behaviour(Answer), req); err != nil {
		e.errorf("Complete: %v", err)
		return
	}
	got, ok := e.lastReceived()
	if !ok {
		e.errorf("the fake recorded no request")
		return
	}
	if diff := cmp.Diff(req.Messages, got.Messages, cmpopts.EquateEmpty()); diff != "" {
		e.errorf("messages with images as the server saw them (-want +got):\n%s", diff)
	}
}

// checkConcurrent makes calls from several goroutines through one provider
// (run it with -race).
func checkConcurrent(e *env) {
	cfg := e.cfg
	cfg.BaseURL = e.k.Fake(e.t, e.behaviour(Answer))
	p, err := e.k.New(cfg)
	if err != nil {
		e.errorf("build provider: %v", err)
		return
	}
	const n = 8
	errs := make([]error, n)
	texts := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp, err := p.Complete(context.Background(), e.request(i%2 == 0))
			errs[i] = err
			if resp != nil {
				texts[i] = resp.Text
			}
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || texts[i] != answerText {
			e.errorf("call %d: text %q, error %v", i, texts[i], errs[i])
		}
	}
}

// PNG is a small valid PNG image for image checks.
func PNG() []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage()); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// JPEG is a small valid JPEG image for image checks.
func JPEG() []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(), nil); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for y := range 8 {
		for x := range 8 {
			img.Set(x, y, color.RGBA{R: uint8(x * 32), G: uint8(y * 32), B: 128, A: 255})
		}
	}
	return img
}
