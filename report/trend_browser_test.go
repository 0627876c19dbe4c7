package report

import (
	"context"
	"os"
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

// TestHistoryInBrowser opens the report of a run with history, prices and
// a previous run in headless Chromium: the cost, Pareto and trend plots are
// visible, the changed-since-previous filter shows exactly the changed
// rows (alone and with the lost-to-baseline filter), nothing is fetched
// and nothing is logged. It leaves a screenshot of the new sections for a
// person to look at.
func TestHistoryInBrowser(t *testing.T) {
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
	if err := os.WriteFile(page, renderHTML(t, historyData(t)), 0o644); err != nil {
		t.Fatal(err)
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
			problems = append(problems, "log: "+e.Entry.Text)
		}
	}
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(listen))
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
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

	run("open the report", chromedp.Navigate("file://"+page), chromedp.WaitReady(chromedp.CSS("#trend")))
	// Every plot of the new sections has a size on the page.
	sizes := get(chromedp.Evaluate[string](`Array.from(document.querySelectorAll('#pareto svg, #trend svg')).map(function (s) {
		var r = s.getBoundingClientRect(); return (r.width > 100 && r.height > 100) ? 'ok' : 'tiny'; }).join(',')`))
	if sizes != "ok,ok,ok,ok,ok,ok,ok" {
		t.Errorf("pareto and trend plots: %q, want 7 visible", sizes)
	}

	const panel = `.filter[data-table="cases-0"]`
	visible := chromedp.Evaluate[string](`Array.from(document.querySelectorAll('#cases-0 tbody tr')).filter(function (r) { return !r.hidden; }).map(function (r) { return r.getAttribute('data-case'); }).join(',')`)
	run("tick only-changed", chromedp.Click(chromedp.CSS(panel+" input.only-changed")))
	changed := get(visible)
	counter := get(chromedp.Text(chromedp.CSS(panel + " .shown")))
	run("tick only-lost too", chromedp.Click(chromedp.CSS(panel+" input.only-lost")))
	both := get(visible)
	run("untick only-changed", chromedp.Click(chromedp.CSS(panel+" input.only-changed")))
	lost := get(visible)
	if want := "a01,a02,a03,a04,a05,a06,a09,a10"; changed != want {
		t.Errorf("changed rows = %q, want %q", changed, want)
	}
	if counter != "8 of 10 rows" {
		t.Errorf("counter %q", counter)
	}
	if want := "a01,a02,a03,a04,a05"; lost != want || both != want {
		t.Errorf("lost rows = %q, changed and lost = %q; want %q for both", lost, both, want)
	}

	shot, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#cost")))
	if err != nil {
		t.Fatal(err)
	}
	trendShot, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#trend")))
	if err != nil {
		t.Fatal(err)
	}
	for name, png := range map[string][]byte{"cost": shot, "trend": trendShot} {
		path := filepath.Join(os.TempDir(), "llmbench-report-"+name+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot of the %s section: %s", name, path)
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
