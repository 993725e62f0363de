package scope

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestCanonicalize(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		base string
		want string
	}{
		{"lower-case scheme and host", "HTTP://WWW.Example.COM/Path", "", "http://www.example.com/Path"},
		{"empty path becomes slash", "https://example.com", "", "https://example.com/"},
		{"default http port dropped", "http://example.com:80/a", "", "http://example.com/a"},
		{"default https port dropped", "https://example.com:443/a", "", "https://example.com/a"},
		{"other port kept", "http://example.com:8080/a", "", "http://example.com:8080/a"},
		{"https on port 80 keeps it", "https://example.com:80/", "", "https://example.com:80/"},
		{"dot segments", "http://example.com/a/./b/../c/", "", "http://example.com/a/c/"},
		{"encoded dot segments", "http://example.com/a/%2e%2E/b", "", "http://example.com/b"},
		{"dots above root", "http://example.com/../../a", "", "http://example.com/a"},
		{"fragment dropped", "http://example.com/a?q=1#section-2", "", "http://example.com/a?q=1"},
		{"user info dropped", "http://user:pw@example.com/", "", "http://example.com/"},
		{"unreserved escapes decoded", "http://example.com/%7Euser/%41%62%2D%5F%2E", "", "http://example.com/~user/Ab-_."},
		{"reserved escapes kept and upper-cased", "http://example.com/a%2fb%3a?x=%2b%26%3d", "", "http://example.com/a%2Fb%3A?x=%2B%26%3D"},
		{"unsafe characters encoded", "http://example.com/a|b^c[d]{e}`f\"g h", "", "http://example.com/a%7Cb%5Ec%5Bd%5D%7Be%7D%60f%22g%20h"},
		{"unsafe query characters encoded", "http://example.com/?q=a|b c&s='", "", "http://example.com/?q=a%7Cb%20c&s=%27"},
		{"lone percent encoded", "http://example.com/100%?p=%zz", "", "http://example.com/100%25?p=%25zz"},
		{"utf-8 path encoded", "http://example.com/straße", "", "http://example.com/stra%C3%9Fe"},
		{"invalid utf-8 becomes replacement", "http://example.com/\xff", "", "http://example.com/%EF%BF%BD"},
		{"query order kept", "http://example.com/?b=2&a=1&b=1", "", "http://example.com/?b=2&a=1&b=1"},
		{"empty query dropped", "http://example.com/x?", "", "http://example.com/x"},
		{"empty pairs dropped", "http://example.com/x?a=1&&b=2&", "", "http://example.com/x?a=1&b=2"},
		{"jsessionid path parameter", "http://example.com/shop/cart;JSESSIONID=0A1B2C?item=3", "", "http://example.com/shop/cart?item=3"},
		{"jsessionid before other parameter", "http://example.com/cart;jsessionid=0A;v=2", "", "http://example.com/cart;v=2"},
		{"session query parameters", "http://example.com/x?PHPSESSID=1&a=1&ASPSESSIONIDQQGG=2&sid=3&CFID=4&cftoken=5&JSessionID=6&b=2", "", "http://example.com/x?a=1&b=2"},
		{"only a session id", "http://example.com/x?sid=abc", "", "http://example.com/x"},
		{"session-like names kept", "http://example.com/x?side=1&sids=2&mysid=3", "", "http://example.com/x?side=1&sids=2&mysid=3"},
		{"idn host to punycode", "http://Bücher.Example/", "", "http://xn--bcher-kva.example/"},
		{"full-width idn host", "http://ｅｘａｍｐｌｅ.com/", "", "http://example.com/"},
		{"ipv6 compressed", "http://[0:0:0:0:0:0:0:1]:8080/", "", "http://[::1]:8080/"},
		{"ipv6 default port", "https://[2001:DB8::1]:443/a", "", "https://[2001:db8::1]/a"},
		{"ipv4 hex and short forms", "http://0x7f.1/", "", "http://127.0.0.1/"},
		{"surrounding whitespace and inner newlines", "  http://example.com/a\n\tb  ", "", "http://example.com/ab"},
		{"backslashes are slashes", `http://example.com\a\b`, "", "http://example.com/a/b"},
		{"relative path", "../d/e?y=1", "http://example.com/a/b/c.html?x#f", "http://example.com/a/d/e?y=1"},
		{"protocol-relative", "//Other.Example/p", "https://example.com/a", "https://other.example/p"},
		{"fragment-only link is the base", "#top", "http://example.com/a?x=1#f", "http://example.com/a?x=1"},
		{"query-only link", "?page=2", "http://example.com/list?page=1", "http://example.com/list?page=2"},
		{"absolute link ignores base", "https://b.example/x", "http://a.example/", "https://b.example/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var base *url.URL
			if tt.base != "" {
				var err error
				if base, err = url.Parse(tt.base); err != nil {
					t.Fatal(err)
				}
			}
			u, err := Canonicalize(tt.raw, base)
			if err != nil {
				t.Fatalf("Canonicalize(%q): %v", tt.raw, err)
			}
			if got := Key(u); got != tt.want {
				t.Errorf("Canonicalize(%q) = %s, want %s", tt.raw, got, tt.want)
			}
			again, err := Canonicalize(Key(u), nil)
			if err != nil || Key(again) != Key(u) {
				t.Errorf("canonicalizing %s again gave %v, %v", Key(u), again, err)
			}
		})
	}
}

func TestCanonicalizeRejects(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		target error // nil: any parse error
	}{
		{"mailto", "mailto:news@example.com", ErrUnsupportedScheme},
		{"javascript", "javascript:void(0)", ErrUnsupportedScheme},
		{"data", "data:text/plain,hello", ErrUnsupportedScheme},
		{"ftp", "ftp://example.com/file", ErrUnsupportedScheme},
		{"tel", "tel:+358401234567", ErrUnsupportedScheme},
		{"scheme only", "http://", ErrEmptyHost},
		{"port without host", "http://:8080/", ErrEmptyHost},
		{"relative without base", "/just/a/path", nil},
		{"space in host", "http://exa mple.com/", nil},
		{"brace in host", "http://a{b}.example/", nil},
		{"bad ipv6", "http://[::1/", nil},
		{"port out of range", "http://example.com:70000/", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := Canonicalize(tt.raw, nil)
			if err == nil {
				t.Fatalf("Canonicalize(%q) = %s, want an error", tt.raw, Key(u))
			}
			if tt.target != nil && !errors.Is(err, tt.target) {
				t.Errorf("error %v is not %v", err, tt.target)
			}
			if !strings.Contains(err.Error(), tt.raw) {
				t.Errorf("error %q does not name the URL %q", err, tt.raw)
			}
		})
	}
}

func TestHostKey(t *testing.T) {
	tests := []struct {
		raw, want string
	}{
		{"http://example.com/a", "http://example.com:80"},
		{"http://example.com:80/a", "http://example.com:80"},
		{"https://example.com/", "https://example.com:443"},
		{"http://example.com:8080/", "http://example.com:8080"},
		{"http://[::1]/", "http://[::1]:80"},
		{"https://[2001:db8::1]:8443/", "https://[2001:db8::1]:8443"},
		{"http://xn--bcher-kva.example/", "http://xn--bcher-kva.example:80"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			u, err := Canonicalize(tt.raw, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := HostKey(u); got != tt.want {
				t.Errorf("HostKey(%s) = %s, want %s", tt.raw, got, tt.want)
			}
		})
	}
}
