package crawler_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"arkisto/config"
	"arkisto/crawler"
)

// Every WARC file opens with a warcinfo record that states the robots
// policy the crawl ran under, whichever it was.
func TestWarcinfoStatesRobotsPolicy(t *testing.T) {
	t.Parallel()
	for _, policy := range config.RobotsPolicies {
		t.Run(string(policy), func(t *testing.T) {
			t.Parallel()
			mux := http.NewServeMux()
			mux.HandleFunc("GET /robots.txt", http.NotFound)
			mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				_, _ = io.WriteString(w, "<html><body>one page</body></html>")
			})
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			cfg := testConfig(t, srv.URL+"/")
			cfg.Robots = policy
			cfg.Operator = "the test"
			if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
				t.Fatal(err)
			}
			recs := readWARCs(t, filepath.Join(cfg.Output, "archive"))
			files := map[string]bool{}
			for _, r := range recs {
				if files[r.file] {
					continue
				}
				files[r.file] = true
				if r.typ() != "warcinfo" {
					t.Fatalf("%s starts with a %s record, want warcinfo", r.file, r.typ())
				}
				fields := map[string]string{}
				for line := range strings.Lines(string(r.block)) {
					if k, v, ok := strings.Cut(strings.TrimSpace(line), ": "); ok {
						fields[k] = v
					}
				}
				if fields["robots"] != string(policy) || fields["operator"] != "the test" {
					t.Errorf("%s: warcinfo says robots %q, operator %q; want %q, %q:\n%s",
						r.file, fields["robots"], fields["operator"], policy, "the test", r.block)
				}
			}
		})
	}
}
