package scope

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/publicsuffix"

	"arkisto/config"
)

// Rules configure a Scope. A zero field means its default: config.ScopeDomain
// (the config default) and the trap limits listed on each field. A negative limit
// turns its check off.
type Rules struct {
	Mode config.ScopeMode // the words and their meaning are config's
	// Include widens the scope: a URL whose key matches any of them is in.
	Include []*regexp.Regexp
	// Exclude narrows it and wins over seeds and Include.
	Exclude []*regexp.Regexp

	MaxURLLength        int // bytes of the canonical URL; default 2048
	MaxPathDepth        int // path segments; default 32
	MaxRepeatedSegments int // repeats of one segment run (/a/b/a/b/a/b is 3); default 3, at least 2
	MaxQueryParams      int // query parameters; default 64
}

// Scope answers whether a URL belongs to the crawl. It is read-only after New
// and safe for concurrent use.
type Scope struct {
	mode             config.ScopeMode
	seeds            []seed
	include, exclude []*regexp.Regexp
	limits           limits
}

// seed is one seed reduced to what its mode compares.
type seed struct {
	// host is the seed's host (lower case, no trailing dot, IPs in their
	// canonical form); in domain mode it is the registrable domain unless
	// exact is set.
	host  string
	exact bool // IP addresses and hosts without a registrable domain match only themselves
	port  string
	// prefix is the seed's key without its scheme, cut after the path's last '/'.
	prefix string
}

// New builds a Scope from canonicalized seeds and rules.
func New(seeds []*url.URL, rules Rules) (*Scope, error) {
	mode := rules.Mode
	if mode == "" {
		mode = config.ScopeDomain
	}
	switch mode {
	case config.ScopeHost, config.ScopeDomain, config.ScopePrefix:
	default:
		return nil, fmt.Errorf("build scope: mode %q is not one of host, domain, prefix", rules.Mode)
	}
	lim, err := newLimits(rules)
	if err != nil {
		return nil, fmt.Errorf("build scope: %w", err)
	}
	s := &Scope{mode: mode, include: rules.Include, exclude: rules.Exclude, limits: lim}
	for i, raw := range seeds {
		if raw == nil {
			return nil, fmt.Errorf("build scope: seed %d is nil", i)
		}
		u, err := Canonicalize(raw.String(), nil)
		if err != nil {
			return nil, fmt.Errorf("build scope: seed %d: %w", i, err)
		}
		s.seeds = append(s.seeds, newSeed(mode, u))
	}
	return s, nil
}

func newSeed(mode config.ScopeMode, u *url.URL) seed {
	host, isIP := normalHost(u.Hostname())
	sd := seed{host: host, exact: isIP, port: explicitPort(u.Scheme, u.Port())}
	switch mode {
	case config.ScopeDomain:
		if isIP {
			break
		}
		// A seed that is itself a public suffix (or a single label such as
		// "localhost") has no registrable domain; it then scopes to itself.
		if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
			sd.host = d
		} else {
			sd.exact = true
		}
	case config.ScopePrefix:
		rest := withoutScheme(Key(u))
		// Cut after the path's last '/', not a '/' in the query.
		if end := strings.IndexByte(rest, '?'); end >= 0 {
			rest = rest[:end]
		}
		sd.prefix = rest[:strings.LastIndexByte(rest, '/')+1]
	}
	return sd
}

// InScope reports whether u, a URL from Canonicalize, belongs to the crawl.
// Exclude patterns win over everything; Include patterns add URLs no seed
// reaches; both match Key(u). http and https count as the same site, since
// sites move from one to the other with a redirect; a port other than the
// scheme's default must match the seed's.
func (s *Scope) InScope(u *url.URL) bool {
	if u == nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	key := Key(u)
	if s.excludedKey(key) {
		return false
	}
	for _, re := range s.include {
		if re.MatchString(key) {
			return true
		}
	}
	host, isIP := normalHost(u.Hostname())
	port := explicitPort(u.Scheme, u.Port())
	for _, sd := range s.seeds {
		if sd.matches(s.mode, key, host, isIP, port) {
			return true
		}
	}
	return false
}

// Excluded reports whether u, a URL from Canonicalize, matches an Exclude
// pattern: such a URL is never fetched, whatever found it (a link, a page
// requisite, a redirect, a sitemap).
func (s *Scope) Excluded(u *url.URL) bool { return s.excludedKey(Key(u)) }

func (s *Scope) excludedKey(key string) bool {
	for _, re := range s.exclude {
		if re.MatchString(key) {
			return true
		}
	}
	return false
}

func (sd seed) matches(mode config.ScopeMode, key, host string, isIP bool, port string) bool {
	if port != sd.port {
		return false
	}
	switch mode {
	case config.ScopePrefix:
		return strings.HasPrefix(withoutScheme(key), sd.prefix)
	case config.ScopeDomain:
		if host == sd.host {
			return true
		}
		return !sd.exact && !isIP && strings.HasSuffix(host, "."+sd.host)
	default:
		return host == sd.host
	}
}

// normalHost lower-cases a host and drops a trailing dot; IP addresses come
// back in their canonical text form so that spellings of one address compare equal.
func normalHost(h string) (string, bool) {
	if a, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
		return a.Unmap().String(), true
	}
	return strings.TrimSuffix(strings.ToLower(h), "."), false
}

func withoutScheme(key string) string {
	_, rest, _ := strings.Cut(key, "://")
	return rest
}
