package qianfan

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/llmbench/llmbench/providers"
)

// tokenSource caches the v1 OAuth access token of one client. The token is
// fetched on first use and again once it is due for refresh, a tenth of its
// lifetime before it expires (Baidu issues tokens for 30 days). Concurrent
// callers share one fetch in flight (single flight); a fetch runs apart
// from the context of the call that started it, so one canceled call does
// not fail the others waiting for the same token. Safe for concurrent use.
type tokenSource struct {
	fetch func(ctx context.Context) (token string, lifetime time.Duration, err *providers.Error)

	mu        sync.Mutex
	token     string
	expires   time.Time
	refreshAt time.Time
	flight    *tokenFlight
}

type tokenFlight struct {
	done  chan struct{}
	token string
	err   *providers.Error
}

// tokenFetchTimeout bounds one token request.
const tokenFetchTimeout = 30 * time.Second

// maxTokenLifetime caps expires_in, in seconds (a year).
const maxTokenLifetime = 365 * 24 * 3600

// defaultTokenLifetime is assumed when the token response gives none.
const defaultTokenLifetime = time.Hour

// get returns a token that is not due for refresh, fetching one if need
// be. stale, when not empty, is a token the server has just rejected: it
// is dropped if it is still the cached one, so a new one is fetched.
func (s *tokenSource) get(ctx context.Context, stale string) (string, *providers.Error) {
	s.mu.Lock()
	if stale != "" && s.token == stale {
		s.token = ""
	}
	if s.token != "" && time.Now().Before(s.refreshAt) {
		t := s.token
		s.mu.Unlock()
		return t, nil
	}
	f := s.flight
	if f == nil {
		f = &tokenFlight{done: make(chan struct{})}
		s.flight = f
		go s.run(ctx, f)
	}
	s.mu.Unlock()

	select {
	case <-f.done:
	case <-ctx.Done():
		return "", contextError(ctx, ctx.Err())
	}
	if f.err == nil {
		return f.token, nil
	}
	// A failed refresh leaves a token that has not expired yet usable.
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && time.Now().Before(s.expires) {
		return s.token, nil
	}
	e := *f.err // each caller gets its own copy to annotate
	return "", &e
}

func (s *tokenSource) run(ctx context.Context, f *tokenFlight) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tokenFetchTimeout)
	defer cancel()
	start := time.Now()
	token, life, err := s.fetch(fctx)
	s.mu.Lock()
	if err == nil {
		if life <= 0 {
			life = defaultTokenLifetime
		}
		s.token = token
		s.expires = start.Add(life)
		s.refreshAt = s.expires.Add(-life / 10)
	}
	s.flight = nil
	f.token, f.err = token, err
	s.mu.Unlock()
	close(f.done)
}

// tokenResponse is the OAuth endpoint's answer, success or failure.
type tokenResponse struct {
	AccessToken      string          `json:"access_token"`
	ExpiresIn        json.RawMessage `json:"expires_in"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

// fetchToken exchanges the application's API Key and Secret Key for an
// access token: POST {base}/oauth/2.0/token?grant_type=client_credentials
// &client_id=…&client_secret=… (the Qianfan SDK's auth.go). The secret is in
// the URL, so no error from here may quote the URL.
func (c *v1Client) fetchToken(ctx context.Context) (string, time.Duration, *providers.Error) {
	u := *c.base
	u.Path += tokenPath
	u.RawQuery = url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {c.cfg.AccessKey},
		"client_secret": {c.cfg.SecretKey},
	}.Encode()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), nil)
	if err != nil {
		return "", 0, &providers.Error{Class: providers.BadRequest, Message: "access token: build request: " + stripURL(err).Error()}
	}
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", "llmbench")
	resp, err := c.http.Do(hreq)
	if err != nil {
		e := transportError(ctx, err)
		e.Message = "access token: " + e.Message
		return "", 0, e
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(providers.LimitBody(resp.Body, errorBodyLimit))
	if err != nil {
		e := readError(ctx, err, errorBodyLimit)
		e.Message = "access token: " + e.Message
		return "", 0, e
	}
	var tr tokenResponse
	jsonErr := json.Unmarshal(body, &tr)
	switch {
	case jsonErr == nil && tr.Error != "" && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests:
		// invalid_client ("unknown client id", "Client authentication
		// failed") and the other OAuth errors all mean the pair is wrong.
		msg := tr.Error
		if tr.ErrorDescription != "" {
			msg += ": " + tr.ErrorDescription
		}
		return "", 0, &providers.Error{Class: providers.Auth, Status: resp.StatusCode, Code: tr.Error,
			Message: "access token: " + msg + "; check " + c.credentials()}
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		e := statusError(resp.StatusCode, "access token: "+snippet(body), resp.Header)
		if e.Class == providers.Auth {
			e.Message += "; check " + c.credentials()
		}
		return "", 0, e
	case jsonErr != nil || strings.TrimSpace(tr.AccessToken) == "":
		return "", 0, &providers.Error{Class: providers.BadResponse, Status: resp.StatusCode,
			Message: "access token: the OAuth answer holds no access_token"}
	}
	secs, _ := number(tr.ExpiresIn)
	secs = min(secs, maxTokenLifetime) // no overflow from a silly value
	return tr.AccessToken, time.Duration(secs) * time.Second, nil
}
