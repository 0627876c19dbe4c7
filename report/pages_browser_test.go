package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browser is a headless Chromium tab with a record of what the page did:
// requests, console errors and warnings, exceptions, log entries (CSP
// violations land there) and JavaScript dialogs.
type browser struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	requests []string
	problems []string
	dialogs  []string
}

// openBrowser starts Chromium for a test, or skips (fails under CI) when
// there is none. The tab's actions time out after deadline, a hang guard.
func openBrowser(t *testing.T, deadline time.Duration) *browser {
	t.Helper()
	exe := browserPath()
	if os.Getenv("CI") != "" && exe == "" {
		t.Fatal("CI is set but no Chromium was found: .ci/run must apt-get install -y chromium")
	}
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("starts a browser")
	}
	if exe == "" {
		t.Skip("no Chromium on PATH; install it to run the browser tests (Debian: apt-get install -y chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.ProxyServer("127.0.0.1:9"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-domain-reliability", true),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelA)
	b := &browser{t: t}
	var ctx context.Context
	listen := func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, e.Request.URL)
		case *runtime.EventExceptionThrown:
			b.problems = append(b.problems, "exception: "+e.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				b.problems = append(b.problems, "console "+string(e.Type))
			}
		case *cdplog.EventEntryAdded:
			b.problems = append(b.problems, "log: "+e.Entry.Text)
		case *page.EventJavascriptDialogOpening:
			b.dialogs = append(b.dialogs, string(e.Type)+": "+e.Message)
			// Dismiss it, so the page goes on and the test reports it
			// instead of hanging.
			go chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{})
				return err
			}))
		}
	}
	tctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(listen))
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(tctx, deadline)
	t.Cleanup(cancelT)
	b.ctx = ctx
	return b
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) eval(js string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// screenshot writes a PNG of the element sel to $LLMBENCH_SCREENSHOTS (or
// the test's temporary directory) for a person to look at, and logs its
// path.
func (b *browser) screenshot(name, sel string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	dir := os.Getenv("LLMBENCH_SCREENSHOTS")
	if dir == "" {
		dir = b.t.TempDir()
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}

// check fails the test for any request other than the page itself and
// data: URLs, any console error, exception or log entry, and any dialog.
func (b *browser) check(pageURL string) {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.requests) == 0 {
		b.t.Fatal("saw no network events at all: the listener is not working")
	}
	for _, u := range b.requests {
		if u != pageURL && !strings.HasPrefix(u, "data:") {
			b.t.Errorf("page requested %s", u)
		}
	}
	for _, p := range b.problems {
		b.t.Errorf("browser reported %s", p)
	}
	for _, d := range b.dialogs {
		b.t.Errorf("a JavaScript dialog opened: %s", d)
	}
}

func writePage(t *testing.T, d *Data) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, renderHTML(t, d), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// visibleRows lists the case IDs of the drill-down rows of suite 0 that
// are shown.
const visibleRows = `Array.from(document.querySelectorAll('#cases-0 tbody tr')).filter(function (r) { return !r.hidden; }).map(function (r) { return r.getAttribute('data-case'); }).join('\n')`

// TestXSSInBrowser puts the hostile payloads in model output, error
// messages, prompt, reference, case ID, target, suite and config names, in
// a small (server-rendered) and a paged (JSON) drill-down, and checks in
// Chromium that they stay inert: no dialog opens, no element they describe
// exists, and their text is on the page as text.
func TestXSSInBrowser(t *testing.T) {
	for _, tt := range []struct {
		name  string
		cases int
	}{
		{"server-rendered rows", 20},
		{"paged rows", PagedRows + 30},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := buildFixture(t, withPayloads(largeSource(tt.cases, 3), "t1", payload))
			if got := paged(&d.Suites[0]); got != (tt.cases > PagedRows) {
				t.Fatalf("paged = %v", got)
			}
			path := writePage(t, d)
			b := openBrowser(t, 60*time.Second)
			b.do("open the report", chromedp.Navigate("file://"+path), chromedp.WaitReady(chromedp.CSS("#cases-0 tbody tr")))
			// Open the first case's prompt so its text is rendered.
			b.do("open the prompt", chromedp.Click(chromedp.CSS("#cases-0 tbody tr summary")))

			injected := b.eval(`[
				'img[src=x]', 'img[onerror]', '[onerror]', '[onload]', 'a[href]', 'textarea', 'iframe', 'svg:not(.plot):not(.plot *)',
				'script:not([type="application/json"])'
			].map(function (s) { return s + '=' + document.querySelectorAll(s).length; }).join(' ')`)
			if want := "img[src=x]=0 img[onerror]=0 [onerror]=0 [onload]=0 a[href]=0 textarea=0 iframe=0 svg:not(.plot):not(.plot *)=0 script:not([type=\"application/json\"])=1"; injected != want {
				t.Errorf("elements on the page: %s\nwant %s", injected, want)
			}
			text := b.eval(`document.body.innerText`)
			for _, p := range []string{`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`, `</textarea>`, `</script><script>alert(1)</script>`, `javascript:alert(1)`} {
				// The case row (ID, prompt, reference, answers), the suite
				// heading and the target header each show it.
				if n := strings.Count(text, p); n < 5 {
					t.Errorf("payload %q is shown %d times as text, want at least 5", p, n)
				}
			}
			first := b.eval(`document.querySelector('#cases-0 tbody tr').getAttribute('data-case')`)
			if !strings.HasPrefix(first, "c00001<script>") {
				t.Errorf("first row is %q", first)
			}
			b.screenshot("llmbench-xss-"+strings.ReplaceAll(tt.name, " ", "-"), "#suite-0")
			b.check("file://" + path)
		})
	}
}

