package capture

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"
)

// Resolver looks up the addresses of a host; *net.Resolver is one.
// network is "ip", "ip4" or "ip6".
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// minAttemptTime is the least time one address gets when several share
// the dial timeout, as net.Dialer gives them.
const minAttemptTime = 2 * time.Second

// dial opens the TCP connection to addr (host:port). With neither
// AllowDial nor Resolver set, DialContext gets the host name. Otherwise
// the host is resolved here, exactly once, each address is put to
// AllowDial, and only allowed addresses reach DialContext, as IP literals:
// no later lookup can swap in an address that was not checked.
func (t *Transport) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if t.opts.AllowDial == nil && t.opts.Resolver == nil {
		return t.opts.DialContext(ctx, network, addr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("split address %q: %w", addr, err)
	}
	ips, err := t.resolve(ctx, network, host)
	if err != nil {
		// The shape net.Dialer gives a failed lookup, so that KindOf
		// and callers read it as they read the system dialer's.
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	allowed, err := t.allowed(host, ips)
	if err != nil {
		return nil, err
	}
	return t.dialAddrs(ctx, network, allowed, port)
}

// resolve returns host's addresses; an IP literal is its own answer. Every
// failure is a *net.DNSError.
func (t *Transport) resolve(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	r := t.opts.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	ips, err := r.LookupNetIP(ctx, lookupNetwork(network), host)
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return nil, err
	case err != nil:
		return nil, &net.DNSError{Err: err.Error(), Name: host, UnwrapErr: err,
			IsTimeout: isTimeout(err)}
	case len(ips) == 0:
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return ips, nil
}

// lookupNetwork turns a dial network into the resolver's.
func lookupNetwork(network string) string {
	switch network {
	case "tcp4":
		return "ip4"
	case "tcp6":
		return "ip6"
	default:
		return "ip"
	}
}

// allowed keeps the addresses AllowDial accepts. A host whose every address
// is refused fails with ErrBlocked; one with some refused goes on with the
// others, which cannot reach the refused ones.
func (t *Transport) allowed(host string, ips []netip.Addr) ([]netip.Addr, error) {
	if t.opts.AllowDial == nil {
		return ips, nil
	}
	var ok []netip.Addr
	var refused []string
	var reason error // the first stands for all: the addresses are named here
	for _, ip := range ips {
		err := t.opts.AllowDial(host, ip)
		if err == nil {
			ok = append(ok, ip)
			continue
		}
		refused = append(refused, ip.String())
		if reason == nil {
			reason = err
		}
	}
	if len(ok) == 0 {
		return nil, fmt.Errorf("dial %s at %s: %w: %w", host, strings.Join(refused, ", "), ErrBlocked, reason)
	}
	return ok, nil
}

// dialAddrs tries the addresses in the resolver's order and returns the
// first connection, or the first error as net.Dialer does. Like
// net.Dialer, it shares the time left between the addresses not yet tried,
// so one dead address cannot use up the whole dial timeout.
func (t *Transport) dialAddrs(ctx context.Context, network string, ips []netip.Addr, port string) (net.Conn, error) {
	var first error
	for i, ip := range ips {
		actx, cancel := attemptContext(ctx, len(ips)-i)
		conn, err := t.opts.DialContext(actx, network, net.JoinHostPort(ip.String(), port))
		cancel()
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

// attemptContext bounds one of remaining dial attempts to its share of
// ctx's time left.
func attemptContext(ctx context.Context, remaining int) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok || remaining <= 1 {
		return context.WithCancel(ctx)
	}
	share := max(time.Until(deadline)/time.Duration(remaining), minAttemptTime)
	return context.WithTimeout(ctx, share)
}
