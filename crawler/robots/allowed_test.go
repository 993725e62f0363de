package robots

import (
	"net/url"
	"testing"
)

const ua = "arkisto/0.1 (+https://example.org/crawler)"

func mustURL(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("parse %q: %v", raw, err)
	}
	return u
}

// TestAllowedRules covers RFC 9309 section 2.2: longest match, Allow winning
// ties, '*' and '$', percent-encoding, case-sensitive paths.
func TestAllowedRules(t *testing.T) {
	type check struct {
		path string
		want bool
	}
	tests := []struct {
		name   string
		body   string
		checks []check
	}{
		{
			name: "longest match wins whatever the order",
			body: "User-agent: *\nAllow: /news/live/\nDisallow: /news/\nDisallow: /drafts/open/\nAllow: /drafts/\n",
			checks: []check{
				{"/news/live/today", true},
				{"/news/world", false},
				{"/news", true},
				{"/drafts/open/1", false},
				{"/drafts/closed/1", true},
			},
		},
		{
			name:   "allow wins a tie, disallow first",
			body:   "User-agent: *\nDisallow: /tag\nAllow: /tag\n",
			checks: []check{{"/tag/go", true}},
		},
		{
			name:   "allow wins a tie, allow first",
			body:   "User-agent: *\nAllow: /tag\nDisallow: /tag\n",
			checks: []check{{"/tag/go", true}},
		},
		{
			name:   "tie between a pattern and a path of the same length",
			body:   "User-agent: *\nDisallow: /pag\nAllow: /p*e\n",
			checks: []check{{"/page", true}, {"/pagination", false}},
		},
		{
			name: "disallow everything but one page",
			body: "User-agent: *\nDisallow: /\nAllow: /about.html\n",
			checks: []check{
				{"/about.html", true},
				{"/about.html?lang=fi", true},
				{"/", false},
				{"/contact.html", false},
			},
		},
		{
			name: "wildcard inside the path",
			body: "User-agent: *\nDisallow: /*/print\n",
			checks: []check{
				{"/2024/story/print", false},
				{"/a/printable", false},
				{"/print", true},
			},
		},
		{
			name: "patterns are anchored at the start of the path",
			body: "User-agent: *\nDisallow: /fish*.php\n",
			checks: []check{
				{"/fish.php", false},
				{"/fishheads/catfish.php?x=1", false},
				{"/lake/fish.php", true},
				{"/Fish.PHP", true},
			},
		},
		{
			name: "leading wildcard matches anywhere",
			body: "User-agent: *\nDisallow: *.gif$\n",
			checks: []check{
				{"/img/a.gif", false},
				{"/a.gif?v=2", true},
				{"/a.gifv", true},
			},
		},
		{
			name: "dollar anchors the end",
			body: "User-agent: *\nDisallow: /*.pdf$\nDisallow: /$\n",
			checks: []check{
				{"/", false},
				{"/index.html", true},
				{"/docs/a.pdf", false},
				{"/docs/a.pdf?dl=1", true},
				{"/docs/a.pdfx", true},
			},
		},
		{
			name:   "dollar inside a pattern is a plain character",
			body:   "User-agent: *\nDisallow: /a$b\n",
			checks: []check{{"/a$b/c", false}, {"/a", true}},
		},
		{
			name:   "trailing star changes nothing",
			body:   "User-agent: *\nDisallow: /fish*\n",
			checks: []check{{"/fish", false}, {"/fishheads", false}, {"/catfish", true}},
		},
		{
			name: "query is part of the match",
			body: "User-agent: *\nDisallow: /*?\nAllow: /search?sort=\n",
			checks: []check{
				{"/list?page=2", false},
				{"/search?sort=date", true},
				{"/list", true},
			},
		},
		{
			name:   "paths are case-sensitive",
			body:   "User-agent: *\nDisallow: /Private/\n",
			checks: []check{{"/Private/x", false}, {"/private/x", true}},
		},
		{
			name: "escaped unreserved characters equal their plain form",
			body: "User-agent: *\nDisallow: /%7Ebob/\nDisallow: /~alice/\n",
			checks: []check{
				{"/~bob/cv", false},
				{"/%7ealice/cv", false},
				{"/%7Ecarol/cv", true},
			},
		},
		{
			name: "non-ASCII rules match their UTF-8 escapes",
			body: "User-agent: *\nDisallow: /uutiset/sää/\n",
			checks: []check{
				{"/uutiset/s%C3%A4%C3%A4/huomenna", false},
				{"/uutiset/s%c3%a4%c3%a4/", false},
				{"/uutiset/saa/", true},
			},
		},
		{
			name:   "escaped slash is not a slash",
			body:   "User-agent: *\nDisallow: /a%2Fb\n",
			checks: []check{{"/a/b", true}, {"/a%2fb", false}},
		},
		{
			name:   "empty disallow allows everything",
			body:   "User-agent: *\nDisallow:\n",
			checks: []check{{"/anything", true}},
		},
		{
			name:   "robots.txt itself is always allowed",
			body:   "User-agent: *\nDisallow: /\n",
			checks: []check{{"/robots.txt", true}, {"/robots.txt.bak", false}},
		},
		{
			name:   "rule without leading slash reads as a path",
			body:   "User-agent: *\nDisallow: private/\n",
			checks: []check{{"/private/x", false}, {"/public/private/", true}},
		},
		{
			name:   "empty path matches as root",
			body:   "User-agent: *\nDisallow: /$\n",
			checks: []check{{"https://example.com", false}},
		},
	}
	for _, tt := range tests {
		p := FromResponse(200, []byte(tt.body))
		for _, c := range tt.checks {
			t.Run(tt.name+"/"+c.path, func(t *testing.T) {
				raw := c.path
				if raw[0] == '/' {
					raw = "https://example.com" + raw
				}
				if got := p.Allowed(ua, mustURL(t, raw)); got != c.want {
					t.Errorf("Allowed(%s) = %v, want %v", c.path, got, c.want)
				}
			})
		}
	}
}

