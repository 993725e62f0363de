package testsite

import (
	"bytes"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// serveDirect answers one request through ServeHTTP, as if sent to
// http://testsite.example.
func serveDirect(s *Site, target, acceptEncoding string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "http://testsite.example"+target, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w
}

// TestDeterministic serves every URL of two sites built from the same
// options, and of the same site twice, and compares status, headers and
// bytes.
func TestDeterministic(t *testing.T) {
	opts := Options{Articles: 40, Sections: 4, CrawlDelay: 2e9}
	a, b := New(opts), New(opts)
	targets := func() []string {
		return append(a.ExpectedURLs("", CrawlSettings{}), PathDisallowed, "/no/such/page")
	}
	compare := func(t *testing.T) {
		for _, target := range targets() {
			encodings := []string{""}
			if target == PathGzip {
				encodings = append(encodings, "gzip")
			}
			for _, enc := range encodings {
				ra, rb, again := serveDirect(a, target, enc), serveDirect(b, target, enc), serveDirect(a, target, enc)
				for _, r := range []*httptest.ResponseRecorder{rb, again} {
					if r.Code != ra.Code || !maps.EqualFunc(r.Header(), ra.Header(), slices.Equal) || !bytes.Equal(r.Body.Bytes(), ra.Body.Bytes()) {
						t.Errorf("%s (Accept-Encoding %q) differs between runs", target, enc)
					}
				}
			}
		}
	}
	t.Run("fresh", compare)
	a.AddArticle()
	b.AddArticle()
	t.Run("after publishing", compare)
	if a.ChangePage("/") != nil || b.ChangePage("/") != nil {
		t.Fatal("change front page failed")
	}
	t.Run("after a change", compare)

	t.Run("options matter", func(t *testing.T) {
		c := New(Options{Articles: 41, Sections: 4})
		if bytes.Equal(serveDirect(a, "/", "").Body.Bytes(), serveDirect(c, "/", "").Body.Bytes()) {
			t.Error("front pages of different sites are equal")
		}
	})
	t.Run("duplicates are identical", func(t *testing.T) {
		one, two := serveDirect(a, PathDuplicate, "").Body.Bytes(), serveDirect(a, PathDuplicateCopy, "").Body.Bytes()
		if !bytes.Equal(one, two) || !strings.Contains(string(one), "Terms of use") {
			t.Error("the two terms pages differ")
		}
	})
}
