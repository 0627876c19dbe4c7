package providertest

import (
	"io"
	"net/http"
	"net/http/httptest"
)

// WriteHalf runs write, a fake's whole answer, against a recorder and
// sends its status, headers and the first half of its body, flushed: the
// start of a non-streamed StallBody answer.
func WriteHalf(w http.ResponseWriter, write func(http.ResponseWriter)) {
	rec := httptest.NewRecorder()
	write(rec)
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	body := rec.Body.Bytes()
	w.Write(body[:len(body)/2])
	flush(w)
}

// Hold flushes what w holds and then sends nothing more, the connection
// open, until r's context ends (the client gave up): the end of a
// StallBody answer.
func Hold(w http.ResponseWriter, r *http.Request) {
	flush(w)
	<-r.Context().Done()
}

func flush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// StallAfter is a handler that answers every request with status, the
// given Content-Type and start as the first bytes of the body, and then
// holds the connection silent until the client gives up: for an adapter's
// own tests of a stall the Kit does not stage, such as one in an error
// body.
func StallAfter(status int, contentType, start string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		io.WriteString(w, start)
		Hold(w, r)
	})
}
