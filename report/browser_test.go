package report

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browserPath finds a local Chromium, or "" when there is none.
func browserPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestHTMLInBrowser opens the report in headless Chromium (when one is
// installed) and checks what only a browser can: the page makes no request
// at all, the CSP lets the filter script run and nothing else, and the
// filter hides the rows it should.
func TestHTMLInBrowser(t *testing.T) {
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
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, renderHTML(t, buildFixture(t, fixture())), 0o644); err != nil {
		t.Fatal(err)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.UserDataDir(t.TempDir()),
		// Belt and braces: anything the browser itself might fetch goes to
		// a closed local port, and no name resolves.
		chromedp.ProxyServer("127.0.0.1:9"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-domain-reliability", true),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()

	var (
		mu       sync.Mutex
		requests []string
		problems []string
	)
	listen := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				problems = append(problems, "console "+string(e.Type))
			}
		case *cdplog.EventEntryAdded:
			// CSP violations and failed loads are reported here.
			problems = append(problems, "log: "+e.Entry.Text)
		}
	}
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(listen))
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()

	const panel = `.filter[data-table="cases-0"]`
	visible := chromedp.Evaluate[string](`Array.from(document.querySelectorAll('#cases-0 tbody tr')).filter(function (r) { return !r.hidden; }).map(function (r) { return r.getAttribute('data-case'); }).join(',')`)
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	get := func(a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	run("open the report", chromedp.Navigate("file://"+page), chromedp.WaitReady(chromedp.CSS("#cases-0")))
	filterShown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.querySelector('`+panel+`').hidden`))
	if err != nil {
		t.Fatal(err)
	}
	counter := get(chromedp.Text(chromedp.CSS(panel + " .shown")))
	all := get(visible)
	run("tick only-lost", chromedp.Click(chromedp.CSS(panel+" input.only-lost")))
	lostOnly := get(visible)
	run("type a case id", chromedp.SendKeys(chromedp.CSS(panel+" input.case-filter"), "a05"))
	lostAndA05 := get(visible)
	run("untick only-lost", chromedp.Click(chromedp.CSS(panel+" input.only-lost")))
	run("clear the case id", chromedp.Evaluate[chromedp.Void](`(function () {
		var box = document.querySelector('`+panel+` input.case-filter');
		box.value = '';
		box.dispatchEvent(new Event('input', {bubbles: true}));
	})()`))
	cleared := get(visible)

	if !filterShown || counter != "10 of 10 rows" {
		t.Errorf("filter shown=%v counter=%q: the script did not run", filterShown, counter)
	}
	if want := "a01,a02,a03,a04,a05,a06,a07,a08,a09,a10"; all != want || cleared != want {
		t.Errorf("unfiltered rows = %q, after clearing %q, want %q", all, cleared, want)
	}
	if want := "a01,a02,a03,a04,a05"; lostOnly != want {
		t.Errorf("rows where a target lost = %q, want %q", lostOnly, want)
	}
	if lostAndA05 != "a05" {
		t.Errorf("lost rows matching a05 = %q, want a05", lostAndA05)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(requests) == 0 {
		t.Fatal("saw no network events at all: the listener is not working")
	}
	for _, u := range requests {
		if u != "file://"+page && !strings.HasPrefix(u, "data:") {
			t.Errorf("page requested %s", u)
		}
	}
	for _, p := range problems {
		t.Errorf("browser reported %s", p)
	}
}
