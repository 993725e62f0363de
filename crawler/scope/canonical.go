package scope

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/nlnwa/whatwg-url/canonicalizer"
	whatwgerrors "github.com/nlnwa/whatwg-url/errors"
	whatwg "github.com/nlnwa/whatwg-url/url"
)

// ErrUnsupportedScheme is returned for URLs the crawler cannot fetch
// (mailto:, javascript:, data:, ftp: and the like).
var ErrUnsupportedScheme = errors.New("unsupported url scheme")

// ErrEmptyHost is returned for http(s) URLs without a host.
var ErrEmptyHost = errors.New("url has no host")

// newParser builds the WHATWG parser profile for a crawler. None of the
// library's predefined profiles fits: WhatWgSortQuery and Semantic reorder the
// query, and GoogleSafeBrowsing and Semantic drop every port and percent-decode
// repeatedly, which turns %2F into a path separator and %2B into a query '+'.
// So we keep the standard parser and add only changes that cannot alter which
// resource a server returns. Built per call because the package keeps no
// shared state; building it costs a few small allocations.
func newParser() whatwg.Parser {
	return canonicalizer.New(
		// net/url rejects a lone '%', so it must leave here as %25.
		whatwg.WithPercentEncodeSinglePercentSign(),
		canonicalizer.WithRemoveFragment(),
		// Credentials in links are mistakes or phishing tricks
		// (http://bank.example@evil.example/); they must not reach crawl.log or WARCs.
		canonicalizer.WithRemoveUserInfo(),
	)
}

// Canonicalize parses raw, relative to base when base is not nil, and returns
// the canonical form every other part of the crawler keys on: lower-case
// scheme and host (IDN hosts in punycode), no default port, no fragment, no
// user info, dot segments resolved, percent-encoding normalized (unreserved
// characters decoded, hex digits upper-case, characters outside RFC 3986
// encoded), the query kept in order minus empty pairs and session ids.
//
// Without a base, absolute URLs as net/url prints them take a fast path
// that gives the same result (see canonicalFast).
func Canonicalize(raw string, base *url.URL) (*url.URL, error) {
	var canonical string
	ok := false
	if base == nil {
		canonical, ok = canonicalFast(raw)
	}
	if !ok {
		var err error
		if canonical, err = canonicalWHATWG(raw, base); err != nil {
			return nil, err
		}
	}
	u, err := url.Parse(canonical)
	if err != nil {
		// The WHATWG parser accepts hosts net/url refuses (such as "a{b}");
		// no DNS name looks like that, so the link is dropped.
		return nil, fmt.Errorf("canonicalize %q: %w", raw, err)
	}
	return u, nil
}

// canonicalWHATWG is Canonicalize's general path: it parses raw as a
// browser would and normalizes the result into the canonical string.
func canonicalWHATWG(raw string, base *url.URL) (string, error) {
	p := newParser()
	var (
		w   *whatwg.Url
		err error
	)
	if base != nil {
		w, err = p.ParseRef(base.String(), raw)
	} else {
		w, err = p.Parse(raw)
	}
	if whatwgerrors.Type(err) == whatwgerrors.HostMissing {
		return "", fmt.Errorf("canonicalize %q: %w", raw, ErrEmptyHost)
	}
	if err != nil && base != nil {
		return "", fmt.Errorf("parse url %q relative to %q: %w", raw, base, err)
	}
	if err != nil {
		return "", fmt.Errorf("parse url %q: %w", raw, err)
	}
	scheme := w.Scheme()
	if scheme != "http" && scheme != "https" {
		return "", fmt.Errorf("canonicalize %q: %w %q", raw, ErrUnsupportedScheme, scheme)
	}
	if w.Hostname() == "" {
		return "", fmt.Errorf("canonicalize %q: %w", raw, ErrEmptyHost)
	}
	var b strings.Builder
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(w.Host())
	b.WriteString(stripPathSessionIDs(normalizePercent(w.Pathname(), false)))
	if q := stripQuerySessionIDs(normalizePercent(w.Query(), true)); q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String(), nil
}

// Key is the seen-set key of a URL returned by Canonicalize.
func Key(u *url.URL) string {
	return u.String()
}

// HostKey is the politeness queue key: scheme://host:port with the port
// always written, so http://a and http://a:80 share one queue.
func HostKey(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), effectivePort(scheme, u.Port()))
}

// effectivePort is the port a request goes to.
func effectivePort(scheme, port string) string {
	if port != "" {
		return port
	}
	switch scheme {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

// explicitPort is the port unless it is the scheme's default, so that
// http://a:80 and http://a compare equal.
func explicitPort(scheme, port string) string {
	if port == effectivePort(scheme, "") {
		return ""
	}
	return port
}
