package capture

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// Options configure a Transport. A zero field means its default.
type Options struct {
	// MaxBodySize is the number of body bytes kept. Past it the body is cut,
	// the connection closed and the exchange marked TruncatedLength. 0 means
	// no limit.
	MaxBodySize int64
	// MaxDecodedSize bounds the body the caller reads once a gzip or
	// deflate Content-Encoding is removed (default 100 MiB; negative means
	// no limit). Past it the caller gets io.EOF and the exchange is marked
	// ReadCut; the record keeps the encoded body, bounded by MaxBodySize
	// alone. It stops a small compressed body (a "gzip bomb") from
	// inflating into gigabytes in the caller's memory.
	MaxDecodedSize int64
	// ReadLimit, when set, is asked once a response's headers are in how
	// many body bytes the caller may read (decoded bytes when a content
	// coding is removed, and never more than MaxDecodedSize then). Past
	// them the caller gets io.EOF and the exchange is marked ReadCut; 0
	// hands the caller an empty body, a negative value sets no limit. What
	// the caller leaves unread is never held in memory: closing the body
	// streams it into the record, which keeps every byte up to
	// MaxBodySize all the same. It lets a crawler read pages whole and
	// spool videos.
	ReadLimit func(*http.Response) int64
	// Timeout bounds the whole exchange, from dialing to the last body byte.
	// A body cut by it is marked TruncatedTime. 0 means no limit, in which
	// case closing an unread body waits for the server to finish.
	Timeout time.Duration
	// DialTimeout, TLSHandshakeTimeout and ResponseHeaderTimeout default to
	// 10s, 10s and 30s.
	DialTimeout           time.Duration
	TLSHandshakeTimeout   time.Duration
	ResponseHeaderTimeout time.Duration
	// MaxHeaderBytes refuses response header blocks larger than this
	// (default 1 MiB).
	MaxHeaderBytes int64
	// TLSConfig is cloned for every connection. nil skips certificate
	// verification and accepts TLS 1.0: an archive keeps what a site served
	// even when its certificate is bad, as Heritrix does. A config with
	// InsecureSkipVerify (nil's too) has the certificate checked after the
	// handshake all the same, against its RootCAs (nil: the system roots),
	// and Exchange.CertError says why it would not verify; a config
	// without it refuses such a server in the handshake.
	TLSConfig *tls.Config
	// DialContext opens TCP connections; nil uses a net.Dialer. It lets the
	// crawler guard or redirect dialing.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// AllowDial guards dialing: it is asked about every address the host
	// resolves to (or the IP literal itself) and returns a non-nil error
	// to refuse one. Only allowed addresses are dialed, as IP literals, so
	// the address checked is the address dialed and a DNS answer that
	// changes between a check and the dial (rebinding) cannot slip past.
	// When every address is refused the exchange fails with an error
	// wrapping ErrBlocked and AllowDial's reason, and nothing is dialed.
	// nil allows every address.
	AllowDial func(host string, ip netip.Addr) error
	// Resolver looks host names up when the transport resolves them
	// itself, which it does whenever AllowDial or Resolver is set; nil
	// means net.DefaultResolver. With both nil DialContext gets the host
	// name and resolves it. A *net.Resolver is a Resolver.
	Resolver Resolver
	// SpoolDir holds the temporary files of responses larger than
	// MemoryLimit ("" = os.TempDir()).
	SpoolDir string
	// MemoryLimit is how many response bytes stay in memory before the
	// spool spills to a file (default 1 MiB).
	MemoryLimit int64
	// KeepAlive lets an exchange reuse the idle connection an earlier one
	// to the same host left, which saves a TCP connect, and over TLS a
	// handshake, per request. Every Exchange still holds exactly its own
	// bytes. A connection is closed after an exchange that failed or was
	// cut. Without it (the zero Options) every exchange has a connection
	// of its own and sends "Connection: close"; the crawler turns it on
	// unless configured with keep_alive: false.
	KeepAlive bool
	// OnExchange is called exactly once for every exchange whose request
	// bytes were written, when its body is closed, read to the end or fails,
	// or when RoundTrip fails. It owns Exchange.Response and must Close it.
	// When nil, the transport closes the spool itself.
	OnExchange func(*Exchange)
}

const (
	defaultDialTimeout           = 10 * time.Second
	defaultTLSHandshakeTimeout   = 10 * time.Second
	defaultResponseHeaderTimeout = 30 * time.Second
	defaultMaxHeaderBytes        = 1 << 20
	defaultMemoryLimit           = 1 << 20
	defaultMaxDecodedSize        = 100 << 20

	// With KeepAlive, idle connections are closed after idleConnTimeout
	// and at most maxIdleConns are kept: a crawl meets many hosts, and a
	// host is asked again only after its politeness delay.
	idleConnTimeout = 30 * time.Second
	maxIdleConns    = 16
)

func (o Options) withDefaults() Options {
	if o.DialTimeout <= 0 {
		o.DialTimeout = defaultDialTimeout
	}
	if o.TLSHandshakeTimeout <= 0 {
		o.TLSHandshakeTimeout = defaultTLSHandshakeTimeout
	}
	if o.ResponseHeaderTimeout <= 0 {
		o.ResponseHeaderTimeout = defaultResponseHeaderTimeout
	}
	if o.MaxHeaderBytes <= 0 {
		o.MaxHeaderBytes = defaultMaxHeaderBytes
	}
	if o.MaxDecodedSize == 0 {
		o.MaxDecodedSize = defaultMaxDecodedSize
	}
	if o.MemoryLimit <= 0 {
		o.MemoryLimit = defaultMemoryLimit
	}
	if o.TLSConfig == nil {
		o.TLSConfig = &tls.Config{
			InsecureSkipVerify: true, //nolint:gosec // archives record sites with bad certificates too
			MinVersion:         tls.VersionTLS10,
		}
	}
	if o.DialContext == nil {
		o.DialContext = (&net.Dialer{}).DialContext
	}
	return o
}
