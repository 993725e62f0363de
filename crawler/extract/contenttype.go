package extract

import (
	"mime"
	"strings"
)

// mediaType returns the lower-cased type/subtype of a Content-Type value,
// tolerating the malformed parameters servers send.
func mediaType(contentType string) string {
	if t, _, err := mime.ParseMediaType(contentType); err == nil {
		return t
	}
	t, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// IsHTML reports whether a Content-Type value names an HTML document.
func IsHTML(contentType string) bool {
	switch mediaType(contentType) {
	case "text/html", "application/xhtml+xml":
		return true
	}
	return false
}

// IsCSS reports whether a Content-Type value names a stylesheet.
func IsCSS(contentType string) bool {
	return mediaType(contentType) == "text/css"
}
