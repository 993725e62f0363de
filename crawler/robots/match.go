package robots

import (
	"strings"

	"arkisto/warc/urltext"
)

// rule is one Allow or Disallow line.
type rule struct {
	pattern  string // normalized; '*' matches any run of characters
	anchored bool   // the pattern ended in '$': it must match the whole target
	allow    bool
	// length is the pattern's size in octets, '*' and '$' included: the
	// longest matching rule wins (RFC 9309 section 2.2.2).
	length int
}

func newRule(value string, allow bool) rule {
	pat := normalize(value)
	if !strings.HasPrefix(pat, "/") && !strings.HasPrefix(pat, "*") {
		// "Disallow: private/" means the folder; reading it as a path is
		// the polite choice.
		pat = "/" + pat
	}
	r := rule{allow: allow, length: len(pat)}
	r.pattern, r.anchored = strings.CutSuffix(pat, "$")
	return r
}

// allows applies the group's rules to a normalized target.
func (g *group) allows(target string) bool {
	best, allowed := -1, true
	for _, r := range g.rules {
		if r.length < best || (r.length == best && !r.allow) || !r.matches(target) {
			continue
		}
		best, allowed = r.length, r.allow
	}
	return allowed
}

// matches reports whether the rule matches target: from its start, to its
// end when anchored, to any point otherwise.
func (r rule) matches(target string) bool {
	if r.anchored {
		return glob(r.pattern, target)
	}
	return glob(r.pattern+"*", target)
}

// glob reports whether pattern, where '*' matches any run of bytes, matches
// all of s. It backtracks only to the last '*', so a hostile pattern costs
// O(len(pattern)*len(s)), never exponential time.
func glob(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			mark++
			p, i = star+1, mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// ruleKeeps are the bytes besides the unreserved ones that rules and paths
// keep as they are: RFC 3986's reserved set ('*' and '$' among them, so
// they keep their meaning in rules) without '#'.
const ruleKeeps = ":/?[]@!$&'()*+,;="

// normalize brings a rule or a URL path to one percent-encoding, as RFC 9309
// section 2.2.2 asks: escapes of unreserved characters are decoded, other
// escapes get upper-case hex, and octets outside RFC 3986's unreserved and
// reserved sets (non-ASCII, blanks, '|', a lone '%' ...) are encoded.
// Reserved characters keep their form: %2F and / differ.
func normalize(s string) string {
	return urltext.NormalizeEscapes(s, ruleKeeps)
}
