package extract

import (
	"net/url"
	"strings"
	"testing"
)

func TestHTMLTitle(t *testing.T) {
	long := strings.Repeat("é", MaxTitleBytes) // two bytes each
	tests := []struct {
		name, html, want string
	}{
		{"plain", `<html><head><title>Front page</title></head></html>`, "Front page"},
		{"character references", `<title>Tom &amp; Jerry &#8211; &quot;news&quot;</title>`, `Tom & Jerry – "news"`},
		{"white space collapsed", "<title>\n  Two\t\tlines\r\n here  </title>", "Two lines here"},
		{"markup inside is text", `<title>a <b>bold</b> claim</title>`, "a <b>bold</b> claim"},
		{"first title wins", `<title>One</title><body><title>Two</title>`, "One"},
		{"empty first title wins", `<title></title><title>Two</title>`, ""},
		{"svg title is not the page's", `<body><svg><title>Logo</title></svg><title>Page</title>`, "Page"},
		{"after a self-closing svg", `<svg/><title>Page</title>`, "Page"},
		{"noscript title is not the page's", `<noscript><title>No</title></noscript><title>Yes</title>`, "Yes"},
		{"no title", `<p>hello</p>`, ""},
		{"unclosed title", `<title>Cut off`, "Cut off"},
		{"cut on a character boundary", `<title>` + long + `</title>`, strings.Repeat("é", MaxTitleBytes/2)},
	}
	base, _ := url.Parse("https://news.example/world/")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTML(base, []byte(tt.html)).Title; got != tt.want {
				t.Errorf("title %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHTMLTitleKeepsLinks(t *testing.T) {
	base, _ := url.Parse("https://news.example/")
	page := HTML(base, []byte(`<title>T</title><a href="/a">a</a><svg><title>x</title><image href="/i.png"/></svg><img src="/b.png">`))
	var got []string
	for _, l := range page.Links {
		got = append(got, l.URL.Path)
	}
	if strings.Join(got, " ") != "/a /i.png /b.png" || page.Title != "T" {
		t.Errorf("links %v, title %q", got, page.Title)
	}
}
