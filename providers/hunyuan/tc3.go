package hunyuan

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// TC3-HMAC-SHA256, Tencent Cloud API 3.0's signature (reference §9.1,
// tencentcloud-sdk-go common/client.go sendWithSignatureV3):
//
//	CanonicalRequest = "POST" \n "/" \n "" \n "content-type:<ct>\nhost:<host>\n" \n "content-type;host" \n hex(sha256(payload))
//	StringToSign     = "TC3-HMAC-SHA256" \n <timestamp> \n "<UTC date>/<service>/tc3_request" \n hex(sha256(CanonicalRequest))
//	kDate = HMAC("TC3"+SecretKey, date); kService = HMAC(kDate, service); kSigning = HMAC(kService, "tc3_request")
//	Signature        = hex(HMAC(kSigning, StringToSign))
//	Authorization    = "TC3-HMAC-SHA256 Credential=<SecretId>/<date>/<service>/tc3_request, SignedHeaders=content-type;host, Signature=<sig>"
//
// The canonical URI is always "/" and the query always empty: API 3.0
// fixes both for POST. The date is the UTC date of the timestamp, and the
// server rejects a timestamp more than 5 minutes off its clock
// (AuthFailure.SignatureExpire).

const tc3Algorithm = "TC3-HMAC-SHA256"

// tc3Input is what a TC3 signature covers.
type tc3Input struct {
	SecretID, SecretKey string
	// Service is the product's service name ("hunyuan").
	Service string
	// Host and ContentType are the values of the signed headers, as sent.
	Host, ContentType string
	Timestamp         int64
	Payload           []byte
}

// tc3Signature is a signature with its intermediate values (for tests and
// for a server that checks one).
type tc3Signature struct {
	PayloadHash      string
	CanonicalRequest string
	StringToSign     string
	Signature        string
	Authorization    string
}

func signTC3(in tc3Input) tc3Signature {
	date := time.Unix(in.Timestamp, 0).UTC().Format("2006-01-02")
	payloadHash := sha256Hex(in.Payload)
	creq := "POST\n/\n\ncontent-type:" + in.ContentType + "\nhost:" + in.Host + "\n\ncontent-type;host\n" + payloadHash
	scope := date + "/" + in.Service + "/tc3_request"
	sts := tc3Algorithm + "\n" + strconv.FormatInt(in.Timestamp, 10) + "\n" + scope + "\n" + sha256Hex([]byte(creq))
	kDate := hmacSHA256([]byte("TC3"+in.SecretKey), date)
	kService := hmacSHA256(kDate, in.Service)
	kSigning := hmacSHA256(kService, "tc3_request")
	sig := hex.EncodeToString(hmacSHA256(kSigning, sts))
	return tc3Signature{
		PayloadHash:      payloadHash,
		CanonicalRequest: creq,
		StringToSign:     sts,
		Signature:        sig,
		Authorization:    tc3Algorithm + " Credential=" + in.SecretID + "/" + scope + ", SignedHeaders=content-type;host, Signature=" + sig,
	}
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
