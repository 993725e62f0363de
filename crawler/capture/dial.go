package capture

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// dialPlain is the http.Transport's DialContext.
func (t *Transport) dialPlain(ctx context.Context, network, addr string) (net.Conn, error) {
	_, conn, err := t.connect(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &recordingConn{Conn: conn, peer: peer{ip: remoteIP(conn)}}, nil
}

// dialTLS is the http.Transport's DialTLSContext. It does the handshake
// itself so that the recorder can sit above TLS and see plaintext; net/http
// would otherwise wrap our connection in its own *tls.Conn.
func (t *Transport) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	rec, conn, err := t.connect(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("split address %q: %w", addr, err), conn.Close())
	}
	cfg := t.opts.TLSConfig.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	// Only HTTP/1.1 is offered: with HTTP/2 several exchanges would share
	// one recorded stream, framed and HPACK-compressed.
	cfg.NextProtos = []string{"http/1.1"}
	tc := tls.Client(conn, cfg)
	hctx, cancel := withDeadline(ctx, t.opts.TLSHandshakeTimeout, rec.deadline)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		return nil, errors.Join(fmt.Errorf("tls handshake with %s: %w: %w", addr, ErrTLSHandshake, err), conn.Close())
	}
	return &recordingConn{Conn: tc, peer: peer{ip: remoteIP(conn), certErr: checkCertificate(cfg, tc.ConnectionState())}}, nil
}

// connect opens a TCP connection for the exchange whose request asked for
// it. net/http may hand the connection to another exchange of the same host
// instead; whichever it serves is attached when net/http hands it out.
func (t *Transport) connect(ctx context.Context, network, addr string) (*recorder, net.Conn, error) {
	rec := recorderFrom(ctx)
	if rec == nil {
		return nil, nil, fmt.Errorf("dial %s: %w", addr, errNoRecorder)
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("split address %q: %w", addr, err)
	}
	if isInvalidName(host) {
		// RFC 6761 6.4: resolvers should fail ".invalid" names at once. Go's
		// resolver asks the network, which is slow and, offline,
		// nondeterministic.
		return nil, nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{
			Err: "no such host", Name: host, IsNotFound: true,
		}}
	}
	// net/http hands dials a context without the request's deadline, so the
	// exchange's own deadline is applied again here.
	dctx, cancel := withDeadline(ctx, t.opts.DialTimeout, rec.deadline)
	defer cancel()
	conn, err := t.dial(dctx, network, addr)
	if err != nil {
		return nil, nil, err
	}
	if !rec.deadline.IsZero() {
		// Body reads happen outside any net/http timer: the connection
		// deadline is what cuts a stalling server at Timeout. It bounds the
		// TLS handshake too; attach sets the deadline of the exchange the
		// connection ends up serving.
		if err := conn.SetDeadline(rec.deadline); err != nil {
			return nil, nil, errors.Join(fmt.Errorf("set deadline on connection to %s: %w", addr, err), conn.Close())
		}
	}
	return rec, conn, nil
}

// withDeadline bounds ctx by timeout and by deadline when it is set.
func withDeadline(ctx context.Context, timeout time.Duration, deadline time.Time) (context.Context, context.CancelFunc) {
	d := time.Now().Add(timeout)
	if !deadline.IsZero() && deadline.Before(d) {
		d = deadline
	}
	return context.WithDeadline(ctx, d)
}

func isInvalidName(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	return h == "invalid" || strings.HasSuffix(h, ".invalid")
}

func remoteIP(conn net.Conn) string {
	addr := conn.RemoteAddr()
	if addr == nil {
		return ""
	}
	if tcp, ok := addr.(*net.TCPAddr); ok {
		return tcp.IP.String()
	}
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return ""
	}
	return host
}
