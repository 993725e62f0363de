package schedule

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Without a token the API answers this machine only: a listener made
// public with metrics_public shares /metrics, not the API.
func TestAPIWithoutTokenAnswersLoopbackOnly(t *testing.T) {
	h := loopbackOnly(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	for remote, want := range map[string]int{
		"127.0.0.1:40000":    http.StatusNoContent,
		"[::1]:40000":        http.StatusNoContent,
		"192.0.2.7:40000":    http.StatusForbidden,
		"[2001:db8::1]:4000": http.StatusForbidden,
		"garbage":            http.StatusForbidden,
	} {
		req := httptest.NewRequest(http.MethodPost, "/api/jobs/a/run", nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("client %s: status %d, want %d", remote, rec.Code, want)
		}
	}
}
