package sensenova

import (
	"encoding/base64"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestAccessTokenVector checks the token against the vector computed
// independently by reference/signing_vectors.py (§7, §9.3): ak test-ak,
// sk test-sk, now 1700000000.
func TestAccessTokenVector(t *testing.T) {
	const want = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
		"eyJpc3MiOiJ0ZXN0LWFrIiwiZXhwIjoxNzAwMDAxODAwLCJuYmYiOjE2OTk5OTk5OTV9." +
		"WVi2E6Zh6XjoahLqvgwjrspinAR_wIVTs0y9SGAH0Gs"
	got := accessToken("test-ak", "test-sk", time.Unix(1700000000, 0))
	if got != want {
		t.Errorf("token\n got %s\nwant %s", got, want)
	}
	claims, err := base64.RawURLEncoding.DecodeString(strings.Split(got, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"iss":"test-ak","exp":1700001800,"nbf":1699999995}`, string(claims)); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
}

// TestTokenRefresh checks the cache on a fake clock: one token until five
// minutes before it expires, then a fresh one signed at the new time.
func TestTokenRefresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &tokenSource{accessKey: "test-ak", secretKey: "test-sk"}
		first := s.token()
		reuse := tokenLife - tokenRefresh
		time.Sleep(reuse - time.Second)
		if got := s.token(); got != first {
			t.Fatalf("token changed after %v, before its reuse period ended", reuse-time.Second)
		}
		time.Sleep(time.Second)
		second := s.token()
		if second == first {
			t.Fatalf("token not renewed %v before expiry", tokenRefresh)
		}
		if want := accessToken("test-ak", "test-sk", time.Now()); second != want {
			t.Errorf("renewed token is not signed at the current time")
		}
		if diff := cmp.Diff([]string{second, first}, s.issued()); diff != "" {
			t.Errorf("issued (-want +got):\n%s", diff)
		}
	})
}
