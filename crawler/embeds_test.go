package crawler_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sync"
	"testing"

	"arkisto/config"
	"arkisto/crawler"
)

// pathLog is a test server that answers every path and remembers them.
type pathLog struct {
	mu    sync.Mutex
	paths []string
}

func (p *pathLog) serve(t *testing.T, pages map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.paths = append(p.paths, r.URL.Path)
		p.mu.Unlock()
		if body, ok := pages[r.URL.Path]; ok {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, body)
			return
		}
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		fmt.Fprint(w, "bytes of "+r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (p *pathLog) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.paths)
}

// --exclude keeps a URL from being fetched whatever found it, a page
// requisite on another host too; and a host none of whose URLs will be
// fetched is not asked for its robots.txt either. --embeds scope keeps the
// requisites of other hosts out.
func TestExcludeAndEmbedsScope(t *testing.T) {
	var cdn, media pathLog
	cdnSrv := cdn.serve(t, nil)
	mediaSrv := media.serve(t, nil)
	var site pathLog
	siteSrv := site.serve(t, map[string]string{
		"/": `<html><img src="/logo.png"><img src="` + cdnSrv.URL + `/pic.png">
			<audio src="` + mediaSrv.URL + `/a.mp3"></audio><img src="/private/secret.png">
			<a href="/private/page.html">private</a><a href="/news.html">news</a></html>`,
		"/news.html": `<html>news</html>`,
	})
	tests := []struct {
		name     string
		set      func(*config.Config)
		site     []string // paths the site served, in any order
		cdn      []string
		media    []string
		refusals map[string]string // URL: the note its -5000 crawl.log line carries
	}{
		{
			name:  "embeds from any host, by default",
			set:   func(*config.Config) {},
			site:  []string{"/robots.txt", "/", "/logo.png", "/private/secret.png", "/private/page.html", "/news.html"},
			cdn:   []string{"/robots.txt", "/pic.png"},
			media: []string{"/robots.txt", "/a.mp3"},
		},
		{
			name: "exclude stops links and requisites, and the robots.txt of a host left with nothing",
			set: func(c *config.Config) {
				c.Exclude = []string{`/private/`, "^" + regexp.QuoteMeta(mediaSrv.URL) + "/"}
			},
			site: []string{"/robots.txt", "/", "/logo.png", "/news.html"},
			cdn:  []string{"/robots.txt", "/pic.png"},
			refusals: map[string]string{
				siteSrv.URL + "/private/secret.png": "excluded",
				siteSrv.URL + "/private/page.html":  "excluded",
				mediaSrv.URL + "/a.mp3":             "excluded",
			},
		},
		{
			name: "embeds scope keeps requisites on the crawl's own hosts",
			set:  func(c *config.Config) { c.Embeds = config.EmbedsScope },
			site: []string{"/robots.txt", "/", "/logo.png", "/private/secret.png", "/private/page.html", "/news.html"},
			refusals: map[string]string{
				cdnSrv.URL + "/pic.png": "out-of-scope",
				mediaSrv.URL + "/a.mp3": "out-of-scope",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site.paths, cdn.paths, media.paths = nil, nil, nil
			cfg := testConfig(t, siteSrv.URL+"/")
			tt.set(&cfg)
			if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
				t.Fatalf("crawl: %v", err)
			}
			for _, s := range []struct {
				name      string
				got, want []string
			}{{"site", site.seen(), tt.site}, {"cdn", cdn.seen(), tt.cdn}, {"media", media.seen(), tt.media}} {
				slices.Sort(s.got)
				want := slices.Clone(s.want)
				slices.Sort(want)
				if !slices.Equal(s.got, want) {
					t.Errorf("%s served %q, want %q", s.name, s.got, want)
				}
			}
			lines := readCrawlLog(t, cfg)
			for url, note := range tt.refusals {
				got := linesOf(lines, url)
				if len(got) != 1 || got[0].status != "-5000" || !got[0].has(note) {
					t.Errorf("crawl.log lines of %s: %v, want one -5000 %s", url, got, note)
				}
			}
		})
	}
}
