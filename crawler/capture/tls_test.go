package capture

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRecordsTLSAsPlaintext(t *testing.T) {
	serverCfg, clientCfg := borrowTLS(t)
	const response = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret"
	srv := startRaw(t, serverCfg, writeRaw(response))
	tr, got := newRecorded(t, Options{TLSConfig: clientCfg, Timeout: 10 * time.Second})

	url := strings.Replace(srv.url(), "http://", "https://", 1) + "/tls"
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("round trip: %v", err)
	}
	drain(t, resp)
	ex := got.only(t)
	if want := <-srv.received; !bytes.Equal(ex.RawRequest, want) {
		t.Errorf("recorded request\n%q\nserver decrypted\n%q", ex.RawRequest, want)
	}
	if got := string(spoolBytes(t, ex.Response)); got != response {
		t.Errorf("recorded response %q, want %q", got, response)
	}
	if ex.IP != "127.0.0.1" {
		t.Errorf("IP %q, want 127.0.0.1", ex.IP)
	}
}

// TestTLSConfigs runs against httptest's own TLS server.
func TestTLSConfigs(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Proto)
	}))
	srv.EnableHTTP2 = true // offered by the server, refused by the transport
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	trusting := srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	// Skipping verification in the handshake, checking after it.
	skipTrusting := trusting.Clone()
	skipTrusting.InsecureSkipVerify = true
	skipOtherName := skipTrusting.Clone()
	skipOtherName.ServerName = "other.invalid" // the certificate names 127.0.0.1 and example.com

	tests := []struct {
		name       string
		cfg        *tls.Config
		url        string
		wantKind   ErrorKind // "" = success
		unverified bool      // Exchange.CertError is set
	}{
		{name: "trusted CA", cfg: trusting, url: srv.URL},
		{name: "default skips verification and notes the unknown CA", cfg: nil, url: srv.URL, unverified: true},
		{name: "skipping, checked against the given roots", cfg: skipTrusting, url: srv.URL},
		{name: "skipping, a name the certificate does not hold", cfg: skipOtherName, url: srv.URL, unverified: true},
		{name: "system roots reject the test CA", cfg: &tls.Config{}, url: srv.URL, wantKind: "tls"},
		{name: "plain HTTP server", cfg: nil, url: strings.Replace(plain.URL, "http://", "https://", 1), wantKind: "tls"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, got := newRecorded(t, Options{TLSConfig: tc.cfg, Timeout: 10 * time.Second})
			req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, tc.url+"/", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := tr.RoundTrip(req)
			if tc.wantKind != "" {
				if kind := KindOf(err); kind != tc.wantKind {
					t.Fatalf("error %v has kind %q, want %q", err, kind, tc.wantKind)
				}
				if n := len(got.all()); n != 0 {
					t.Errorf("OnExchange called %d times for a request never sent", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("round trip: %v", err)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if err := resp.Body.Close(); err != nil {
				t.Fatal(err)
			}
			if string(body) != "HTTP/1.1" || resp.ProtoMajor != 1 {
				t.Errorf("server saw %q, response proto %s; want HTTP/1.1 both", body, resp.Proto)
			}
			ex := got.only(t)
			if !bytes.HasPrefix(ex.RawRequest, []byte("GET / HTTP/1.1\r\nHost: "+srv.Listener.Addr().String()+"\r\n")) {
				t.Errorf("recorded request is not plaintext HTTP/1.1:\n%q", ex.RawRequest)
			}
			if resp := spoolBytes(t, ex.Response); !bytes.HasPrefix(resp, []byte("HTTP/1.1 200 OK\r\n")) || !bytes.HasSuffix(resp, []byte("\r\n\r\nHTTP/1.1")) {
				t.Errorf("recorded response is not plaintext HTTP/1.1:\n%q", resp)
			}
			if ex.IP != "127.0.0.1" {
				t.Errorf("IP %q, want 127.0.0.1", ex.IP)
			}
			if unverified := ex.CertError != nil; unverified != tc.unverified {
				t.Errorf("CertError %v; want one: %v", ex.CertError, tc.unverified)
			}
		})
	}
}
