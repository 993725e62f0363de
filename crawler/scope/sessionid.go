package scope

import (
	"regexp"
	"strings"
)

// jsessionidParam is the servlet container's path parameter form
// (/cart;jsessionid=0A1B2C). It ends at the next parameter or segment.
var jsessionidParam = regexp.MustCompile(`(?i);jsessionid=[^;/]*`)

// stripPathSessionIDs removes ;jsessionid=... path parameters.
func stripPathSessionIDs(path string) string {
	if !strings.Contains(path, ";") {
		return path // no path parameter at all: skip the regexp
	}
	return jsessionidParam.ReplaceAllString(path, "")
}

// stripQuerySessionIDs drops session-id parameters and empty pairs from a
// query, keeping the order of the rest. Session ids differ per visit, so
// without this every page would be fetched again under each new id.
func stripQuerySessionIDs(query string) string {
	if query == "" || keepsAllPairs(query) {
		return query
	}
	pairs := strings.Split(query, "&")
	kept := pairs[:0]
	for _, p := range pairs {
		name, _, _ := strings.Cut(p, "=")
		if p == "" || isSessionParam(name) {
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, "&")
}

// keepsAllPairs reports whether stripQuerySessionIDs would drop nothing,
// without splitting the query.
func keepsAllPairs(query string) bool {
	for p := range strings.SplitSeq(query, "&") {
		name, _, _ := strings.Cut(p, "=")
		if p == "" || isSessionParam(name) {
			return false
		}
	}
	return true
}

// isSessionParam reports whether a query parameter name carries a session id
// (Java, PHP, classic ASP, ColdFusion, and the generic "sid").
func isSessionParam(name string) bool {
	for _, id := range [...]string{"jsessionid", "phpsessid", "sid", "cfid", "cftoken"} {
		if equalFoldASCII(name, id) {
			return true
		}
	}
	const asp = "aspsessionid"
	return len(name) >= len(asp) && equalFoldASCII(name[:len(asp)], asp)
}

// equalFoldASCII compares s with a lower-case ASCII word, ignoring the case
// of ASCII letters only: strings.EqualFold would also match the Kelvin sign
// with k and the long s with s.
func equalFoldASCII(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
