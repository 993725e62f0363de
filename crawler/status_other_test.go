package crawler_test

import (
	"maps"
	"net/http"
	"slices"
	"testing"

	"arkisto/config"
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
	mux.HandleFunc("/{$}", linkingTo(slices.Sorted(maps.Keys(rawAnswers))...))
	for path, raw := range rawAnswers {
		mux.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) {
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
	c := crawlMux(t, mux, func(cfg *config.Config) { cfg.Retries = 0 })
	for path := range rawAnswers {
		if lines := linesOf(c.log, c.base+path); len(lines) != 1 || lines[0].status != "-5" || !lines[0].has("other") {
			t.Errorf("%s: crawl.log lines %v, want one -5 annotated other", path, lines)
		}
		if _, ok := c.responses[c.base+path]; ok {
			t.Errorf("%s: a reply no client can read was archived as a response", path)
		}
	}
}
