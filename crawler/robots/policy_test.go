package robots

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFromResponseStatus(t *testing.T) {
	const body = "User-agent: *\nDisallow: /private/\n"
	tests := []struct {
		name           string
		policy         *Policy
		public, hidden bool // Allowed for /public and /private/x
	}{
		{"200 parses the body", FromResponse(200, []byte(body)), true, false},
		{"203 parses the body", FromResponse(203, []byte(body)), true, false},
		{"204 without body allows all", FromResponse(204, nil), true, true},
		{"redirects given up count as unavailable", FromResponse(302, []byte(body)), true, true},
		{"400 allows all", FromResponse(400, []byte(body)), true, true},
		{"401 allows all", FromResponse(401, nil), true, true},
		{"403 allows all", FromResponse(403, nil), true, true},
		{"404 allows all", FromResponse(404, []byte("<h1>Not found</h1>")), true, true},
		{"410 allows all", FromResponse(410, nil), true, true},
		{"429 disallows all", FromResponse(429, []byte(body)), false, false},
		{"500 disallows all", FromResponse(500, []byte(body)), false, false},
		{"503 disallows all", FromResponse(503, nil), false, false},
		{"unexpected 1xx disallows all", FromResponse(100, nil), false, false},
		{"nonsense status disallows all", FromResponse(999, nil), false, false},
		{"unreachable disallows all", Unreachable(), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.policy.Allowed(ua, mustURL(t, "https://example.com/public")); got != tt.public {
				t.Errorf("Allowed(/public) = %v, want %v", got, tt.public)
			}
			if got := tt.policy.Allowed(ua, mustURL(t, "https://example.com/private/x")); got != tt.hidden {
				t.Errorf("Allowed(/private/x) = %v, want %v", got, tt.hidden)
			}
			if d := tt.policy.CrawlDelay(ua); d != 0 {
				t.Errorf("CrawlDelay = %v, want 0", d)
			}
		})
	}
}

func TestCrawlDelay(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		agent string
		want  time.Duration
	}{
		{"integer seconds", "User-agent: *\nCrawl-delay: 10\n", ua, 10 * time.Second},
		{"fractional seconds", "User-agent: *\nCrawl-delay: 0.5\n", ua, 500 * time.Millisecond},
		{"fraction without leading zero", "User-agent: *\nCrawl-delay: .25\n", ua, 250 * time.Millisecond},
		{"more digits", "User-agent: *\nCrawl-delay: 2.75\n", ua, 2750 * time.Millisecond},
		{"key spelled without hyphen", "User-agent: *\nCrawldelay: 3\n", ua, 3 * time.Second},
		{"our group's, not star's", "User-agent: *\nCrawl-delay: 30\n\nUser-agent: arkisto\nCrawl-delay: 2\n", ua, 2 * time.Second},
		{"our group without one means none", "User-agent: *\nCrawl-delay: 30\n\nUser-agent: arkisto\nDisallow: /x\n", ua, 0},
		{"star's for other agents", "User-agent: *\nCrawl-delay: 30\n\nUser-agent: arkisto\nCrawl-delay: 2\n", "otherbot/1.0", 30 * time.Second},
		{"merged groups keep the larger", "User-agent: arkisto\nCrawl-delay: 2\n\nUser-agent: arkisto\nCrawl-delay: 5\n", ua, 5 * time.Second},
		{"not a number", "User-agent: *\nCrawl-delay: soon\n", ua, 0},
		{"negative", "User-agent: *\nCrawl-delay: -4\n", ua, 0},
		{"not finite", "User-agent: *\nCrawl-delay: NaN\n", ua, 0},
		{"huge saturates", "User-agent: *\nCrawl-delay: 1e300\n", ua, time.Duration(math.MaxInt64)},
		{"before any user-agent", "Crawl-delay: 7\nUser-agent: *\nDisallow: /x\n", ua, 0},
		{"none", "User-agent: *\nDisallow: /x\n", ua, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FromResponse(200, []byte(tt.body)).CrawlDelay(tt.agent); got != tt.want {
				t.Errorf("CrawlDelay = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSitemaps(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
	}{
		{
			name: "anywhere in the file, in order, once each",
			body: "Sitemap: https://example.com/news.xml\nUser-agent: *\nDisallow: /x\nSITEMAP:https://example.com/index.xml # main\n" +
				"User-agent: arkisto\nSitemap: https://example.com/news.xml\nsitemap: https://cdn.example.net/s.xml?part=1:2\n",
			want: []string{"https://example.com/news.xml", "https://example.com/index.xml", "https://cdn.example.net/s.xml?part=1:2"},
		},
		{"empty value skipped", "Sitemap:\nSitemap: https://example.com/s.xml\n", []string{"https://example.com/s.xml"}},
		{"none", "User-agent: *\nDisallow:\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := FromResponse(200, []byte(tt.body))
			if got := p.Sitemaps(); !slices.Equal(got, tt.want) {
				t.Errorf("Sitemaps = %q, want %q", got, tt.want)
			}
			if got := p.Sitemaps(); len(got) > 0 {
				got[0] = "changed"
				if p.Sitemaps()[0] == "changed" {
					t.Error("Sitemaps shares its slice with the caller")
				}
			}
		})
	}
	for _, p := range []*Policy{FromResponse(404, nil), FromResponse(500, nil), Unreachable()} {
		if got := p.Sitemaps(); len(got) != 0 {
			t.Errorf("Sitemaps without a file = %q", got)
		}
	}
}

// TestSizeLimit builds a 600 KiB robots.txt: rules past MaxBytes are ignored,
// and the line the limit cuts through is dropped whole.
func TestSizeLimit(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("User-agent: *\nDisallow: /early\nSitemap: https://example.com/early.xml\n")
	filler := "# " + strings.Repeat("x", 97) + "\n" // 100 bytes
	for b.Len()+len(filler) <= MaxBytes-10 {
		b.WriteString(filler)
	}
	// This line starts before MaxBytes and ends after it.
	b.WriteString("Disallow: /cut-in-two-by-the-limit\n")
	if b.Len() <= MaxBytes {
		t.Fatalf("straddling line ends at %d, not past %d", b.Len(), MaxBytes)
	}
	b.WriteString("Disallow: /late\nSitemap: https://example.com/late.xml\n")
	for b.Len() < 600<<10 {
		b.WriteString(filler)
	}
	p := FromResponse(200, b.Bytes())

	tests := []struct {
		path string
		want bool
	}{
		{"/early", false},
		{"/late", true},
		{"/cut", true}, // a cut "Disallow: /cut" would have matched
		{"/cut-in-two-by-the-limit", true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got := p.Allowed(ua, mustURL(t, "https://example.com"+tt.path)); got != tt.want {
				t.Errorf("Allowed(%s) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
	if got, want := p.Sitemaps(), []string{"https://example.com/early.xml"}; !slices.Equal(got, want) {
		t.Errorf("Sitemaps = %q, want %q", got, want)
	}
}

func TestProductToken(t *testing.T) {
	tests := []struct{ in, want string }{
		{"arkisto/0.1 (+https://example.org/crawler)", "arkisto"},
		{"Arkisto/0.1", "arkisto"},
		{"arkisto", "arkisto"},
		{"  arkisto (+mailto:ops@example.org)", "arkisto"},
		{"Googlebot-News/2.1", "googlebot-news"},
		{"my_bot", "my_bot"},
		{"bot2000/1", "bot"},
		{"/1.0", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := productToken(tt.in); got != tt.want {
				t.Errorf("productToken(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
