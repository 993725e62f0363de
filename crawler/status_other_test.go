package crawler_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"arkisto/crawler"
)

// rawAnswers are replies that are not HTTP a client can read: crawl.log
// gives each the status -5 with the annotation the README names.
var rawAnswers = map[string]string{
	"/bad-status-line": "HTTP/1.1 abc\r\nContent-Length: 2\r\n\r\nhi",
	"/http09":          "<html><body>an HTTP/0.9 reply: no status line, no headers</body></html>",
	"/bad-length":      "HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\nhi",
}

func TestUnreadableResponsesAreLoggedMinus5(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for path := range rawAnswers {
			fmt.Fprintf(w, `<a href="%s">x</a> `, path)
		}
	})
	for path, raw := range rawAnswers {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			defer conn.Close()
			_, _ = buf.WriteString(raw)
			_ = buf.Flush()
		})
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cfg := testConfig(t, srv.URL+"/")
	cfg.Retries = 0
	if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
		t.Fatalf("crawl: %v", err)
	}
	log := readCrawlLog(t, cfg)
	responses := responsesByURL(readWARCs(t, cfg.Output+"/archive"))
	for path := range rawAnswers {
		if lines := linesOf(log, srv.URL+path); len(lines) != 1 || lines[0].status != "-5" || !lines[0].has("other") {
			t.Errorf("%s: crawl.log lines %v, want one -5 annotated other", path, lines)
		}
		if _, ok := responses[srv.URL+path]; ok {
			t.Errorf("%s: a reply no client can read was archived as a response", path)
		}
	}
}
