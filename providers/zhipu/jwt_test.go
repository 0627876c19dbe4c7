package zhipu

import (
	"encoding/base64"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestLegacyTokenVector checks the token against the vector computed
// independently by reference/signing_vectors.py (§4, §9.3): the SDK's test
// key at now_ms = 1700000000000.
func TestLegacyTokenVector(t *testing.T) {
	const want = "eyJhbGciOiJIUzI1NiIsInNpZ25fdHlwZSI6IlNJR04iLCJ0eXAiOiJKV1QifQ." +
		"eyJhcGlfa2V5IjoiMTIzNDU2NzgiLCJleHAiOjE3MDAwMDAyMTAwMDAsInRpbWVzdGFtcCI6MTcwMDAwMDAwMDAwMH0." +
		"QwkBN-t1Q5A-mpFLcqgGAQG93TRmu1HurQNLoIcJKpY"
	id, secret, ok := splitKey("12345678.abcdefg")
	if !ok {
		t.Fatal("splitKey rejected the SDK's test key")
	}
	got := legacyToken(id, secret, time.UnixMilli(1700000000000))
	if got != want {
		t.Errorf("token\n got %s\nwant %s", got, want)
	}
	claims, err := base64.RawURLEncoding.DecodeString(strings.Split(got, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"api_key":"12345678","exp":1700000210000,"timestamp":1700000000000}`, string(claims)); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
}

func TestSplitKey(t *testing.T) {
	tests := []struct {
		name, key  string
		id, secret string
		ok         bool
	}{
		{"id.secret", "0f3c9a1e.Zk3Sup3r", "0f3c9a1e", "Zk3Sup3r", true},
		{"no dot", "sk-abcdef", "", "", false},
		{"two dots", "a.b.c", "", "", false},
		{"empty id", ".secret", "", "", false},
		{"empty secret", "id.", "", "", false},
		{"empty", "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, secret, ok := splitKey(tt.key)
			if id != tt.id || secret != tt.secret || ok != tt.ok {
				t.Errorf("splitKey(%q) = %q, %q, %v; want %q, %q, %v", tt.key, id, secret, ok, tt.id, tt.secret, tt.ok)
			}
		})
	}
}

// TestTokenReuse checks the SDK's cache policy on a fake clock: one token
// for 180 s, then a fresh one, whose claims start at the new time.
func TestTokenReuse(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &tokenSource{id: "12345678", secret: "abcdefg"}
		first := s.token()
		time.Sleep(tokenReuse - time.Second)
		if got := s.token(); got != first {
			t.Fatalf("token changed after %v, before its reuse period ended", tokenReuse-time.Second)
		}
		time.Sleep(time.Second)
		second := s.token()
		if second == first {
			t.Fatalf("token not renewed after %v", tokenReuse)
		}
		if want := legacyToken("12345678", "abcdefg", time.Now()); second != want {
			t.Errorf("renewed token is not signed at the current time")
		}
		if diff := cmp.Diff([]string{second, first}, s.issued()); diff != "" {
			t.Errorf("issued (-want +got):\n%s", diff)
		}
	})
}
