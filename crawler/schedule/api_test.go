package schedule_test

import (
	"net/http"
	"testing"

	"arkisto/crawler/testsite"
)

// With a token, every API call must carry it; /metrics stays open to the
// scraper.
func TestAPIToken(t *testing.T) {
	base := testsite.New(testsite.Options{}).Start(t)
	cfg := serveConfig(t, jobConfig(t, "news", base, "@yearly"))
	cfg.APIToken = "s3cret"
	d := startDaemon(t, cfg)
	tests := []struct {
		name, method, path, token string
		want                      int
	}{
		{"list without token", http.MethodGet, "/api/jobs", "", http.StatusUnauthorized},
		{"list with wrong token", http.MethodGet, "/api/jobs", "guess", http.StatusUnauthorized},
		{"list with token", http.MethodGet, "/api/jobs", "s3cret", http.StatusOK},
		{"runs with token", http.MethodGet, "/api/jobs/news/runs", "s3cret", http.StatusOK},
		{"pause without token", http.MethodPost, "/api/jobs/news/pause", "", http.StatusUnauthorized},
		{"pause with token", http.MethodPost, "/api/jobs/news/pause", "s3cret", http.StatusOK},
		{"unknown job", http.MethodPost, "/api/jobs/other/resume", "s3cret", http.StatusNotFound},
		{"wrong method", http.MethodGet, "/api/jobs/news/run", "s3cret", http.StatusMethodNotAllowed},
		{"metrics", http.MethodGet, "/metrics", "", http.StatusOK},
		{"healthz", http.MethodGet, "/healthz", "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := call(t, tt.method, d.base+tt.path, tt.token); got != tt.want {
				t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, got, tt.want)
			}
		})
	}
	// RFC 9110 11.1: the scheme is case-insensitive; the token is not.
	for _, tt := range []struct {
		authorization string
		want          int
	}{
		{"bearer s3cret", http.StatusOK},
		{"BEARER s3cret", http.StatusOK},
		{"Bearer   s3cret", http.StatusOK},
		{"Bearer S3CRET", http.StatusUnauthorized},
		{"Basic s3cret", http.StatusUnauthorized},
		{"Bearers3cret", http.StatusUnauthorized},
		{"s3cret", http.StatusUnauthorized},
		{"Bearer", http.StatusUnauthorized},
		{"Bearer s3cret extra", http.StatusUnauthorized},
	} {
		t.Run(tt.authorization, func(t *testing.T) {
			if got := callAuthorized(t, http.MethodGet, d.base+"/api/jobs", tt.authorization); got != tt.want {
				t.Errorf("Authorization: %s: status %d, want %d", tt.authorization, got, tt.want)
			}
		})
	}
}
