package warc

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The CDXJ key must be byte for byte what pywb's indexer writes, or pywb
// finds nothing: pywb 2.10 keys records with python surt 0.3.1 (its
// DefaultIAURLCanonicalizer: the Google canonicalizer, then the IA one),
// run under Python 3.11 urllib rules. This file ports that code path step by
// step rather than building on net/url, whose parsing and escaping differ in
// many small ways. Golden data from the real thing is in
// testdata/surt_golden.jsonl (see testdata/pywb/make_golden.py).

var (
	errEmptyURL = errors.New("empty url")
	errBadPort  = errors.New("bad port")

	// The session-id patterns surt strips (URLRegexTransformer.py).
	pathSessionRes = []*regexp.Regexp{
		regexp.MustCompile(`(?i)^(.*/)(\((?:[a-z]\([0-9a-z]{24}\))+\)/)([^\?]+\.aspx.*)$`),
		regexp.MustCompile(`(?i)^(.*/)(\([0-9a-z]{24}\)/)([^\?]+\.aspx.*)$`),
	}
	querySessionRes = []*regexp.Regexp{
		regexp.MustCompile(`(?i)^(.*)(?:jsessionid=[0-9a-zA-Z]{32})(?:&(.*))?$`),
		regexp.MustCompile(`(?i)^(.*)(?:phpsessid=[0-9a-zA-Z]{32})(?:&(.*))?$`),
		regexp.MustCompile(`(?i)^(.*)(?:sid=[0-9a-zA-Z]{32})(?:&(.*))?$`),
		regexp.MustCompile(`(?i)^(.*)(?:ASPSESSIONID[a-zA-Z]{8}=[a-zA-Z]{24})(?:&(.*))?$`),
		regexp.MustCompile(`(?i)^(.*)(?:cfid=[^&]+&cftoken=[^&]+)(?:&(.*))?$`),
	}
	schemeRe  = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.\-]*:`)
	wwwHostRe = regexp.MustCompile(`^www[0-9]*\.`)
)

// handyURL mirrors surt's handyurl: "" stands for Python's None except for
// the query, where an empty query and no query differ.
type handyURL struct {
	scheme   string
	host     string
	port     int // 0: none
	path     string
	query    string
	hasQuery bool
}

// SURT returns the key pywb's indexer writes for rawURL (Internet Archive
// SURT form without scheme, e.g. "com,example)/path?a=1&b=2"). It fails
// where pywb's indexer fails: an empty URL or a port that is not a number
// in 0..65535.
func SURT(rawURL string) (string, error) {
	if rawURL == "" {
		return "-", nil
	}
	if strings.HasPrefix(rawURL, "filedesc") {
		return rawURL, nil
	}
	u, err := parseHandyURL(rawURL)
	if err != nil {
		return "", fmt.Errorf("make surt of %q: %w", rawURL, err)
	}
	u.googleCanonicalize()
	u.iaCanonicalize()
	return u.surtString(), nil
}

// parseHandyURL follows handyurl.parse.
func parseHandyURL(raw string) (*handyURL, error) {
	s := strings.Trim(raw, " \t\n\r\v\f")
	s = dropTabsAndLineEnds(s)
	if s == "" {
		return nil, errEmptyURL
	}
	if !schemeRe.MatchString(s) {
		s = "http://" + s
	}
	s = collapseProtocols(s)

	scheme, rest, _ := strings.Cut(s, ":")
	var netloc string
	if after, ok := strings.CutPrefix(rest, "//"); ok {
		end := strings.IndexAny(after, "/?#")
		if end < 0 {
			end = len(after)
		}
		netloc, rest = after[:end], after[end:]
	}
	rest, _, _ = strings.Cut(rest, "#")
	path, query, hasQuery := strings.Cut(rest, "?")

	netloc = strings.TrimRight(netloc, ":")
	hostname, portText := splitHostPort(netloc)
	port := 0
	if portText != "" {
		n, err := strconv.Atoi(portText)
		if !isASCIIDigits(portText) || err != nil || n > 65535 {
			return nil, fmt.Errorf("%w %q", errBadPort, portText)
		}
		port = n
	}
	if strings.HasPrefix(scheme, "http") && hostname == "" && path != "" {
		// "http:////www.example.com" and "http:example.com": the host hides in the path.
		h, p, _ := strings.Cut(strings.TrimLeft(path, "/"), "/")
		hostname, path = h, "/"+p
	}
	return &handyURL{
		scheme:   scheme,
		host:     hostname,
		port:     port,
		path:     path,
		query:    query,
		hasQuery: hasQuery && query != "",
	}, nil
}

// dropTabsAndLineEnds removes what Python's urlsplit strips from anywhere
// in a URL, byte by byte (a URL may hold bytes that are not UTF-8), and
// allocates only when there is something to remove.
func dropTabsAndLineEnds(s string) string {
	if !strings.ContainsAny(s, "\n\r\t") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := range len(s) {
		if c := s[i]; c != '\n' && c != '\r' && c != '\t' {
			b = append(b, c)
		}
	}
	return string(b)
}

// collapseProtocols keeps the last of repeated leading "http://" or
// "https://" prefixes ("http://https://x" becomes "https://x").
func collapseProtocols(s string) string {
	last, rest := "", s
	for {
		var p string
		switch {
		case strings.HasPrefix(rest, "http://"):
			p = "http://"
		case strings.HasPrefix(rest, "https://"):
			p = "https://"
		default:
			return last + rest
		}
		last, rest = p, rest[len(p):]
	}
}

// splitHostPort follows Python's SplitResultBytes hostname and port
// properties: userinfo dropped, IPv6 brackets removed, host lower-cased up to
// an IPv6 zone.
func splitHostPort(netloc string) (host, port string) {
	if i := strings.LastIndexByte(netloc, '@'); i >= 0 {
		netloc = netloc[i+1:]
	}
	if _, bracketed, ok := strings.Cut(netloc, "["); ok {
		host, port, _ = strings.Cut(bracketed, "]")
		_, port, _ = strings.Cut(port, ":")
	} else {
		host, port, _ = strings.Cut(netloc, ":")
	}
	name, zone, hasZone := strings.Cut(host, "%")
	host = asciiLower(name)
	if hasZone {
		host += "%" + zone
	}
	return host, port
}

// googleCanonicalize follows GoogleURLCanonicalizer.canonicalize.
func (u *handyURL) googleCanonicalize() {
	if u.hasQuery {
		u.query = escapeOnce(unescapeRepeatedly(u.query))
	}
	if u.host != "" {
		u.host = canonicalHost(u.host)
	}
	path := unescapeRepeatedly(u.path)
	if u.host != "" {
		path = normalizePath(path)
	}
	u.path = escapeOnce(path)
}

// iaCanonicalize follows IAURLCanonicalizer.canonicalize with its defaults.
func (u *handyURL) iaCanonicalize() {
	u.host = asciiLower(u.host)
	if u.host != "" && u.scheme != "dns" {
		u.host = strings.TrimPrefix(u.host, wwwHostRe.FindString(u.host))
	}
	if u.port != 0 && u.port == defaultPort(u.scheme) {
		u.port = 0
	}
	if p := u.path; p != "" {
		p = stripPathSessionID(asciiLower(p))
		if len(p) > 1 && strings.HasSuffix(p, "/") {
			p = p[:len(p)-1]
		}
		u.path = p
	}
	if u.hasQuery {
		q := alphaReorderQuery(asciiLower(stripQuerySessionID(u.query)))
		u.query, u.hasQuery = q, q != ""
	}
}

func defaultPort(scheme string) int {
	switch asciiLower(scheme) {
	case "http":
		return 80
	case "https":
		return 443
	}
	return 0
}

// surtString follows handyurl.geturl_bytes(surt=True, with_scheme=False).
func (u *handyURL) surtString() string {
	var b strings.Builder
	if u.host == "" {
		b.WriteString(u.scheme + ":")
	} else {
		parts := strings.Split(u.host, ".")
		slices.Reverse(parts)
		b.WriteString(strings.Join(parts, ","))
		if u.port != 0 {
			b.WriteString(":" + strconv.Itoa(u.port))
		}
		b.WriteString(")")
	}
	switch {
	case u.path != "":
		b.WriteString(u.path)
	case u.hasQuery:
		b.WriteString("/")
	}
	if u.hasQuery {
		b.WriteString("?" + u.query)
	}
	return b.String()
}
