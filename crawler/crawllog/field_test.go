package crawllog

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestFieldEscapesRawValues(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "-"},
		{"http://example.com/a?b=c", "http://example.com/a?b=c"},
		{"http://exa mple.com/", "http://exa+mple.com/"},
		{"a\tb\r\nc", "a+b++c"},
		{"http://x/\x1b[31mred", "http://x/%1B[31mred"},
		{"http://x/\x00\x7f", "http://x/%00%7F"},
		{"http://x/\xff\xfe", "http://x/%FF%FE"},
		{"http://x/\u0085", "http://x/%C2%85"}, // a C1 control, NEL
		{"http://x/a\u00a0b\u2005c\u2028", "http://x/a%C2%A0b%E2%80%85c%E2%80%A8"},
		{"http://bücher.de/ü", "http://bücher.de/ü"},
	}
	for _, tt := range tests {
		if got := field(tt.in); got != tt.want {
			t.Errorf("field(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Whatever a raw URL holds, its crawl.log line is one line of twelve
// space-separated columns.
func TestLogLineKeepsItsColumns(t *testing.T) {
	e := Entry{Status: StatusUnsupported, URL: "ht!tp://x/ y\n\x1b\x00\xff", Hops: "LR", Via: "http://a/ b", Annotations: []string{"malformed-url"}}
	line := Format(time.Now(), e)
	if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
		t.Fatalf("line %q is not one line", line)
	}
	f := strings.Fields(line)
	if len(f) != 12 || f[3] != "ht!tp://x/+y+%1B%00%FF" || f[5] != "http://a/+b" {
		t.Errorf("columns %q", f)
	}
}

// FuzzField: whatever a raw value holds, its column is one word of
// printable UTF-8.
func FuzzField(f *testing.F) {
	for _, s := range []string{"http://[::1", "http://exa mple.com/", "ht!tp://x/", "a\r\nb", "\x1b[2J", "\xff\xfe", "\u0085\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := field(s)
		if out == "" || !utf8.ValidString(out) {
			t.Fatalf("field(%q) = %q: empty or not UTF-8", s, out)
		}
		for _, r := range out {
			if unicode.IsSpace(r) || unicode.IsControl(r) {
				t.Fatalf("field(%q) = %q holds %q", s, out, r)
			}
		}
	})
}
