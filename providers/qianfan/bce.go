package qianfan

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// BCE authorization v1 ("bce-auth-v1"), the signature Baidu Cloud's IAM
// checks (reference/providers.md §9.2, bce-sdk-go auth/signer.go):
//
//	authStringPrefix = "bce-auth-v1/{AK}/{UTC yyyy-mm-ddThh:mm:ssZ}/{expirationSeconds}"
//	SigningKey       = hex(HMAC-SHA256(SK, authStringPrefix))     (the hex text is the next key)
//	CanonicalRequest = METHOD \n UriEncodeExceptSlash(path) \n CanonicalQuery \n CanonicalHeaders
//	Signature        = hex(HMAC-SHA256(SigningKey, CanonicalRequest))
//	Authorization    = authStringPrefix/{signedHeaders ";"-joined, "" for the defaults}/Signature
//
// CanonicalQuery is the sorted "k=v" pairs, both sides URI-encoded, without
// "authorization". CanonicalHeaders is the sorted
// "lower(name):uriencode(trim(value))" lines of the signed headers: the
// listed ones, or when none are listed the defaults host, content-length,
// content-type and content-md5; every x-bce-* header but x-bce-request-id
// is signed either way.

// bceRequest is what a BCE signature covers.
type bceRequest struct {
	Method string
	// Path is the request path, not yet encoded.
	Path  string
	Query url.Values
	// Headers maps header names (any case) to their single value; it must
	// include Host.
	Headers map[string]string
}

// bceSignature is a signature with its intermediate values (for tests and
// for a server that checks one).
type bceSignature struct {
	SigningKey       string
	CanonicalRequest string
	Authorization    string
}

// bceDefaultHeaders are signed when the caller lists none.
var bceDefaultHeaders = []string{"host", "content-length", "content-type", "content-md5"}

// signBCE signs r with the key pair at timestamp ts (formatted
// 2006-01-02T15:04:05Z) for expire seconds. signed lists the header names
// to sign (lower case); nil means the defaults, and the Authorization then
// names no headers, as the specification allows.
func signBCE(ak, sk string, r bceRequest, ts string, expire int, signed []string) bceSignature {
	prefix := "bce-auth-v1/" + ak + "/" + ts + "/" + strconv.Itoa(expire)
	signingKey := hmacHex([]byte(sk), prefix)
	set := signed
	if set == nil {
		set = bceDefaultHeaders
	}
	headers, names := bceCanonicalHeaders(r.Headers, set)
	creq := strings.Join([]string{
		strings.ToUpper(r.Method),
		uriEncode(r.Path, false),
		bceCanonicalQuery(r.Query),
		headers,
	}, "\n")
	sig := hmacHex([]byte(signingKey), creq)
	listed := ""
	if signed != nil {
		listed = strings.Join(names, ";")
	}
	return bceSignature{
		SigningKey:       signingKey,
		CanonicalRequest: creq,
		Authorization:    prefix + "/" + listed + "/" + sig,
	}
}

func bceCanonicalQuery(q url.Values) string {
	var pairs []string
	for k, vs := range q {
		if strings.EqualFold(k, "authorization") {
			continue
		}
		for _, v := range vs {
			pairs = append(pairs, uriEncode(k, true)+"="+uriEncode(v, true))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// bceCanonicalHeaders returns the canonical header lines and the sorted
// names of the headers signed.
func bceCanonicalHeaders(h map[string]string, set []string) (string, []string) {
	want := map[string]bool{}
	for _, n := range set {
		want[strings.ToLower(n)] = true
	}
	var lines, names []string
	for k, v := range h {
		lk := strings.ToLower(k)
		if !want[lk] && !(strings.HasPrefix(lk, "x-bce-") && lk != "x-bce-request-id") {
			continue
		}
		lines = append(lines, uriEncode(lk, true)+":"+uriEncode(strings.TrimSpace(v), true))
		names = append(names, lk)
	}
	sort.Strings(lines)
	sort.Strings(names)
	return strings.Join(lines, "\n"), names
}

// uriEncode is RFC 3986 percent-encoding with upper-case hex: only
// A-Z a-z 0-9 - _ . ~ stay as they are, and "/" too when encodeSlash is
// false.
func uriEncode(s string, encodeSlash bool) string {
	const hexUpper = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~', c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexUpper[c>>4])
			b.WriteByte(hexUpper[c&15])
		}
	}
	return b.String()
}

func hmacHex(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}
