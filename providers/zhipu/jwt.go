package zhipu

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"time"
)

// The legacy token's lifetime and how long one is reused, as in the
// official SDK's _jwt_token.py (cache 180 s, TTL 180 s + 30 s).
const (
	tokenTTL   = 210 * time.Second
	tokenReuse = 180 * time.Second
)

// jwtHeader is the token header exactly as PyJWT writes it for the SDK:
// sorted keys, compact, with the non-standard sign_type.
const jwtHeader = `{"alg":"HS256","sign_type":"SIGN","typ":"JWT"}`

// splitKey splits an API key of the form "id.secret" as the SDK does
// (exactly one dot, both halves present).
func splitKey(key string) (id, secret string, ok bool) {
	id, secret, ok = strings.Cut(key, ".")
	if !ok || id == "" || secret == "" || strings.Contains(secret, ".") {
		return "", "", false
	}
	return id, secret, true
}

// legacyToken signs the legacy HS256 JWT for key id/secret at now. Both
// time claims are in milliseconds, not the seconds RFC 7519 uses.
func legacyToken(id, secret string, now time.Time) string {
	ms := now.UnixMilli()
	claims, _ := json.Marshal(struct { // field order is the SDK's claim order
		APIKey    string `json:"api_key"`
		Exp       int64  `json:"exp"`
		Timestamp int64  `json:"timestamp"`
	}{id, ms + tokenTTL.Milliseconds(), ms})
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString([]byte(jwtHeader)) + "." + enc.EncodeToString(claims)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

// tokenSource hands out one token until it is tokenReuse old, then signs a
// new one. It is safe for concurrent use.
type tokenSource struct {
	id, secret string

	mu         sync.Mutex
	cur, prev  string
	reuseUntil time.Time
}

func (s *tokenSource) token() string {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == "" || !now.Before(s.reuseUntil) {
		s.prev, s.cur = s.cur, legacyToken(s.id, s.secret, now)
		s.reuseUntil = now.Add(tokenReuse)
	}
	return s.cur
}

// issued returns the tokens a call in flight may have sent, so they can be
// kept out of error messages.
func (s *tokenSource) issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return []string{s.cur, s.prev}
}
