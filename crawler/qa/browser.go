package qa

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The viewport every page is loaded and screenshot in: the same size for
// replay and live, so the screenshots compare pixel by pixel.
const (
	viewportWidth  = 1280
	viewportHeight = 800
)

// ErrNoChromium is returned by OpenBrowser when no Chromium is found.
var ErrNoChromium = errors.New("chromium not found: install it (Debian: apt-get install chromium) or name it with --chromium")

// chromiumNames are the names Chromium goes by on PATH.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// FindChromium returns path when it is set, else the first Chromium on PATH.
func FindChromium(path string) (string, error) {
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("%w (%s: %w)", ErrNoChromium, path, err)
		}
		return p, nil
	}
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// Browser is one headless Chromium with a fresh profile, which loads pages
// one tab at a time.
type Browser struct {
	ctx     context.Context // the browser's chromedp context
	cancel  func()
	profile string
}

// OpenBrowser starts Chromium at path (see FindChromium) with a profile of
// its own, removed by Close. The flags are those a root container needs
// and those that keep the browser from calling home during a check.
func OpenBrowser(ctx context.Context, path string) (*Browser, error) {
	profile, err := os.MkdirTemp("", "arkisto-qa-chromium-*")
	if err != nil {
		return nil, fmt.Errorf("make chromium profile: %w", err)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // Chromium refuses to run as root with its sandbox
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.WindowSize(viewportWidth, viewportHeight),
	)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	b := &Browser{ctx: browserCtx, profile: profile, cancel: func() { cancelBrowser(); cancelAlloc() }}
	// The first Run starts the browser.
	if err := chromedp.Do(browserCtx); err != nil {
		return nil, errors.Join(fmt.Errorf("start chromium %s: %w", path, err), b.Close())
	}
	return b, nil
}

// Close stops the browser and removes its profile.
func (b *Browser) Close() error {
	b.cancel()
	if err := os.RemoveAll(b.profile); err != nil {
		return fmt.Errorf("remove chromium profile: %w", err)
	}
	return nil
}

// Request is one request a page made, and how it ended.
type Request struct {
	URL    string
	Type   string // the resource type Chromium names: Document, Image, Script...
	Status int    // HTTP status; 0 when no response came
	// Memento is set when the answer carried Memento-Datetime: pywb
	// answered it from the archive (a 404 without it is pywb's own).
	Memento bool
	Failed  string // Chromium's error text when the request failed
}

// Load is what loading one page showed.
type Load struct {
	Requests   []Request
	Console    []string // console errors, uncaught exceptions, errors of the browser log
	Screenshot []byte   // PNG of the page's frame as it shows in the viewport
	Width      int      // the frame's size in CSS pixels, that of the screenshot
	Height     int
	Text       string // the frame's visible text
}

// LoadOptions say how to load one page.
type LoadOptions struct {
	Timeout time.Duration // the whole load
	Settle  time.Duration // how long the network must stay quiet after the load event
	// Frame, when the page has an iframe of this id, is where the page
	// shows: pywb's framed replay puts the archived page in one, under
	// its banner. The screenshot and the text are the frame's.
	Frame string
	// Width and Height set the viewport; zero means 1280 by 800. A live
	// load takes the replay frame's size, so the screenshots compare.
	Width, Height int
}

// frameBox is where the page shows, and its text.
type frameBox struct {
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	Text   string  `json:"text"`
}

// frameScript finds the frame named by its id (%q), or the document when
// there is none or it cannot be read, and returns its box and text.
const frameScript = `(() => {
	const f = document.getElementById(%q);
	const doc = f && f.contentDocument;
	if (!doc || !doc.body) {
		return {x: 0, y: 0, width: window.innerWidth, height: window.innerHeight,
			text: document.body ? document.body.innerText : ""};
	}
	const r = f.getBoundingClientRect();
	return {x: r.x, y: r.y, width: r.width, height: r.height, text: doc.body.innerText};
})()`