// TestPagedInBrowser opens a report whose drill-down is paged: every plot
// has a size, one page of rows is in the DOM, next and last show other
// rows, and the lost-to-baseline and case-id filters run over all rows
// (compared with the rows Build marked).
func TestPagedInBrowser(t *testing.T) {
	const n = 3*PageSize + PagedRows // several pages
	d := buildFixture(t, largeSource(n, 4))
	var lost []string
	for _, r := range d.Suites[0].Rows {
		if r.Lost {
			lost = append(lost, r.CaseID)
		}
	}
	if len(lost) <= PageSize || len(lost) == n {
		t.Fatalf("%d of %d rows lost: the fixture does not test paging a filter", len(lost), n)
	}
	path := writePage(t, d)
	b := openBrowser(t, 60*time.Second)
	const panel = `.filter[data-table="cases-0"]`
	b.do("open the report", chromedp.Navigate("file://"+path), chromedp.WaitReady(chromedp.CSS("#cases-0 tbody tr")))

	plots := b.eval(`Array.from(document.querySelectorAll('svg.plot')).map(function (s) {
		var r = s.getBoundingClientRect(); return (r.width > 100 && r.height > 100) ? 'ok' : 'tiny'; }).join(',')`)
	if plots == "" || strings.Contains(plots, "tiny") {
		t.Errorf("plots: %q, want every one visible", plots)
	}
	ids := func() []string { return strings.Split(b.eval(visibleRows), "\n") }
	status := func() string {
		return b.eval(`document.querySelector('` + panel + ` .shown').textContent + ' · ' + document.querySelector('` + panel + ` .page').textContent`)
	}
	rowsOf := func(from, to int) []string {
		var out []string
		for _, r := range d.Suites[0].Rows[from:min(to, n)] {
			out = append(out, r.CaseID)
		}
		return out
	}
	pages := (n + PageSize - 1) / PageSize

	page1, st1 := ids(), status()
	b.do("next page", chromedp.Click(chromedp.CSS(panel+" .page-next")))
	page2, st2 := ids(), status()
	b.do("last page", chromedp.Click(chromedp.CSS(panel+" .page-last")))
	last := ids()
	nextDisabled := b.eval(`String(document.querySelector('` + panel + ` .page-next').disabled)`)
	b.do("first page", chromedp.Click(chromedp.CSS(panel+" .page-first")))
	again := ids()

	for _, c := range []struct {
		name      string
		got, want []string
	}{
		{"page 1", page1, rowsOf(0, PageSize)},
		{"page 2", page2, rowsOf(PageSize, 2*PageSize)},
		{"last page", last, rowsOf((pages-1)*PageSize, n)},
		{"back to page 1", again, rowsOf(0, PageSize)},
	} {
		if diff := cmpStrings(c.want, c.got); diff != "" {
			t.Errorf("%s rows (-want +got):\n%s", c.name, diff)
		}
	}
	all := fmt.Sprintf("%d of %d rows · page %%d of %d", n, n, pages)
	if want := fmt.Sprintf(all, 1); st1 != want {
		t.Errorf("status %q, want %q", st1, want)
	}
	if want := fmt.Sprintf(all, 2); st2 != want {
		t.Errorf("status %q, want %q", st2, want)
	}
	if nextDisabled != "true" {
		t.Error("next is enabled on the last page")
	}

	b.do("tick only-lost", chromedp.Click(chromedp.CSS(panel+" input.only-lost")))
	lostPage1 := ids()
	b.do("last page of lost rows", chromedp.Click(chromedp.CSS(panel+" .page-last")))
	lostLast := ids()
	lostStatus := status()
	if diff := cmpStrings(lost[:PageSize], lostPage1); diff != "" {
		t.Errorf("lost rows, page 1 (-want +got):\n%s", diff)
	}
	lastFrom := (len(lost) - 1) / PageSize * PageSize
	if diff := cmpStrings(lost[lastFrom:], lostLast); diff != "" {
		t.Errorf("lost rows, last page (-want +got):\n%s", diff)
	}
	if want := fmt.Sprintf("%d of %d rows · page %d of %d", len(lost), n, lastFrom/PageSize+1, lastFrom/PageSize+1); lostStatus != want {
		t.Errorf("status with only-lost: %q, want %q", lostStatus, want)
	}
	b.do("untick only-lost", chromedp.Click(chromedp.CSS(panel+" input.only-lost")))
	b.do("type a case id", chromedp.SendKeys(chromedp.CSS(panel+" input.case-filter"), "c0031"))
	if diff := cmpStrings(rowsOf(309, 319), ids()); diff != "" {
		t.Errorf("rows matching c0031 (-want +got):\n%s", diff)
	}
	b.screenshot("llmbench-paged", "#suite-0")
	b.check("file://" + path)
}

