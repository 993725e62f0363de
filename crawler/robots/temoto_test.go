package robots

import (
	"testing"

	"github.com/temoto/robotstxt"
)

// TestTemotoDiffersFromRFC9309 records why this package parses and matches
// robots.txt itself instead of delegating to github.com/temoto/robotstxt
// v1.1.2: on each case below temoto's answer breaks RFC 9309, and its rules
// are unexported, so no glue around it can correct them. If an upgrade makes
// temoto agree here, this test fails and delegating can be reconsidered.
func TestTemotoDiffersFromRFC9309(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		agent string
		path  string
		rfc   bool // RFC 9309's answer, which Allowed gives
	}{
		{"wildcard rule matched mid-path", "User-agent: *\nDisallow: /fish*.php\n", "arkisto", "/lake/fish.php", true},
		{"tie goes to the first rule, not to Allow", "User-agent: *\nDisallow: /a\nAllow: /a\n", "arkisto", "/a", true},
		{"pattern length counted on its regexp", "User-agent: *\nAllow: /page.h\nDisallow: /*.htm\n", "arkisto", "/page.htm", true},
		{"user agent matched by prefix", "User-agent: ark\nDisallow: /\n", "arkisto", "/x", true},
		{"empty group falls back to star", "User-agent: *\nDisallow: /\n\nUser-agent: arkisto\n", "arkisto", "/x", true},
		{"one bad crawl-delay rejects the file", "User-agent: *\nCrawl-delay: soon\nDisallow: /y\n", "arkisto", "/y", false},
		{"a rule before user-agent rejects the file", "Disallow: /x\nUser-agent: *\nDisallow: /y\n", "arkisto", "/y", false},
		{"comment glued to a path", "User-agent: *\nDisallow: /y#c\n", "arkisto", "/y", false},
		{"escaped unreserved characters", "User-agent: *\nDisallow: /%7Ebob\n", "arkisto", "/~bob", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ours := FromResponse(200, []byte(tt.body)).Allowed(tt.agent, mustURL(t, "https://example.com"+tt.path))
			if ours != tt.rfc {
				t.Errorf("Allowed = %v, RFC 9309 says %v", ours, tt.rfc)
			}
			data, err := robotstxt.FromString(tt.body)
			if err != nil {
				return // temoto refused the whole file
			}
			if data.TestAgent(tt.path, tt.agent) == tt.rfc {
				t.Errorf("temoto now agrees with RFC 9309 on %q", tt.name)
			}
		})
	}
}