// TestGroupSelection covers RFC 9309 section 2.2.1: one group per crawler,
// chosen by exact, case-insensitive product token, "*" as the fallback.
func TestGroupSelection(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		agent string
		path  string
		want  bool
	}{
		{"own group beats star", "User-agent: *\nDisallow: /\n\nUser-agent: arkisto\nDisallow: /private/\n", ua, "/news", true},
		{"own group still applies", "User-agent: *\nDisallow: /\n\nUser-agent: arkisto\nDisallow: /private/\n", ua, "/private/x", false},
		{"star when no group is ours", "User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /x\n", ua, "/x", false},
		{"token match is case-insensitive", "User-agent: ARKISTO\nDisallow: /\n", ua, "/a", false},
		{"versioned token in the file", "User-agent: Arkisto/2.0\nDisallow: /\n", ua, "/a", false},
		{"a prefix of our token is not ours", "User-agent: ark\nDisallow: /\n", ua, "/a", true},
		{"a longer token is not ours", "User-agent: arkisto-news\nDisallow: /\n", ua, "/a", true},
		{"several agents share a group", "User-agent: otherbot\nUser-agent: arkisto\nDisallow: /shared\n", ua, "/shared", false},
		{"blank lines inside an agent run", "User-agent: arkisto\n\nUser-agent: otherbot\nDisallow: /shared\n", ua, "/shared", false},
		{"groups naming us are merged", "User-agent: arkisto\nDisallow: /a\n\nUser-agent: *\nDisallow: /\n\nUser-agent: arkisto\nDisallow: /b\n", ua, "/b", false},
		{"merged groups keep both", "User-agent: arkisto\nDisallow: /a\n\nUser-agent: arkisto\nDisallow: /b\n", ua, "/a", false},
		{"an empty group of ours allows all", "User-agent: *\nDisallow: /\n\nUser-agent: arkisto\n", ua, "/x", true},
		{"no group at all allows all", "User-agent: otherbot\nDisallow: /\n", ua, "/x", true},
		{"rules before any user-agent are ignored", "Disallow: /\nUser-agent: *\nDisallow: /x\n", ua, "/y", true},
		{"crawl-delay ends an agent run", "User-agent: arkisto\nCrawl-delay: 1\nUser-agent: otherbot\nDisallow: /\n", ua, "/x", true},
		{"plain token user agent", "User-agent: arkisto\nDisallow: /\n", "arkisto", "/x", false},
		{"user agent without a token gets star", "User-agent: *\nDisallow: /\n", "/1.0", "/x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := FromResponse(200, []byte(tt.body))
			if got := p.Allowed(tt.agent, mustURL(t, "https://example.com"+tt.path)); got != tt.want {
				t.Errorf("Allowed(%q, %s) = %v, want %v", tt.agent, tt.path, got, tt.want)
			}
		})
	}
}

// TestLenientParsing checks that odd lines are skipped, never the whole file.
func TestLenientParsing(t *testing.T) {
	tests := []struct {
		name string
		body string
		path string
		want bool
	}{
		{"bad crawl-delay keeps the rules", "User-agent: *\nCrawl-delay: soon\nDisallow: /x\n", "/x", false},
		{"unknown keys are skipped", "User-agent: *\nNoindex: /y\nDisallow: /x\n", "/x", false},
		{"comments after values", "User-agent: * # everyone\nDisallow: /x # not here\n", "/x", false},
		{"comment glued to the value", "User-agent: *\nDisallow: /x#frag\n", "/x", false},
		{"CRLF line ends", "User-agent: *\r\nDisallow: /x\r\n", "/x", false},
		{"CR line ends", "User-agent: *\rDisallow: /x\r", "/x", false},
		{"byte order mark", "\xef\xbb\xbfUser-agent: *\nDisallow: /x\n", "/x", false},
		{"keys in any case, blanks around", "  USER-AGENT :*\n\tdisallow  :  /x  \n", "/x", false},
		{"missing colon", "User-agent *\nDisallow /x\n", "/x", false},
		{"misspelled useragent", "Useragent: *\nDisallow: /x\n", "/x", false},
		{"html instead of robots.txt", "<html><body><p>Disallow: /x</p></body></html>\n", "/x", true},
		{"space inside a path", "User-agent: *\nDisallow: /a b\n", "/a%20b/c", false},
		{"binary noise", "\x00\xff\xfe User-agent: *\nUser-agent: *\nDisallow: /x\n", "/x", false},
		{"empty file", "", "/x", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := FromResponse(200, []byte(tt.body))
			if got := p.Allowed(ua, mustURL(t, "https://example.com"+tt.path)); got != tt.want {
				t.Errorf("Allowed(%s) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}
