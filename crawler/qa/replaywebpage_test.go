//go:build replaywebpage

// This test needs ReplayWeb.page's files (npm package replaywebpage), a
// WACZ package and Chromium: scripts/wacz-check.sh installs the first,
// makes the second, and runs it with the build tag replaywebpage and these
// variables set.
package qa

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// embedPage is ReplayWeb.page's embedding of a package, showing one page
// with nothing around it.
const embedPage = `<!doctype html>
<html><head><meta charset="utf-8"><script src="./ui.js"></script></head>
<body style="margin:0">
<replay-web-page source="./collection.wacz" url="%URL%" embed="replayonly" style="display:block;width:1280px;height:800px"></replay-web-page>
</body></html>
`

// findReplay walks every document the page holds (shadow roots, and
// same-origin iframes: ReplayWeb.page serves the archived page from its
// own origin through its service worker) for the archived page, and
// reports its title and images once every image has loaded.
const findReplay = `(() => {
	const docs = [];
	const walk = (root) => {
		docs.push(root);
		for (const el of root.querySelectorAll("*")) {
			if (el.shadowRoot) walk(el.shadowRoot);
			if (el.tagName === "IFRAME") {
				try { if (el.contentDocument) walk(el.contentDocument); } catch (e) {}
			}
		}
	};
	walk(document);
	const page = docs.find((d) => d.location && d.location.href.includes("mp_/" + %q));
	if (!page || page.readyState !== "complete") return null;
	const imgs = [...page.images];
	if (imgs.length === 0 || !imgs.every((i) => i.complete && i.naturalWidth > 0)) return null;
	return {url: page.location.href, title: page.title, images: imgs.length,
		text: page.body ? page.body.innerText : ""};
})()`

// registerWorker registers the service worker as the embed does (the same
// script URL and scope) and resolves once it is active.
const registerWorker = `(async () => {
	const reg = await navigator.serviceWorker.register("./replay/sw.js?serveIndex=1", {scope: "./replay/"});
	const sw = reg.installing || reg.waiting || reg.active;
	if (sw.state !== "activated") {
		await new Promise((resolve) => sw.addEventListener("statechange", () => sw.state === "activated" && resolve()));
	}
	return true;
})()`

func TestReplayWebPage(t *testing.T) {
	env := func(name string) string {
		v := os.Getenv(name)
		if v == "" {
			t.Fatalf("%s is not set: scripts/wacz-check.sh runs this test", name)
		}
		return v
	}
	abs := func(name string) string {
		p, err := filepath.Abs(env(name))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	rwp, pkg, pageURL := abs("ARKISTO_REPLAYWEBPAGE"), abs("ARKISTO_WACZ"), env("ARKISTO_WACZ_PAGE")
	chromium, err := FindChromium(os.Getenv("ARKISTO_CHROMIUM"))
	if err != nil {
		t.Fatal(err)
	}

	// ReplayWeb.page's layout: ui.js beside the page, its service worker
	// under replay/, and the package beside them.
	root := t.TempDir()
	for _, l := range []struct{ from, to string }{
		{filepath.Join(rwp, "ui.js"), "ui.js"},
		{filepath.Join(rwp, "sw.js"), filepath.Join("replay", "sw.js")},
		{pkg, "collection.wacz"},
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, l.to)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(l.from, filepath.Join(root, l.to)); err != nil {
			t.Fatal(err)
		}
	}
	index := strings.ReplaceAll(embedPage, "%URL%", pageURL)
	if err := os.WriteFile(filepath.Join(root, "index.html"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "blank.html"), []byte("<!doctype html><title>blank</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	// http.FileServer answers Range requests, which ReplayWeb.page reads a
	// package with; a service worker needs a secure context, as loopback is.
	srv := httptest.NewServer(http.FileServer(http.Dir(root)))
	defer srv.Close()

	b, err := OpenBrowser(t.Context(), chromium)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	tab, closeTab := chromedp.NewContext(b.ctx)
	defer closeTab()
	// The embed registers ReplayWeb.page's service worker and loads its
	// frame once the registration is made, not once the worker runs; when
	// the worker is slow to start (1.2 MB of script on a busy machine) the
	// frame gives up after three quick reloads. So the worker is registered
	// here first, and the embed is opened once it is active.
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(srv.URL+"/blank.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](registerWorker, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("register ReplayWeb.page's service worker: %v", err)
	}
	if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+"/index.html")); err != nil {
		t.Fatal(err)
	}
	type shown struct {
		URL    string `json:"url"`
		Title  string `json:"title"`
		Images int    `json:"images"`
		Text   string `json:"text"`
	}
	got, err := chromedp.Run(tab, chromedp.Poll[shown](strings.Replace(findReplay, "%q", jsString(pageURL), 1),
		chromedp.WithPollingInterval(200*time.Millisecond), chromedp.WithPollingTimeout(2*time.Minute)))
	if err != nil {
		shot, _ := chromedp.Run(tab, chromedp.CaptureScreenshot())
		path := filepath.Join(os.TempDir(), "arkisto-replaywebpage.png")
		_ = os.WriteFile(path, shot, 0o644)
		t.Fatalf("ReplayWeb.page did not show %s with all its images loaded: %v (screenshot: %s)", pageURL, err, path)
	}
	if got.Title == "" || len(got.Text) < 100 {
		t.Errorf("the replayed page has title %q and %d characters of text", got.Title, len(got.Text))
	}
	t.Logf("ReplayWeb.page replayed %s (%q) from the package: %d images loaded, %d characters of text", got.URL, got.Title, got.Images, len(got.Text))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
