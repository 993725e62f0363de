package extract

import "testing"

func TestCSS(t *testing.T) {
	const sheet = "https://news.example/static/css/site.css"
	tests := []struct {
		name string
		css  string
		want []string
	}{
		{"unquoted url", `body{background:url(bg.png)}`,
			[]string{"E css/url https://news.example/static/css/bg.png"}},
		{"double quoted url", `a{background:url("../img/a.png")}`,
			[]string{"E css/url https://news.example/static/img/a.png"}},
		{"single quoted url", `a{background:url('/b.png')}`,
			[]string{"E css/url https://news.example/b.png"}},
		{"spaces inside parens", "a{background:url(  \"c.png\"  )} b{background:url(\n d.png \t)}",
			[]string{"E css/url https://news.example/static/css/c.png", "E css/url https://news.example/static/css/d.png"}},
		{"upper case URL function", `a{background:URL(e.png)}`,
			[]string{"E css/url https://news.example/static/css/e.png"}},
		{"import string", `@import "reset.css";`,
			[]string{"E css/@import https://news.example/static/css/reset.css"}},
		{"import single quoted with media", `@import 'print.css' print;`,
			[]string{"E css/@import https://news.example/static/css/print.css"}},
		{"import url", `@import url(fonts.css);@import url("more.css") screen;`,
			[]string{"E css/@import https://news.example/static/css/fonts.css", "E css/@import https://news.example/static/css/more.css"}},
		{"import upper case with comment", `@IMPORT/* x */"c.css";`,
			[]string{"E css/@import https://news.example/static/css/c.css"}},
		{"font face sources", `@font-face{font-family:F;src:url(f.woff2) format("woff2"),url('f.woff') format("woff")}`,
			[]string{"E css/url https://news.example/static/css/f.woff2", "E css/url https://news.example/static/css/f.woff"}},
		{"strings elsewhere ignored", `a::after{content:"/not-a-url.png"} b{font-family:"x.png"}`, []string{}},
		{"commented out url", `/* a{background:url(old.png)} */ b{background:url(new.png)}`,
			[]string{"E css/url https://news.example/static/css/new.png"}},
		{"unclosed comment", `b{background:url(x.png)} /* url(y.png)`,
			[]string{"E css/url https://news.example/static/css/x.png"}},
		{"escaped paren in unquoted url", `a{background:url(a\)b.png)}`,
			[]string{"E css/url https://news.example/static/css/a)b.png"}},
		{"hex escapes", `a{background:url(\2f abs.png)} b{background:url("sp\20 ace.png")}`,
			[]string{"E css/url https://news.example/abs.png", "E css/url https://news.example/static/css/sp%20ace.png"}},
		{"escaped quote in string", `a{background:url("q\"uote.png")}`,
			[]string{"E css/url https://news.example/static/css/q%22uote.png"}},
		{"line continuation in string", "a{background:url(\"long\\\nname.png\")}",
			[]string{"E css/url https://news.example/static/css/longname.png"}},
		{"escaped function name", `a{background:u\72l(esc.png)}`,
			[]string{"E css/url https://news.example/static/css/esc.png"}},
		{"url-like ident is not url", `a{background:myurl(x.png); b:url2(y.png)}`, []string{}},
		{"bad url with inner space", `a{background:url(a b.png)} c{background:url(ok.png)}`,
			[]string{"E css/url https://news.example/static/css/a%20b.png", "E css/url https://news.example/static/css/ok.png"}},
		{"bad string ends at newline", "a{background:url(\"broken\n.png\")}\nb{background:url(ok.png)}",
			[]string{"E css/url https://news.example/static/css/ok.png"}},
		{"image-set strings", `a{background-image:image-set("s.png" 1x, url(l.png) 2x); b:-webkit-image-set('w.png' 1x)}`,
			[]string{"E css/image-set https://news.example/static/css/s.png", "E css/url https://news.example/static/css/l.png", "E css/image-set https://news.example/static/css/w.png"}},
		{"nested function strings in image-set ignored", `a{b:image-set(type("image/avif") "x.avif" 1x)}`,
			[]string{"E css/image-set https://news.example/static/css/x.avif"}},
		{"data url reported", `a{background:url(data:image/svg+xml;utf8,<svg/>)}`,
			[]string{"E css/url !scheme data:image/svg+xml;utf8,<svg/>"}},
		{"unterminated url at end", `a{background:url(end.png`,
			[]string{"E css/url https://news.example/static/css/end.png"}},
		{"empty urls skipped", `a{background:url()} b{background:url("")}`, []string{}},
		{"duplicates once", `a{background:url(x.png)} b{background:url("x.png")} c{background:url(./x.png)}`,
			[]string{"E css/url https://news.example/static/css/x.png"}},
		{"absolute and protocol relative", `a{background:url(//cdn.example/a.png)} b{background:url(http://other.example/b.png)}`,
			[]string{"E css/url https://cdn.example/a.png", "E css/url http://other.example/b.png"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLinks(t, CSS(mustURL(t, sheet), []byte(tt.css)), tt.want)
		})
	}
}

func TestHTMLStyles(t *testing.T) {
	tests := []struct {
		name string
		html string
		want []string
	}{
		{"style element", `<style>@import "a.css"; .x{background:url(/b.png)}</style>`,
			[]string{"E style/@import https://news.example/world/a.css", "E style/url https://news.example/b.png"}},
		{"style element not entity decoded", `<style>.x{background:url("/a&amp;b.png")}</style>`,
			[]string{"E style/url https://news.example/a&amp;b.png"}},
		{"style attribute entity decoded", `<div style="background-image: url(&quot;/hero.jpg&quot;)">`,
			[]string{"E div/@style https://news.example/hero.jpg"}},
		{"style attribute on unknown element", `<my-card style="background:url(card.png)">`,
			[]string{"E my-card/@style https://news.example/world/card.png"}},
		{"style uses base", `<base href="/assets/"><style>.x{background:url(x.png)}</style>`,
			[]string{"L base/@href https://news.example/assets/", "E style/url https://news.example/assets/x.png"}},
		{"self-closing style still raw text", `<style/>.y{background:url(y.png)}</style><img src=/i.png>`,
			[]string{"E style/url https://news.example/world/y.png", "E img/@src https://news.example/i.png"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLinks(t, HTML(mustURL(t, docURL), []byte(tt.html)).Links, tt.want)
		})
	}
}
