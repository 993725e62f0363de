package crawler_test

import (
	"crypto/tls"
	"crypto/x509"
	"net/http/httptest"
	"strings"
	"testing"

	"arkisto/crawler"
)

// An HTTPS fetch whose certificate would not verify is archived all the
// same, and its crawl.log line says tls-unverified; one whose certificate
// verifies against the roots given says nothing of it.
func TestUnverifiedCertificateIsNoted(t *testing.T) {
	srv := httptest.NewTLSServer(&tinySite{}) // self-signed: no root knows it
	defer srv.Close()
	trusting := x509.NewCertPool()
	trusting.AddCert(srv.Certificate())

	tests := []struct {
		name       string
		tls        *tls.Config
		unverified bool
	}{
		{"default: any certificate, checked against the system roots", nil, true},
		{"checked after the handshake against an injected root", &tls.Config{InsecureSkipVerify: true, RootCAs: trusting}, false},
		{"verified in the handshake against an injected root", &tls.Config{RootCAs: trusting, MinVersion: tls.VersionTLS12}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, srv.URL+"/")
			if err := runCrawl(t, t.Context(), cfg, crawler.Options{TLSConfig: tt.tls}); err != nil {
				t.Fatalf("crawl: %v", err)
			}
			fetches := 0
			for _, l := range readCrawlLog(t, cfg) {
				if strings.HasPrefix(l.status, "-") {
					continue
				}
				fetches++
				if l.has("tls-unverified") != tt.unverified {
					t.Errorf("crawl.log line %q: tls-unverified %v, want %v", l.raw, !tt.unverified, tt.unverified)
				}
			}
			if fetches != len(tinyPaths) {
				t.Errorf("%d fetches logged, want %d (%v)", fetches, len(tinyPaths), tinyPaths)
			}
		})
	}
}
