package warc

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

var (
	errIDNA = errors.New("host is not a valid IDNA name")

	// surt hands hosts matching these to gethostbyname, which parses them
	// as inet_aton numbers and never asks DNS.
	decimalIPRe = regexp.MustCompile(`^([1-9][0-9]*)(\.[0-9]+)?(\.[0-9]+)?(\.[0-9]+)?$`)
	octalIPRe   = regexp.MustCompile(`^(0[0-7]*)(\.[0-7]+)?(\.[0-7]+)?(\.[0-7]+)?$`)
)

// canonicalHost is the host part of GoogleURLCanonicalizer.canonicalize.
func canonicalHost(host string) string {
	host = unescapeRepeatedly(host)
	if !isASCII(host) {
		if h, err := idnaHost(host); err == nil {
			host = h
		}
	}
	host = strings.Trim(strings.ReplaceAll(host, "..", "."), ".")
	if ip, ok := attemptIPFormats(host); ok {
		return ip
	}
	return escapeOnce(asciiLower(host))
}

// idnaHost follows Python's host.decode('utf-8', 'ignore').encode('idna')
// (IDNA 2003). Nameprep is approximated by UTS 46 transitional mapping, which
// agrees with it for the letters news sites use (case, ß, width).
func idnaHost(host string) (string, error) {
	s := strings.ToValidUTF8(host, "")
	if s == "" {
		return "", nil
	}
	if isASCII(s) {
		labels := strings.Split(s, ".")
		for _, l := range labels[:len(labels)-1] {
			if len(l) == 0 || len(l) >= 64 {
				return "", errIDNA
			}
		}
		if len(labels[len(labels)-1]) >= 64 {
			return "", errIDNA
		}
		return s, nil
	}
	// Python splits on the four IDNA dots and joins with '.'.
	labels := strings.Split(strings.Map(func(r rune) rune {
		if isIDNADot(r) {
			return '.'
		}
		return r
	}, s), ".")
	trailing := ""
	if labels[len(labels)-1] == "" {
		trailing, labels = ".", labels[:len(labels)-1]
	}
	profile := idna.New(idna.MapForLookup(), idna.Transitional(true),
		idna.StrictDomainName(false), idna.CheckHyphens(false), idna.CheckJoiners(false))
	out := make([]string, len(labels))
	for i, l := range labels {
		a, err := idnaLabel(profile, l)
		if err != nil {
			return "", err
		}
		out[i] = a
	}
	return strings.Join(out, ".") + trailing, nil
}

func idnaLabel(profile *idna.Profile, label string) (string, error) {
	if !isASCII(label) {
		if strings.HasPrefix(asciiLower(label), "xn--") {
			return "", errIDNA
		}
		a, err := profile.ToASCII(label)
		if err != nil {
			return "", errIDNA
		}
		label = a
	}
	if len(label) == 0 || len(label) >= 64 {
		return "", errIDNA
	}
	return label, nil
}

func isIDNADot(r rune) bool {
	return r == '.' || r == '\u3002' || r == '\uff0e' || r == '\uff61'
}

// attemptIPFormats turns numeric hosts into dotted quads the way surt does:
// a bare number is taken modulo 2^32, and dotted decimal or octal forms go
// through inet_aton; a form inet_aton rejects is left alone.
func attemptIPFormats(host string) (string, bool) {
	if isASCIIDigits(host) {
		var v uint32
		for i := 0; i < len(host); i++ {
			v = v*10 + uint32(host[i]-'0')
		}
		return dottedQuad(v), true
	}
	if decimalIPRe.MatchString(host) || octalIPRe.MatchString(host) {
		if v, ok := inetAton(host); ok {
			return dottedQuad(v), true
		}
	}
	return "", false
}

// inetAton parses glibc's numbers-and-dots forms for the digit-only hosts
// the regexps above let through: 1 to 4 parts, a leading 0 meaning octal,
// the last part filling the remaining bytes.
func inetAton(s string) (uint32, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return 0, false
	}
	var addr uint32
	for i, p := range parts {
		base := 10
		if len(p) > 1 && p[0] == '0' {
			base = 8
		}
		v, err := strconv.ParseUint(p, base, 32)
		if err != nil {
			return 0, false
		}
		if i < len(parts)-1 {
			if v > 0xff {
				return 0, false
			}
			addr |= uint32(v) << (24 - 8*i)
			continue
		}
		if max := uint64(0xffffffff) >> (8 * i); v > max {
			return 0, false
		}
		addr |= uint32(v)
	}
	return addr, true
}

func dottedQuad(v uint32) string {
	return strconv.Itoa(int(v>>24)) + "." + strconv.Itoa(int(v>>16&0xff)) + "." +
		strconv.Itoa(int(v>>8&0xff)) + "." + strconv.Itoa(int(v&0xff))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
