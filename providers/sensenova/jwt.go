package sensenova

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"sync"
	"time"
)

// An access-key token is valid for tokenLife from its signing and from
// tokenSkew before it (so a server clock a little behind still accepts
// it), as SenseTime's Authorization doc prescribes; the adapter signs a new
// one tokenRefresh before the old one expires.
const (
	tokenLife    = 1800 * time.Second
	tokenSkew    = 5 * time.Second
	tokenRefresh = 300 * time.Second
)

const jwtHeader = `{"alg":"HS256","typ":"JWT"}`

// accessToken signs the HS256 JWT for an access key pair at now: claims
// iss (the access key id), exp and nbf, in seconds.
func accessToken(accessKey, secretKey string, now time.Time) string {
	s := now.Unix()
	claims, _ := json.Marshal(struct { // field order is the documented claim order
		Iss string `json:"iss"`
		Exp int64  `json:"exp"`
		Nbf int64  `json:"nbf"`
	}{accessKey, s + int64(tokenLife/time.Second), s - int64(tokenSkew/time.Second)})
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString([]byte(jwtHeader)) + "." + enc.EncodeToString(claims)
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

// tokenSource hands out one token until tokenRefresh before it expires,
// then signs a new one. It is safe for concurrent use.
type tokenSource struct {
	accessKey, secretKey string

	mu         sync.Mutex
	cur, prev  string
	reuseUntil time.Time
}

func (s *tokenSource) token() string {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == "" || !now.Before(s.reuseUntil) {
		s.prev, s.cur = s.cur, accessToken(s.accessKey, s.secretKey, now)
		s.reuseUntil = now.Add(tokenLife - tokenRefresh)
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