// TestLargeRunInBrowser opens the report of 10,000 cases × 6 targets:
// it loads, page 1 and the last page render, and a filter over all rows
// completes, all within a generous hang guard (no timing assertion). It
// takes a few seconds on a 2-core machine, so it runs unless -short (and
// always under CI, with the other browser tests).
func TestLargeRunInBrowser(t *testing.T) {
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("builds and opens a 10,000 × 6 report")
	}
	const n = 10_000
	d := buildFixture(t, largeSource(n, 6))
	lost := 0
	for _, r := range d.Suites[0].Rows {
		if r.Lost {
			lost++
		}
	}
	path := writePage(t, d)
	b := openBrowser(t, 120*time.Second)
	const panel = `.filter[data-table="cases-0"]`
	b.do("open the report", chromedp.Navigate("file://"+path), chromedp.WaitReady(chromedp.CSS("#cases-0 tbody tr")))
	if got := b.eval(`String(document.querySelectorAll('tr').length < 400)`); got != "true" {
		t.Error("the page holds more than a few hundred rows")
	}
	first := strings.Split(b.eval(visibleRows), "\n")
	b.do("last page", chromedp.Click(chromedp.CSS(panel+" .page-last")))
	last := strings.Split(b.eval(visibleRows), "\n")
	b.do("tick only-lost", chromedp.Click(chromedp.CSS(panel+" input.only-lost")))
	st := b.eval(`document.querySelector('` + panel + ` .shown').textContent`)
	if len(first) != PageSize || first[0] != "c00001" {
		t.Errorf("page 1 shows %d rows from %q", len(first), first[0])
	}
	if len(last) != PageSize || last[len(last)-1] != "c10000" {
		t.Errorf("last page shows %d rows up to %q", len(last), last[len(last)-1])
	}
	if want := itoa(lost) + " of 10000 rows"; st != want {
		t.Errorf("status with only-lost: %q, want %q", st, want)
	}
	b.check("file://" + path)
}
