package qa

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"arkisto/crawler/crawllog"
)

func TestReplayURLs(t *testing.T) {
	r, err := ParseReplay("http://localhost:8080/my-coll")
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2026, 3, 4, 5, 6, 7, 8, time.FixedZone("X", 3600))
	if got := r.PageURL("http://site.example/a?b=1", ts); got != "http://localhost:8080/my-coll/20260304040607/http://site.example/a?b=1" {
		t.Errorf("PageURL = %s", got)
	}
	if got := r.PageURL("http://site.example/", time.Time{}); got != "http://localhost:8080/my-coll/http://site.example/" {
		t.Errorf("PageURL without time = %s", got)
	}
	for _, tt := range []struct {
		requested, want string
	}{
		{"http://localhost:8080/my-coll/20260304040607im_/http://site.example/i.png", "http://site.example/i.png"},
		{"http://localhost:8080/my-coll/20260304040607mp_/https://site.example/", "https://site.example/"},
		{"http://localhost:8080/my-coll/oe_/http://cdn.example/f.woff2?v=2", "http://cdn.example/f.woff2?v=2"},
		{"http://localhost:8080/my-coll/20260304040607/http://site.example/", "http://site.example/"},
		{"http://localhost:8080/my-coll/http://site.example/x", "http://site.example/x"},
		{"http://localhost:8080/static/wombat.js", ""},
		{"http://localhost:8080/other-coll/2026im_/http://site.example/i.png", ""},
		{"http://site.example/i.png", ""},
	} {
		got, ok := r.Original(tt.requested)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Original(%s) = %q, %v; want %q", tt.requested, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "localhost:8080/coll/", "http://localhost:8080/", "ftp://h/coll/"} {
		if _, err := ParseReplay(bad); err == nil {
			t.Errorf("ParseReplay(%q) accepted", bad)
		}
	}
}

// A request pywb answered from the archive (Memento-Datetime) is
// answered whatever its status; one it answered itself with an error, or
// one that failed, is missing; requests to other hosts escaped.
func TestUnanswered(t *testing.T) {
	r, _ := ParseReplay("http://127.0.0.1:8080/c/")
	const p = "http://127.0.0.1:8080/c/2026"
	missing, escaped := unanswered(r, []Request{
		{URL: p + "/http://s.example/", Type: "Document", Status: 200},
		{URL: p + "mp_/http://s.example/", Type: "Document", Status: 200, Memento: true},
		{URL: p + "im_/http://s.example/gone.png", Type: "Image", Status: 404, Memento: true}, // an archived 404
		{URL: p + "im_/http://s.example/none.png", Type: "Image", Status: 404},
		{URL: p + "im_/http://s.example/none.png", Type: "Image", Status: 404}, // once
		{URL: p + "js_/http://s.example/x.js", Type: "Script", Failed: "net::ERR_CONNECTION_RESET"},
		{URL: "http://127.0.0.1:8080/static/wombat.js", Type: "Script", Status: 404},
		{URL: "http://live.example/leak.js", Type: "Script", Status: 200},
		{URL: "data:image/gif;base64,R0lGOD", Type: "Image", Status: 200},
	})
	var urls []string
	for _, m := range missing {
		urls = append(urls, m.URL)
	}
	if !slices.Equal(urls, []string{"http://s.example/none.png", "http://s.example/x.js"}) {
		t.Errorf("missing %v", urls)
	}
	if !slices.Equal(escaped, []string{"http://live.example/leak.js"}) {
		t.Errorf("escaped %v", escaped)
	}
}

