package extract

import (
	"fmt"
	"testing"
)

func TestHTMLUnfetchableValues(t *testing.T) {
	tests := []struct {
		href string
		want string
	}{
		{"mailto:desk@news.example", "L a/@href !scheme mailto:desk@news.example"},
		{"javascript:void(0)", "L a/@href !scheme javascript:void(0)"},
		{"JavaScript:history.back()", "L a/@href !scheme JavaScript:history.back()"},
		{"tel:+358401234567", "L a/@href !scheme tel:+358401234567"},
		{"ftp://files.example/a.zip", "L a/@href !scheme ftp://files.example/a.zip"},
		{"data:text/html,hi", "L a/@href !scheme data:text/html,hi"},
		{"whatsapp://send?text=x", "L a/@href !scheme whatsapp://send?text=x"},
		{"file:///etc/passwd", "L a/@href !scheme file:///etc/passwd"},
		{"http://", "L a/@href !malformed http://"},
		{"https://exa mple.com/", "L a/@href !malformed https://exa mple.com/"},
		{"http://[::1/", "L a/@href !malformed http://[::1/"},
		{"http://example.com:99999/", "L a/@href !malformed http://example.com:99999/"},
		{"http://a%zz.example/", "L a/@href !malformed http://a%zz.example/"},
	}
	for _, tt := range tests {
		t.Run(tt.href, func(t *testing.T) {
			body := fmt.Sprintf(`<a href="%s">x</a>`, tt.href)
			page := HTML(mustURL(t, docURL), []byte(body))
			checkLinks(t, page.Links, []string{tt.want})
			if page.Links[0].URL != nil {
				t.Errorf("URL %v set with Err", page.Links[0].URL)
			}
		})
	}
}
