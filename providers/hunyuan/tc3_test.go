package hunyuan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	vecSecretID  = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
	vecSecretKey = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
)

// TestSignTC3 checks the signer against Tencent's published example (the
// signature v3 document's CVM DescribeInstances call, reference §9.1,
// recomputed by reference/signing_vectors.py) and a Hunyuan-shaped request
// computed with the same script.
func TestSignTC3(t *testing.T) {
	tests := []struct {
		name string
		in   tc3Input
		want tc3Signature
	}{
		{
			name: "official",
			in: tc3Input{
				SecretID: vecSecretID, SecretKey: vecSecretKey,
				Service: "cvm", Host: "cvm.tencentcloudapi.com", ContentType: "application/json; charset=utf-8",
				Timestamp: 1551113065,
				Payload:   []byte(`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`),
			},
			want: tc3Signature{
				PayloadHash: "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064",
				CanonicalRequest: "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n" +
					"35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064",
				StringToSign: "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n" +
					"5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031",
				Signature: "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
				Authorization: "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, " +
					"SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
			},
		},
		{
			name: "hunyuan",
			in: tc3Input{
				SecretID: vecSecretID, SecretKey: vecSecretKey,
				Service: "hunyuan", Host: "hunyuan.tencentcloudapi.com", ContentType: "application/json",
				Timestamp: 1551113065,
				Payload:   []byte(`{"Model":"hunyuan-lite","Messages":[{"Role":"user","Content":"hi"}]}`),
			},
			want: tc3Signature{
				PayloadHash: "078b869e601d90dbbf41bd609d845e82450a7faac8b79076beada0dca4e153c8",
				CanonicalRequest: "POST\n/\n\ncontent-type:application/json\nhost:hunyuan.tencentcloudapi.com\n\ncontent-type;host\n" +
					"078b869e601d90dbbf41bd609d845e82450a7faac8b79076beada0dca4e153c8",
				StringToSign: "TC3-HMAC-SHA256\n1551113065\n2019-02-25/hunyuan/tc3_request\n" +
					"243a144239af7f1d4a2aa6a4cb1bc4bb6ec56e2887a350dfccb5ac254d28385d",
				Signature: "026eb3152206b0da81c013da776f7edc1eebc05a22137e0792ede7f0cef88fa2",
				Authorization: "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/hunyuan/tc3_request, " +
					"SignedHeaders=content-type;host, Signature=026eb3152206b0da81c013da776f7edc1eebc05a22137e0792ede7f0cef88fa2",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, signTC3(tt.in)); diff != "" {
				t.Errorf("signature (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTC3DateIsUTC: the credential scope's date is the UTC date of the
// timestamp, whatever the local zone (Beijing is 8 hours ahead).
func TestTC3DateIsUTC(t *testing.T) {
	tests := []struct {
		ts   int64
		date string
	}{
		{1551139199, "2019-02-25"}, // 23:59:59 UTC, already the 26th in Beijing
		{1551139200, "2019-02-26"},
	}
	for _, tt := range tests {
		got := signTC3(tc3Input{SecretID: vecSecretID, SecretKey: vecSecretKey, Service: "hunyuan",
			Host: "hunyuan.tencentcloudapi.com", ContentType: "application/json", Timestamp: tt.ts})
		if want := "/" + tt.date + "/hunyuan/tc3_request"; !strings.Contains(got.Authorization, want) {
			t.Errorf("timestamp %d: Authorization %q lacks %q", tt.ts, got.Authorization, want)
		}
	}
}
