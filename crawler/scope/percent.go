package scope

import "arkisto/warc/urltext"

// The bytes besides the unreserved ones that a path keeps as they are:
// RFC 3986's pchar. A query also keeps '?'.
const (
	pathKeeps  = "!$&'()*+,;=:@/"
	queryKeeps = pathKeeps + "?"
)

// normalizePercent applies RFC 3986 section 6.2.2's safe normalizations to a
// path or query: percent-encoded unreserved characters are decoded, the hex
// digits of the remaining escapes are upper-cased, and every byte outside
// pchar (and '?' in a query) is encoded. Reserved characters are never
// decoded: %2F in a path or %26 in a query mean something else than / and &.
// Encoding the leftovers ('|', '^', '[' ...) also keeps net/url from
// re-escaping the whole path, which would decode %2F on the way.
func normalizePercent(s string, query bool) string {
	if query {
		return urltext.NormalizeEscapes(s, queryKeeps)
	}
	return urltext.NormalizeEscapes(s, pathKeeps)
}
