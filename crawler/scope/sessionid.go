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
	return jsessionidParam.ReplaceAllString(path, "")
}

// stripQuerySessionIDs drops session-id parameters and empty pairs from a
// query, keeping the order of the rest. Session ids differ per visit, so
// without this every page would be fetched again under each new id.
func stripQuerySessionIDs(query string) string {
	if query == "" {
		return ""
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

// isSessionParam reports whether a query parameter name carries a session id
// (Java, PHP, classic ASP, ColdFusion, and the generic "sid").
func isSessionParam(name string) bool {
	name = strings.ToLower(name)
	switch name {
	case "jsessionid", "phpsessid", "sid", "cfid", "cftoken":
		return true
	}
	return strings.HasPrefix(name, "aspsessionid")
}
