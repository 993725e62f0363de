package crawler_test

import (
	"net/http"
	"slices"
	"sync"
	"testing"

	"arkisto/config"
)

// robotsSite disallows /private/ and links into it with a page and an
// image, and has two pages that ask not to be followed: one with
// <meta name=robots content=nofollow>, one with X-Robots-Tag.
func robotsSite() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, "text/plain", "User-agent: *\nDisallow: /private/\n")
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, "text/html", `<html><body><a href="/private/page">page</a> <img src="/private/pixel.png">
<a href="/nf-meta">meta</a> <a href="/nf-header">header</a></body></html>`)
	})
	mux.HandleFunc("GET /nf-meta", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, "text/html", `<html><head><meta name="robots" content="nofollow"></head>
<body><a href="/from-meta">link</a> <img src="/meta-pixel.png"></body></html>`)
	})
	mux.HandleFunc("GET /nf-header", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Robots-Tag", "nofollow")
		writeText(w, "text/html", `<html><body><a href="/from-header">link</a></body></html>`)
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, "text/html", "<html><body>leaf</body></html>")
	})
	return mux
}

func TestHostileRobotsModes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mode    config.RobotsPolicy
		fetched []string // targets the server must see
		never   []string // targets it must not
	}{
		{"obey", []string{"/meta-pixel.png"}, []string{"/private/page", "/private/pixel.png", "/from-meta", "/from-header"}},
		{"obey-pages", []string{"/private/pixel.png", "/meta-pixel.png"}, []string{"/private/page", "/from-meta", "/from-header"}},
		{"ignore", []string{"/private/page", "/private/pixel.png", "/from-meta", "/from-header", "/meta-pixel.png"}, nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			t.Parallel()
			c := serveHosts(t, map[string]http.Handler{"news.test": robotsSite()})
			c.cfg.Robots = tt.mode
			lines := c.run(t)
			got := c.targets("news.test")
			for _, p := range tt.fetched {
				if !slices.Contains(got, p) {
					t.Errorf("%s not fetched; fetched %v", p, got)
				}
			}
			for _, p := range tt.never {
				if slices.Contains(got, p) {
					t.Errorf("%s fetched", p)
				}
			}
			for _, p := range []string{"/private/page", "/private/pixel.png"} {
				if !slices.Contains(got, p) {
					hostileLine(t, lines, c.base["news.test"]+p, "robots-denied")
				}
			}
		})
	}
}

// robotsAnswers serves robots.txt with the given statuses in turn (the last
// one ever after); a 200 disallows /private/. The front page links /a and
// /private/b.
func robotsAnswers(statuses ...int) http.Handler {
	var mu sync.Mutex
	served := 0
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		status := statuses[min(served, len(statuses)-1)]
		served++
		mu.Unlock()
		if status != http.StatusOK {
			w.WriteHeader(status)
			return
		}
		writeText(w, "text/plain", "User-agent: *\nDisallow: /private/\n")
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, "text/html", `<html><body><a href="/a">a</a> <a href="/private/b">b</a></body></html>`)
	})
	return mux
}

// RFC 9309: while robots.txt answers 5xx the host waits, backing off; once
// it answers, its rules hold. A 4xx robots.txt allows everything.
func TestHostileRobotsUnavailable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		statuses []int
		pages    []string // page targets fetched, in any order
	}{
		{"503 twice, then 200", []int{503, 503, 200}, []string{"/", "/a"}},
		{"404: allow all", []int{404}, []string{"/", "/a", "/private/b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := serveHosts(t, map[string]http.Handler{"news.test": robotsAnswers(tt.statuses...)})
			c.run(t)
			hits := c.hits["news.test"].all()
			var robots, pages []hit
			for _, h := range hits {
				if h.target == "/robots.txt" {
					robots = append(robots, h)
				} else {
					pages = append(pages, h)
				}
			}
			if len(robots) != len(tt.statuses) {
				t.Fatalf("robots.txt requested %d times, want %d", len(robots), len(tt.statuses))
			}
			last := robots[len(robots)-1]
			var got []string
			for _, p := range pages {
				got = append(got, p.target)
				if p.start.Before(last.end) {
					t.Errorf("%s requested before robots.txt was read", p.target)
				}
			}
			slices.Sort(got)
			if want := slices.Sorted(slices.Values(tt.pages)); !slices.Equal(got, want) {
				t.Errorf("pages fetched %v, want %v", got, want)
			}
			for k := 1; k < len(robots); k++ {
				if gap, least := robots[k].start.Sub(robots[k-1].end), c.cfg.RetryDelay<<(k-1); gap < least {
					t.Errorf("robots.txt asked again %v after answer %d, want a back-off of at least %v", gap, k, least)
				}
			}
		})
	}
}