// Load opens url in a new tab, waits for its load event and then for the
// network to settle, and records its requests, console errors, a
// screenshot and its text.
func (b *Browser) Load(ctx context.Context, url string, opts LoadOptions) (Load, error) {
	if opts.Width <= 0 || opts.Height <= 0 {
		opts.Width, opts.Height = viewportWidth, viewportHeight
	}
	rec := newRecorder()
	tabCtx, closeTab := chromedp.NewContext(b.ctx, chromedp.WithListener(rec.event))
	defer closeTab()
	stop := context.AfterFunc(ctx, closeTab)
	defer stop()
	// The first Run opens the tab: no timeout on it, or the timeout would
	// close the tab; the actions after it run under one.
	if err := chromedp.Do(tabCtx, chromedp.EmulateViewport(int64(opts.Width), int64(opts.Height))); err != nil {
		return Load{}, fmt.Errorf("open a tab: %w", err)
	}
	loadCtx, cancel := context.WithTimeout(tabCtx, opts.Timeout)
	defer cancel()
	if err := chromedp.Do(loadCtx, chromedp.Navigate(url)); err != nil {
		return Load{}, fmt.Errorf("load %s: %w", url, err)
	}
	if err := rec.settle(loadCtx, opts.Settle); err != nil {
		return Load{}, fmt.Errorf("load %s: the network did not settle: %w", url, err)
	}
	box, err := chromedp.Run(loadCtx, chromedp.Evaluate[frameBox](fmt.Sprintf(frameScript, opts.Frame)))
	if err != nil {
		return Load{}, fmt.Errorf("find the page in %s: %w", url, err)
	}
	box.Width, box.Height = min(box.Width, float64(opts.Width)-box.X), min(box.Height, float64(opts.Height)-box.Y)
	if box.Width < 1 || box.Height < 1 {
		return Load{}, fmt.Errorf("load %s: the page's frame is not in view", url)
	}
	shot, err := chromedp.Run(loadCtx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format: page.CaptureScreenshotFormatPng,
			Clip:   &page.Viewport{X: box.X, Y: box.Y, Width: box.Width, Height: box.Height, Scale: 1},
		})
		return res.Data, err
	})
	if err != nil {
		return Load{}, fmt.Errorf("screenshot %s: %w", url, err)
	}
	l := rec.result()
	l.Screenshot, l.Text = shot, box.Text
	l.Width, l.Height = int(box.Width), int(box.Height)
	return l, nil
}

// recorder keeps the events of one tab. Its event method runs in the tab's
// message loop, in arrival order.
type recorder struct {
	mu       sync.Mutex
	requests map[network.RequestID]int // index into load.Requests of a request not ended yet
	changed  chan struct{}             // signalled on every request start and end
	load     Load
}

func newRecorder() *recorder {
	return &recorder{requests: map[network.RequestID]int{}, changed: make(chan struct{}, 1)}
}

func (r *recorder) event(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if i, ok := r.requests[ev.RequestID]; ok && ev.RedirectResponse != nil {
			// A redirect: the hop before ends with this answer.
			r.answer(i, ev.RedirectResponse)
		}
		r.requests[ev.RequestID] = len(r.load.Requests)
		r.load.Requests = append(r.load.Requests, Request{URL: ev.Request.URL, Type: string(ev.Type)})
	case *network.EventResponseReceived:
		if i, ok := r.requests[ev.RequestID]; ok {
			r.answer(i, ev.Response)
		}
	case *network.EventLoadingFinished:
		if _, ok := r.requests[ev.RequestID]; ok {
			delete(r.requests, ev.RequestID)
		}
	case *network.EventLoadingFailed:
		if i, ok := r.requests[ev.RequestID]; ok {
			if !ev.Canceled {
				r.load.Requests[i].Failed = ev.ErrorText
			}
			delete(r.requests, ev.RequestID)
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			r.load.Console = append(r.load.Console, "console."+string(ev.Type)+": "+argsText(ev.Args))
		}
	case *runtime.EventExceptionThrown:
		r.load.Console = append(r.load.Console, "exception: "+exceptionText(ev.ExceptionDetails))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			text := ev.Entry.Text
			if ev.Entry.URL != "" {
				text += " (" + ev.Entry.URL + ")"
			}
			r.load.Console = append(r.load.Console, string(ev.Entry.Source)+": "+text)
		}
	default:
		return
	}
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

func (r *recorder) answer(i int, resp *network.Response) {
	r.load.Requests[i].Status = int(resp.Status)
	for k := range resp.Headers {
		if strings.EqualFold(k, "Memento-Datetime") {
			r.load.Requests[i].Memento = true
		}
	}
}

// settle waits until the network has been quiet for quiet: no request
// started or ended. It does not wait for every request to end: a preload
// nobody uses, a worker's script or a long poll may never report an end.
func (r *recorder) settle(ctx context.Context, quiet time.Duration) error {
	t := time.NewTimer(quiet)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.changed:
			t.Reset(quiet)
		case <-t.C:
			return nil
		}
	}
}

func (r *recorder) result() Load {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.load
	l.Requests = append([]Request(nil), l.Requests...)
	l.Console = append([]string(nil), l.Console...)
	return l
}

func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case len(a.Value) > 0:
			parts = append(parts, strings.Trim(string(a.Value), `"`))
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return ""
	}
	if d.Exception != nil && d.Exception.Description != "" {
		first, _, _ := strings.Cut(d.Exception.Description, "\n")
		return first
	}
	return d.Text
}
