package sse

import (
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// readAll drains r, returning the events and the error that ended the stream.
func readAll(r *Reader) ([]Event, error) {
	var evs []Event
	for {
		ev, err := r.Next()
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
}

// chunkings are the ways a test input is fed to the Reader: the result must
// not depend on how the bytes arrive.
var chunkings = []struct {
	name string
	wrap func(io.Reader) io.Reader
}{
	{"whole", func(r io.Reader) io.Reader { return r }},
	{"one-byte", iotest.OneByteReader},
	{"half", iotest.HalfReader},
	{"data-err", iotest.DataErrReader},
}

func TestReader(t *testing.T) {
	openAIChunk := `{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}`
	tests := []struct {
		name    string
		in      string
		maxLine int
		want    []Event
		wantErr error
	}{
		{
			name:    "empty stream",
			in:      "",
			wantErr: io.EOF,
		},
		{
			name:    "openai stream with done",
			in:      "data: " + openAIChunk + "\n\ndata: [DONE]\n\n",
			want:    []Event{{Data: openAIChunk}, {Data: "[DONE]"}},
			wantErr: io.EOF,
		},
		{
			name:    "data without space (sensenova)",
			in:      "data:{\"a\":1}\n\ndata:[DONE]\n\n",
			want:    []Event{{Data: `{"a":1}`}, {Data: "[DONE]"}},
			wantErr: io.EOF,
		},
		{
			name:    "only one space is stripped",
			in:      "data:  two spaces\n\n",
			want:    []Event{{Data: " two spaces"}},
			wantErr: io.EOF,
		},
		{
			name:    "multiple data lines joined with newline",
			in:      "data: first\ndata: second\ndata:\ndata: fourth\n\n",
			want:    []Event{{Data: "first\nsecond\n\nfourth"}},
			wantErr: io.EOF,
		},
		{
			name:    "comments and keep-alives ignored",
			in:      ": keep-alive\n\n:\ndata: x\n: inside an event\n\n: bye\n",
			want:    []Event{{Data: "x"}},
			wantErr: io.EOF,
		},
		{
			name:    "named events (anthropic)",
			in:      "event: message_start\ndata: {\"type\":\"message_start\"}\n\nevent: message_stop\ndata: {}\n\n",
			want:    []Event{{Event: "message_start", Data: `{"type":"message_start"}`}, {Event: "message_stop", Data: "{}"}},
			wantErr: io.EOF,
		},
		{
			name:    "event name without data dispatches nothing and is cleared",
			in:      "event: ping\n\ndata: after\n\n",
			want:    []Event{{Data: "after"}},
			wantErr: io.EOF,
		},
		{
			name:    "id persists across events",
			in:      "id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n",
			want:    []Event{{ID: "7", Data: "a"}, {ID: "7", Data: "b"}, {ID: "", Data: "c"}},
			wantErr: io.EOF,
		},
		{
			name:    "id with NUL ignored",
			in:      "id: 1\ndata: a\n\nid: x\x00y\ndata: b\n\n",
			want:    []Event{{ID: "1", Data: "a"}, {ID: "1", Data: "b"}},
			wantErr: io.EOF,
		},
		{
			name:    "field without colon",
			in:      "data\n\ndata\ndata\n\n",
			want:    []Event{{Data: ""}, {Data: "\n"}},
			wantErr: io.EOF,
		},
		{
			name:    "retry and unknown fields ignored",
			in:      "retry: 1000\nfoo: bar\ndata: x\n\n",
			want:    []Event{{Data: "x"}},
			wantErr: io.EOF,
		},
		{
			name:    "CRLF line endings",
			in:      "data: a\r\ndata: b\r\n\r\ndata: [DONE]\r\n\r\n",
			want:    []Event{{Data: "a\nb"}, {Data: "[DONE]"}},
			wantErr: io.EOF,
		},
		{
			name:    "CR line endings",
			in:      "data: a\rdata: b\r\rdata: c\r\r",
			want:    []Event{{Data: "a\nb"}, {Data: "c"}},
			wantErr: io.EOF,
		},
		{
			name:    "mixed line endings",
			in:      "data: a\r\n\ndata: b\r\rdata: c\n\r\n",
			want:    []Event{{Data: "a"}, {Data: "b"}, {Data: "c"}},
			wantErr: io.EOF,
		},
		{
			name:    "byte order mark stripped",
			in:      "\xef\xbb\xbfdata: x\n\n",
			want:    []Event{{Data: "x"}},
			wantErr: io.EOF,
		},
		{
			name:    "colon in value kept",
			in:      "data: {\"url\":\"http://x\"}\n\n",
			want:    []Event{{Data: `{"url":"http://x"}`}},
			wantErr: io.EOF,
		},
		{
			name:    "utf-8 text",
			in:      "data: {\"content\":\"答案是 42。\"}\n\n",
			want:    []Event{{Data: `{"content":"答案是 42。"}`}},
			wantErr: io.EOF,
		},
		{
			name:    "cut mid-event without blank line",
			in:      "data: a\n\ndata: b\n",
			want:    []Event{{Data: "a"}},
			wantErr: io.ErrUnexpectedEOF,
		},
		{
			name:    "cut mid-line",
			in:      "data: a\n\ndata: {\"trunc",
			want:    []Event{{Data: "a"}},
			wantErr: io.ErrUnexpectedEOF,
		},
		{
			name:    "cut after event name",
			in:      "event: x\n",
			wantErr: io.ErrUnexpectedEOF,
		},
		{
			name:    "trailing comment without newline is a clean end",
			in:      "data: a\n\n: bye",
			want:    []Event{{Data: "a"}},
			wantErr: io.EOF,
		},
		{
			name:    "line at the limit",
			in:      "data: 1234\n\n",
			maxLine: 10,
			want:    []Event{{Data: "1234"}},
			wantErr: io.EOF,
		},
		{
			name:    "line over the limit",
			in:      "data: a\n\ndata: 12345\n\n",
			maxLine: 10,
			want:    []Event{{Data: "a"}},
			wantErr: ErrTooLong,
		},
		{
			name:    "endless line over the limit",
			in:      "data: " + strings.Repeat("x", 100000),
			maxLine: 64,
			wantErr: ErrTooLong,
		},
		{
			name:    "event data over the limit",
			in:      "data: 1234\ndata: 1234\ndata: 1234\n\n",
			maxLine: 10,
			wantErr: ErrTooLong,
		},
	}
	for _, tt := range tests {
		for _, ch := range chunkings {
			t.Run(tt.name+"/"+ch.name, func(t *testing.T) {
				got, err := readAll(NewReader(ch.wrap(strings.NewReader(tt.in)), tt.maxLine))
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("final error = %v, want %v", err, tt.wantErr)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("events (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestReaderDispatchesWithoutLookahead checks that an event is returned as
// soon as its blank line arrives, before any later byte: streaming time to
// first token depends on it.
func TestReaderDispatchesWithoutLookahead(t *testing.T) {
	for _, in := range []string{"data: a\n\n", "data: a\r\r", "data: a\r\n\r\n"} {
		pr, pw := io.Pipe()
		r := NewReader(pr, 0)
		go func() { pw.Write([]byte(in)) }() // then block: the writer never closes
		ev, err := r.Next()
		if err != nil || ev.Data != "a" {
			t.Errorf("%q: Next = %+v, %v; want data a", in, ev, err)
		}
		pw.Close()
		if _, err := r.Next(); err != io.EOF {
			t.Errorf("%q: after close, Next error = %v, want EOF", in, err)
		}
	}
}

func TestReaderPassesReadErrors(t *testing.T) {
	boom := errors.New("connection reset")
	r := NewReader(io.MultiReader(strings.NewReader("data: a\n\ndata: b"), iotest.ErrReader(boom)), 0)
	got, err := readAll(r)
	if !errors.Is(err, boom) {
		t.Errorf("error = %v, want %v", err, boom)
	}
	if diff := cmp.Diff([]Event{{Data: "a"}}, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestEventString(t *testing.T) {
	ev := Event{Event: "delta", Data: "a\nb", ID: "3"}
	got, err := readAll(NewReader(strings.NewReader(ev.String()), 0))
	if err != io.EOF {
		t.Fatalf("error = %v", err)
	}
	if diff := cmp.Diff([]Event{ev}, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// reference is a deliberately naive parser working on the whole input at
// once, used as the oracle for FuzzReader.
func reference(in string, maxLine int) ([]Event, error) {
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	var lines []string
	rest := in
	for rest != "" {
		loc := lineEnd.FindStringIndex(rest)
		if loc == nil {
			lines = append(lines, rest)
			break
		}
		lines = append(lines, rest[:loc[0]])
		rest = rest[loc[1]:]
	}
	var (
		evs             []Event
		data, event, id string
		hasData, pend   bool
	)
	for i, l := range lines {
		if len(l) > maxLine {
			return evs, ErrTooLong
		}
		if i == 0 {
			l = strings.TrimPrefix(l, "\xef\xbb\xbf")
		}
		if l == "" {
			if hasData {
				evs = append(evs, Event{Event: event, Data: data, ID: id})
			}
			data, event, hasData, pend = "", "", false, false
			continue
		}
		if l[0] == ':' {
			continue
		}
		name, value, found := strings.Cut(l, ":")
		if found {
			value = strings.TrimPrefix(value, " ")
		}
		pend = true
		switch name {
		case "data":
			if hasData {
				data += "\n"
			}
			data += value
			hasData = true
			if len(data) > maxLine {
				return evs, ErrTooLong
			}
		case "event":
			event = value
		case "id":
			if !strings.Contains(value, "\x00") {
				id = value
			}
		}
	}
	if pend {
		return evs, io.ErrUnexpectedEOF
	}
	return evs, io.EOF
}

var lineEnd = regexp.MustCompile(`\r\n|\r|\n`)

func FuzzReader(f *testing.F) {
	f.Add([]byte("data: {\"choices\":[]}\n\ndata: [DONE]\n\n"), 0)
	f.Add([]byte("event: a\r\ndata:x\r\n\r\n: c\rdata\r\r"), 8)
	f.Add([]byte("\xef\xbb\xbfid: 1\ndata: a\ndata: b\n"), 4)
	f.Fuzz(func(t *testing.T, in []byte, maxLine int) {
		maxLine %= 256 // small limits exercise ErrTooLong; <= 0 means the default
		want, wantErr := reference(string(in), maxLine)
		for _, ch := range chunkings[:2] {
			got, err := readAll(NewReader(ch.wrap(strings.NewReader(string(in))), maxLine))
			if !errors.Is(err, wantErr) {
				t.Fatalf("%s: final error = %v, want %v", ch.name, err, wantErr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s: events (-reference +reader):\n%s", ch.name, diff)
			}
			limit := maxLine
			if limit <= 0 {
				limit = DefaultMaxLine
			}
			for _, ev := range got {
				if len(ev.Data) > limit {
					t.Fatalf("event data of %d bytes exceeds the limit %d", len(ev.Data), limit)
				}
			}
		}
	})
}

func BenchmarkReader(b *testing.B) {
	chunk := "data: " + `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n"
	in := strings.Repeat(chunk, 1000) + "data: [DONE]\n\n"
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		r := NewReader(strings.NewReader(in), 0)
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
	}
}