// Each missing request gets the reason the crawl log gives for its URL,
// in the crawler's canonical form; a capture wins over the failures
// around it.
func TestExplainFromCrawlLog(t *testing.T) {
	line := func(status int, url, note string) string {
		e := crawllog.Entry{Status: status, URL: url, Hops: "LE", Via: "http://s.example/", Worker: 1}
		if note != "-" {
			e.Annotations = []string{note}
		}
		return crawllog.Format(time.Now(), e)
	}
	log := filepath.Join(t.TempDir(), "crawl.log")
	text := line(-9998, "http://s.example/robots.png", "robots-denied") +
		line(-5000, "http://s.example/excluded.png", "excluded") +
		line(-5000, "http://other.example/trap.png", "trap:path-depth") +
		line(-2, "http://down.example/a.css", "-") +
		line(500, "http://s.example/error.js", "-") +
		line(-4, "http://s.example/retried.png", "-") +
		line(200, "http://s.example/retried.png", "-") +
		line(-4, "http://s.example/retried.png", "-") +
		line(200, "http://s.example/Upper.PNG", "-") +
		"a torn line\n"
	if err := os.WriteFile(log, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	reports := []PageReport{{ByWhy: map[Reason]int{}, Outcome: OutcomeComplete, Missing: []Missing{
		{URL: "http://s.example/robots.png"},
		{URL: "http://s.example/excluded.png"},
		{URL: "http://other.example:80/trap.png"}, // the log has it without the default port
		{URL: "http://down.example/a.css"},
		{URL: "http://s.example/error.js"},
		{URL: "http://s.example/retried.png"},
		{URL: "http://s.example/Upper.PNG"},
		{URL: "http://s.example/never.png"},
	}}}
	if err := explain(log, reports); err != nil {
		t.Fatal(err)
	}
	want := []Reason{ReasonRobots, ReasonOutOfScope, ReasonOutOfScope, ReasonFetchError, ReasonFetchError, ReasonCaptured, ReasonCaptured, ReasonNeverDiscovered}
	for i, m := range reports[0].Missing {
		if m.Reason != want[i] {
			t.Errorf("%s: reason %s (%+v), want %s", m.URL, m.Reason, m.CrawlLog, want[i])
		}
	}
	if n := reports[0].Missing[1].CrawlLog; n.Status != -5000 || n.Kind != crawllog.KindExcluded || n.Note != "excluded" {
		t.Errorf("crawl log of the excluded URL: %+v", n)
	}
	if reports[0].Outcome != OutcomeIncomplete || reports[0].ByWhy[ReasonOutOfScope] != 2 {
		t.Errorf("outcome %s, by reason %v", reports[0].Outcome, reports[0].ByWhy)
	}
}

func pngOf(t *testing.T, w, h int, paint func(x, y int) color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, paint(x, y))
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPixelDifference(t *testing.T) {
	white := func(int, int) color.Color { return color.White }
	nearWhite := func(int, int) color.Color { return color.RGBA{250, 250, 250, 255} }
	halfBlack := func(x, _ int) color.Color {
		if x < 5 {
			return color.Black
		}
		return color.White
	}
	for _, tt := range []struct {
		name string
		a, b []byte
		want float64
	}{
		{"same", pngOf(t, 10, 10, white), pngOf(t, 10, 10, white), 0},
		{"within tolerance", pngOf(t, 10, 10, white), pngOf(t, 10, 10, nearWhite), 0},
		{"half changed", pngOf(t, 10, 10, white), pngOf(t, 10, 10, halfBlack), 0.5},
		{"sizes differ", pngOf(t, 10, 10, white), pngOf(t, 10, 20, white), 0.5},
	} {
		got, err := PixelDifference(tt.a, tt.b)
		if err != nil || got != tt.want {
			t.Errorf("%s: %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	if _, err := PixelDifference([]byte("not a png"), pngOf(t, 1, 1, white)); err == nil {
		t.Error("a broken screenshot was compared")
	}
}

func TestTextSimilarity(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want float64
	}{
		{"", "", 1},
		{"The harbour, ledger!", "the HARBOUR ledger", 1},
		{"one two", "three four", 0},
		{"a b c d", "a b", 2 * 2.0 / 6},
		{"news news news", "news", 2 * 1.0 / 4},
	} {
		if got := TextSimilarity(tt.a, tt.b); got != tt.want {
			t.Errorf("TextSimilarity(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSummaryRanksWorstFirst(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	reports := []PageReport{
		{ID: "a", URL: "http://s/a", Outcome: OutcomeComplete, Pixel: f(0), Text: f(1)},
		{ID: "b", URL: "http://s/b", Outcome: OutcomeIncomplete, Missing: make([]Missing, 1), ByWhy: map[Reason]int{ReasonRobots: 1}},
		{ID: "c", URL: "http://s/c", Outcome: OutcomeFailed},
		{ID: "d", URL: "http://s/d", Outcome: OutcomeIncomplete, Missing: make([]Missing, 3), ByWhy: map[Reason]int{ReasonFetchError: 3}},
		{ID: "e", URL: "http://s/e", Outcome: OutcomeComplete, Pixel: f(0.4), Text: f(0.9)},
		{ID: "f", URL: "http://s/f", Outcome: OutcomeComplete, Replay: View{Console: []string{"x"}}},
	}
	s := summarize("http://r/c/", true, reports)
	var order []string
	for _, p := range s.Pages {
		order = append(order, p.ID)
	}
	if strings.Join(order, "") != "cdbefa" {
		t.Errorf("order %v, want c d b e f a", order)
	}
	if s.Counts[OutcomeIncomplete] != 2 || s.ByWhy[ReasonFetchError] != 3 || s.Checked != 6 {
		t.Errorf("summary %+v", s)
	}
	var text strings.Builder
	s.WriteText(&text, 20)
	if !strings.Contains(text.String(), "3 complete, 2 incomplete, 1 failed") || strings.Contains(text.String(), "http://s/a") {
		t.Errorf("text summary:\n%s", text.String())
	}
}
