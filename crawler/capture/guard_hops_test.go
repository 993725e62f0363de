package capture

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"testing"

	"arkisto/crawler/scope"
)

// TestDialGuardRebinding gives a name a different answer on every lookup:
// whatever an earlier check saw, each exchange dials only the address it
// checked, and resolves once.
func TestDialGuardRebinding(t *testing.T) {
	srv := startRaw(t, nil, writeRaw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	port := portOf(t, srv.ln.Addr())
	guard := scope.PrivateGuard(nil)
	// 127.0.0.1 stands in for a public address: it is the only one a test
	// may dial. Everything else goes through the real guard.
	allow := func(host string, ip netip.Addr) error {
		if ip == loopback {
			return nil
		}
		return guard(host, ip)
	}
	tests := []struct {
		name      string
		answers   []string    // per lookup
		precheck  bool        // the test looks the name up once first, as a scope check by name would
		wantKinds []ErrorKind // per exchange; "" = success
		wantDials []string
	}{
		{
			name: "public at check time, private at dial time", answers: []string{"127.0.0.1", "10.0.0.1"},
			precheck: true, wantKinds: []ErrorKind{"blocked"},
		},
		{
			name: "private at check time, public at dial time", answers: []string{"169.254.169.254", "127.0.0.1"},
			precheck: true, wantKinds: []ErrorKind{""}, wantDials: []string{"127.0.0.1"},
		},
		{
			name: "public then metadata on the next exchange", answers: []string{"127.0.0.1", "169.254.169.254"},
			wantKinds: []ErrorKind{"", "blocked"}, wantDials: []string{"127.0.0.1"},
		},
		{
			name: "metadata then public on the next exchange", answers: []string{"169.254.169.254", "127.0.0.1"},
			wantKinds: []ErrorKind{"blocked", ""}, wantDials: []string{"127.0.0.1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := &fakeResolver{answers: map[string][]string{"rebind.test": tc.answers}}
			rig := newGuardRig(t, res, allow, nil)
			lookups := len(tc.wantKinds)
			if tc.precheck {
				lookups++
				if _, err := res.LookupNetIP(context.Background(), "ip", "rebind.test"); err != nil {
					t.Fatal(err)
				}
			}
			for i, want := range tc.wantKinds {
				resp, err := get(t, rig.tr, "http://rebind.test:"+port+"/")
				if kind := KindOf(err); kind != want {
					t.Fatalf("exchange %d: error %v has kind %q, want %q", i, err, kind, want)
				}
				if err != nil {
					continue
				}
				drain(t, resp)
				<-srv.received
			}
			var wantDials []string
			for _, ip := range tc.wantDials {
				wantDials = append(wantDials, net.JoinHostPort(ip, port))
			}
			if got := rig.dialer.seen(); !slices.Equal(got, wantDials) {
				t.Errorf("dial attempts %q, want %q", got, wantDials)
			}
			if got := len(res.asked()); got != lookups {
				t.Errorf("%d lookups, want %d: one per exchange", got, lookups)
			}
			for _, ex := range rig.got.all() {
				if ex.IP != "127.0.0.1" {
					t.Errorf("WARC-IP %q, want the address checked, 127.0.0.1", ex.IP)
				}
			}
		})
	}
}

// TestDialGuardTLS dials the IP literal but verifies the certificate, and
// sends SNI, for the host name. httptest's certificate covers
// example.com, *.example.com, 127.0.0.1 and ::1: a name outside it on
// 127.0.0.1 must fail although the IP dialed is in the certificate.
func TestDialGuardTLS(t *testing.T) {
	serverCfg, clientCfg := borrowTLS(t)
	sni := make(chan string, 4)
	serverCfg.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		sni <- hello.ServerName
		return nil, nil
	}
	srv := startRaw(t, serverCfg, writeRaw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	port := portOf(t, srv.ln.Addr())
	res := &fakeResolver{answers: map[string][]string{
		"www.example.com": {"127.0.0.1"},
		"trusted.test":    {"127.0.0.1"},
	}}
	guard := scope.PrivateGuard([]string{"www.example.com", "trusted.test"})

	t.Run("name in the certificate", func(t *testing.T) {
		rig := newGuardRig(t, res, guard, clientCfg)
		resp, err := get(t, rig.tr, "https://www.example.com:"+port+"/")
		if err != nil {
			t.Fatalf("round trip: %v", err)
		}
		drain(t, resp)
		<-srv.received
		if got := <-sni; got != "www.example.com" {
			t.Errorf("server saw SNI %q, want www.example.com", got)
		}
		if ex := rig.got.only(t); ex.IP != "127.0.0.1" {
			t.Errorf("WARC-IP %q, want 127.0.0.1", ex.IP)
		}
		if got, want := rig.dialer.seen(), []string{"127.0.0.1:" + port}; !slices.Equal(got, want) {
			t.Errorf("dial attempts %q, want %q", got, want)
		}
	})
	t.Run("name outside the certificate", func(t *testing.T) {
		rig := newGuardRig(t, res, guard, clientCfg)
		_, err := get(t, rig.tr, "https://trusted.test:"+port+"/")
		var hostErr x509.HostnameError
		if KindOf(err) != "tls" || !errors.As(err, &hostErr) || hostErr.Host != "trusted.test" {
			t.Fatalf("error %v (kind %q), want a certificate name mismatch for trusted.test", err, KindOf(err))
		}
		if len(rig.dialer.seen()) == 0 {
			t.Fatal("nothing dialed")
		}
		if got := <-sni; got != "trusted.test" {
			t.Errorf("server saw SNI %q, want trusted.test", got)
		}
		if got, want := rig.dialer.seen(), []string{"127.0.0.1:" + port}; !slices.Equal(got, want) {
			t.Errorf("dial attempts %q, want %q", got, want)
		}
	})
}

// TestDialGuardRedirect: the transport returns a redirect to a private
// target without following it; a client that does follow meets the guard.
func TestDialGuardRedirect(t *testing.T) {
	srv := startRaw(t, nil, writeRaw("HTTP/1.1 302 Found\r\nLocation: http://metadata.test/latest/meta-data/\r\nContent-Length: 0\r\n\r\n"))
	port := portOf(t, srv.ln.Addr())
	guard := scope.PrivateGuard([]string{"trusted.test"})
	wantDials := []string{"127.0.0.1:" + port}

	t.Run("transport", func(t *testing.T) {
		rig := newGuardRig(t, &fakeResolver{answers: testNames()}, guard, nil)
		resp, err := get(t, rig.tr, "http://trusted.test:"+port+"/")
		if err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if err := resp.Body.Close(); err != nil {
			t.Fatal(err)
		}
		<-srv.received
		if resp.StatusCode != http.StatusFound {
			t.Errorf("status %d, want 302 returned as is", resp.StatusCode)
		}
		if got := rig.dialer.seen(); !slices.Equal(got, wantDials) {
			t.Errorf("dial attempts %q, want %q", got, wantDials)
		}
		if got, want := rig.res.asked(), []string{"trusted.test"}; !slices.Equal(got, want) {
			t.Errorf("lookups %q, want %q", got, want)
		}
	})
	t.Run("following client", func(t *testing.T) {
		rig := newGuardRig(t, &fakeResolver{answers: testNames()}, guard, nil)
		client := &http.Client{Transport: rig.tr}
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://trusted.test:"+port+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		if len(rig.got.all()) > 0 { // else the server never got a request to report
			<-srv.received
		}
		if KindOf(err) != "blocked" || !errors.Is(err, ErrBlocked) {
			t.Errorf("following the redirect gave %v (kind %q), want blocked", err, KindOf(err))
		}
		if got := rig.dialer.seen(); !slices.Equal(got, wantDials) {
			t.Errorf("dial attempts %q, want %q", got, wantDials)
		}
		if n := len(rig.got.all()); n != 1 {
			t.Errorf("%d exchanges, want only the redirect", n)
		}
	})
}
