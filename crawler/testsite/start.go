package testsite

import (
	"net/http/httptest"
	"testing"
)

// Start serves the site on 127.0.0.1 for the test's lifetime and returns
// its base URL ("http://127.0.0.1:PORT", no trailing slash).
func (s *Site) Start(t testing.TB) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(s)
	s.attach(srv.Config)
	srv.Listener = s.listen(srv.Listener)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}
