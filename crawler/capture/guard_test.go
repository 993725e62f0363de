package capture

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"arkisto/crawler/scope"
)

var loopback = netip.MustParseAddr("127.0.0.1")

// fakeResolver answers from a table and records every question. A name
// with several answers gives them one per call, the last one repeating,
// which is how a rebinding DNS server behaves.
type fakeResolver struct {
	answers map[string][]string // name -> answer per call, addresses comma-separated
	errs    map[string]error

	mu    sync.Mutex
	calls []string
}

func (r *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		if c == host {
			n++
		}
	}
	r.calls = append(r.calls, host)
	if err, ok := r.errs[host]; ok {
		return nil, err
	}
	seq, ok := r.answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var ips []netip.Addr
	for s := range strings.SplitSeq(seq[min(n, len(seq)-1)], ",") {
		ips = append(ips, netip.MustParseAddr(s))
	}
	return ips, nil
}

func (r *fakeResolver) asked() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// loopbackDialer records every dial attempt and refuses all but 127.0.0.1,
// so that no test can reach past loopback even if the guard were broken.
// With a guard set the transport must hand it IP literals only.
type loopbackDialer struct {
	t  *testing.T
	mu sync.Mutex
	// attempts are the addresses DialContext was asked for, in order.
	attempts []string
}

func (d *loopbackDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.attempts = append(d.attempts, addr)
	d.mu.Unlock()
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		d.t.Errorf("dialed %q, not an IP literal: a name would be resolved again after the check", addr)
	}
	if err != nil || ap.Addr() != loopback {
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

func (d *loopbackDialer) seen() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.attempts)
}

// guardRig is a recorded transport over a fakeResolver and a loopbackDialer.
type guardRig struct {
	tr     *Transport
	got    *exchanges
	res    *fakeResolver
	dialer *loopbackDialer
}

func newGuardRig(t *testing.T, res *fakeResolver, allow func(string, netip.Addr) error, tlsCfg *tls.Config) guardRig {
	t.Helper()
	d := &loopbackDialer{t: t}
	tr, got := newRecorded(t, Options{
		Timeout:     10 * time.Second,
		TLSConfig:   tlsCfg,
		DialContext: d.DialContext,
		Resolver:    res,
		AllowDial:   allow,
	})
	return guardRig{tr: tr, got: got, res: res, dialer: d}
}

// testNames maps the test's host names as the issue lists them.
func testNames() map[string][]string {
	return map[string][]string{
		"metadata.test":      {"169.254.169.254"},
		"ten.test":           {"10.0.0.1"},
		"home.test":          {"192.168.1.1"},
		"cgnat.test":         {"100.64.0.1"},
		"ula.test":           {"fd00::1"},
		"loop.test":          {"127.0.0.1"},
		"trusted.test":       {"127.0.0.1"},
		"mixed.test":         {"93.184.215.14,10.0.0.1"},
		"private-first.test": {"10.0.0.1,93.184.215.14"},
	}
}

func portOf(t *testing.T, addr net.Addr) string {
	t.Helper()
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		t.Fatalf("listener address %v is not TCP", addr)
	}
	return strconv.Itoa(tcp.Port)
}

