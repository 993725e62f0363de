package capture

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestDialFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/"
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		url       string
		wantKind  ErrorKind
		wantDials int32
	}{
		{name: "invalid name never dialed", url: "http://news.arkisto-test.invalid/", wantKind: KindNoSuchHost, wantDials: 0},
		{name: "invalid name over tls", url: "https://INVALID./", wantKind: KindNoSuchHost, wantDials: 0},
		{name: "connection refused", url: refused, wantKind: "connect", wantDials: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var dials atomic.Int32
			tr, got := newRecorded(t, Options{
				Timeout: 10 * time.Second,
				DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
					dials.Add(1)
					var d net.Dialer
					return d.DialContext(ctx, network, addr)
				},
			})
			_, err := get(t, tr, tc.url)
			if kind := KindOf(err); kind != tc.wantKind {
				t.Errorf("error %v has kind %q, want %q", err, kind, tc.wantKind)
			}
			if n := dials.Load(); n != tc.wantDials {
				t.Errorf("%d dials, want %d", n, tc.wantDials)
			}
			if n := len(got.all()); n != 0 {
				t.Errorf("OnExchange called %d times for a request never sent", n)
			}
		})
	}
}

func TestErrorKind(t *testing.T) {
	dial := func(err error) error { return &net.OpError{Op: "dial", Net: "tcp", Err: err} }
	read := func(err error) error { return &net.OpError{Op: "read", Net: "tcp", Err: err} }
	inURL := func(err error) error { return &url.Error{Op: "Get", URL: "http://example.com/", Err: err} }
	tests := []struct {
		err  error
		want ErrorKind
	}{
		{nil, ""},
		{inURL(fmt.Errorf("dial metadata.test at 169.254.169.254: %w: %w", ErrBlocked, errors.New("private address"))), "blocked"},
		{inURL(dial(&net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true})), "no-such-host"},
		{inURL(dial(&net.DNSError{Err: "i/o timeout", Name: "slow.example", IsTimeout: true})), "dns"},
		{inURL(dial(&net.DNSError{Err: "server misbehaving", Name: "flaky.example", IsTemporary: true})), "dns"},
		{inURL(dial(&net.DNSError{Err: "no such host", Name: "flaky.example", IsNotFound: true, IsTemporary: true})), "dns"},
		{inURL(dial(os.NewSyscallError("connect", syscall.ECONNREFUSED))), "connect"},
		{dial(os.NewSyscallError("connect", syscall.EHOSTUNREACH)), "connect"},
		{inURL(dial(os.ErrDeadlineExceeded)), "timeout"},
		{fmt.Errorf("read body: %w", context.DeadlineExceeded), "timeout"},
		{fmt.Errorf("tls handshake with x:443: %w: %w", ErrTLSHandshake, io.EOF), "tls"},
		{tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, "tls"},
		{inURL(tls.AlertError(40)), "tls"},
		{inURL(read(os.NewSyscallError("read", syscall.ECONNRESET))), "reset"},
		{io.ErrUnexpectedEOF, "reset"},
		{fmt.Errorf("read response header: %w: %w", ErrHeaderTooLarge, errors.New("exceeded")), "header-too-large"},
		{ErrBodyTooLarge, "too-large"},
		{context.Canceled, "other"},
		{errors.New("malformed HTTP response"), "other"},
	}
	for _, tc := range tests {
		name := "nil"
		if tc.err != nil {
			name = tc.err.Error()
		}
		t.Run(name, func(t *testing.T) {
			if got := KindOf(tc.err); got != tc.want {
				t.Errorf("KindOf(%v) = %q, want %q", tc.err, got, tc.want)
			}
		})
	}
}
