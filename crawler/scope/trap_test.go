package scope

import (
	"fmt"
	"strings"
	"testing"
)

func TestTrap(t *testing.T) {
	long := "https://example.com/" + strings.Repeat("x", 2100)
	var segs []string
	for i := range 33 {
		segs = append(segs, fmt.Sprint("s", i))
	}
	deep := "https://example.com/" + strings.Join(segs, "/")
	atLimit := "https://example.com/" + strings.Join(segs[:32], "/") + "/"
	manyParams := "https://example.com/s?" + strings.Repeat("f=1&", 65)
	tests := []struct {
		name  string
		rules Rules
		url   string
		want  string // "" when not a trap
	}{
		{"plain page", Rules{}, "https://example.com/2024/05/story.html?page=2", ""},
		{"long url", Rules{}, long, TrapURLLength},
		{"url at the length limit", Rules{MaxURLLength: len("https://example.com/abc")}, "https://example.com/abc", ""},
		{"url one byte over a custom limit", Rules{MaxURLLength: len("https://example.com/abc") - 1}, "https://example.com/abc", TrapURLLength},
		{"length check off", Rules{MaxURLLength: -1, MaxPathDepth: -1, MaxRepeatedSegments: -1}, long, ""},
		{"deep path", Rules{}, deep, TrapPathDepth},
		{"depth at the limit", Rules{}, atLimit, ""},
		{"custom depth", Rules{MaxPathDepth: 2}, "https://example.com/a/b/c", TrapPathDepth},
		{"trailing slash adds no depth", Rules{MaxPathDepth: 2}, "https://example.com/a/b/", ""},
		{"pair repeated three times", Rules{}, "https://example.com/a/b/a/b/a/b", TrapRepeatedSegments},
		{"pair repeated three times mid-path", Rules{}, "https://example.com/x/cal/2024/cal/2024/cal/2024/y.html", TrapRepeatedSegments},
		{"one segment three times", Rules{}, "https://example.com/images/images/images/logo.png", TrapRepeatedSegments},
		{"pair repeated twice", Rules{}, "https://example.com/a/b/a/b/c", ""},
		{"repeats not in a row", Rules{}, "https://example.com/a/x/a/y/a", ""},
		{"custom repeat count", Rules{MaxRepeatedSegments: 2}, "https://example.com/a/b/a/b/c", TrapRepeatedSegments},
		{"repeat check off", Rules{MaxRepeatedSegments: -1}, "https://example.com/a/a/a/a", ""},
		{"many query parameters", Rules{}, manyParams, TrapQueryParams},
		{"parameters at the limit", Rules{MaxQueryParams: 3}, "https://example.com/s?a=1&b=2&c=3", ""},
		{"one parameter over", Rules{MaxQueryParams: 3}, "https://example.com/s?a=1&b=2&c=3&d=4", TrapQueryParams},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustScope(t, []string{"https://example.com/"}, tt.rules)
			reason, trap := s.Trap(mustCanon(t, tt.url))
			if trap != (tt.want != "") || reason != tt.want {
				t.Errorf("Trap(%.80s) = %q, %v; want %q", tt.url, reason, trap, tt.want)
			}
			if strings.ContainsAny(reason, " \t,") {
				t.Errorf("reason %q cannot be a crawl.log annotation", reason)
			}
		})
	}
}