func TestDialGuard(t *testing.T) {
	srv := startRaw(t, nil, writeRaw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	port := portOf(t, srv.ln.Addr())
	guard := scope.PrivateGuard([]string{"trusted.test"})
	tests := []struct {
		name        string
		host        string
		noGuard     bool      // Resolver set, AllowDial nil
		wantKind    ErrorKind // "" = the exchange succeeds
		wantDials   []string  // IPs dialed, in order, on port
		wantLookups []string
	}{
		{name: "metadata address", host: "metadata.test", wantKind: "blocked", wantLookups: []string{"metadata.test"}},
		{name: "rfc 1918 10/8", host: "ten.test", wantKind: "blocked", wantLookups: []string{"ten.test"}},
		{name: "rfc 1918 192.168/16", host: "home.test", wantKind: "blocked", wantLookups: []string{"home.test"}},
		{name: "cgnat", host: "cgnat.test", wantKind: "blocked", wantLookups: []string{"cgnat.test"}},
		{name: "rfc 4193", host: "ula.test", wantKind: "blocked", wantLookups: []string{"ula.test"}},
		{name: "loopback of a linked host", host: "loop.test", wantKind: "blocked", wantLookups: []string{"loop.test"}},
		{name: "literal 10.0.0.1", host: "10.0.0.1", wantKind: "blocked"},
		{name: "literal fd00::1", host: "[fd00::1]", wantKind: "blocked"},
		{name: "literal mapped metadata", host: "[::ffff:169.254.169.254]", wantKind: "blocked"},
		{name: "literal 127.0.0.1, not a seed", host: "127.0.0.1", wantKind: "blocked"},
		{name: "seed host on loopback", host: "trusted.test", wantDials: []string{"127.0.0.1"}, wantLookups: []string{"trusted.test"}},
		{
			name: "public and private: only the public one dialed", host: "mixed.test", wantKind: "connect",
			wantDials: []string{"93.184.215.14"}, wantLookups: []string{"mixed.test"},
		},
		{
			name: "private first: skipped, public dialed", host: "private-first.test", wantKind: "connect",
			wantDials: []string{"93.184.215.14"}, wantLookups: []string{"private-first.test"},
		},
		{name: "unknown name", host: "missing.test", wantKind: "no-such-host", wantLookups: []string{"missing.test"}},
		{name: "resolver failure", host: "broken.test", wantKind: "dns", wantLookups: []string{"broken.test"}},
		{name: "servfail", host: "servfail.test", wantKind: "dns", wantLookups: []string{"servfail.test"}},
		{name: "invalid name never resolved", host: "x.invalid", wantKind: "no-such-host"},
		{
			name: "resolver alone guards nothing", host: "ten.test", noGuard: true, wantKind: "connect",
			wantDials: []string{"10.0.0.1"}, wantLookups: []string{"ten.test"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := &fakeResolver{answers: testNames(), errs: map[string]error{
				"broken.test":   errors.New("resolver exploded"),
				"servfail.test": &net.DNSError{Err: "server misbehaving", Name: "servfail.test", Server: "127.0.0.53:53", IsTemporary: true},
			}}
			allow := guard
			if tc.noGuard {
				allow = nil
			}
			rig := newGuardRig(t, res, allow, nil)
			resp, err := get(t, rig.tr, "http://"+tc.host+":"+port+"/")
			if tc.wantKind == "" {
				if err != nil {
					t.Fatalf("round trip: %v", err)
				}
				drain(t, resp)
				ex := rig.got.only(t)
				if ex.IP != "127.0.0.1" {
					t.Errorf("WARC-IP %q, want 127.0.0.1", ex.IP)
				}
				if want := "GET / HTTP/1.1\r\nHost: " + tc.host + ":" + port + "\r\n"; !bytes.HasPrefix(ex.RawRequest, []byte(want)) {
					t.Errorf("request does not name the host:\n%q", ex.RawRequest)
				}
				<-srv.received
			} else {
				if kind := KindOf(err); kind != tc.wantKind {
					t.Fatalf("error %v has kind %q, want %q", err, kind, tc.wantKind)
				}
				if n := len(rig.got.all()); n != 0 {
					t.Errorf("OnExchange called %d times for a request never sent", n)
				}
			}
			if tc.wantKind == "blocked" {
				if !errors.Is(err, ErrBlocked) || !errors.Is(err, scope.ErrPrivateAddress) {
					t.Errorf("error %v does not wrap ErrBlocked and the guard's reason", err)
				}
				host := strings.Trim(tc.host, "[]")
				ip := host // an IP literal is its own answer
				if a, ok := res.answers[tc.host]; ok {
					ip = a[0]
				}
				if !strings.Contains(err.Error(), host) || !strings.Contains(err.Error(), ip) {
					t.Errorf("error %q does not name host %s and IP %s", err, tc.host, ip)
				}
			}
			var wantDials []string
			for _, ip := range tc.wantDials {
				wantDials = append(wantDials, net.JoinHostPort(ip, port))
			}
			if got := rig.dialer.seen(); !slices.Equal(got, wantDials) {
				t.Errorf("dial attempts %q, want %q", got, wantDials)
			}
			if got := res.asked(); !slices.Equal(got, tc.wantLookups) {
				t.Errorf("lookups %q, want %q", got, tc.wantLookups)
			}
		})
	}
}
