package extract

import "testing"

func TestHTMLBase(t *testing.T) {
	tests := []struct {
		name string
		html string
		want []string
	}{
		{"absolute base",
			`<base href="https://cdn.example/assets/"><img src="a.png">`,
			[]string{"L base/@href https://cdn.example/assets/", "E img/@src https://cdn.example/assets/a.png"}},
		{"relative base resolved against the document",
			`<base href="../archive/2024/"><a href="jan.html">`,
			[]string{"L base/@href https://news.example/archive/2024/", "L a/@href https://news.example/archive/2024/jan.html"}},
		{"base applies to links before it",
			`<a href="early.html"></a><base href="/b/"><a href="late.html">`,
			[]string{"L a/@href https://news.example/b/early.html", "L base/@href https://news.example/b/", "L a/@href https://news.example/b/late.html"}},
		{"only the first base counts",
			`<base href="/first/"><base href="/second/"><a href="x">`,
			[]string{"L base/@href https://news.example/first/", "L base/@href https://news.example/second/", "L a/@href https://news.example/first/x"}},
		{"base without href is skipped",
			`<base target="_blank"><base href="/real/"><a href="x">`,
			[]string{"L base/@href https://news.example/real/", "L a/@href https://news.example/real/x"}},
		{"base without trailing slash",
			`<base href="https://news.example/section/index.html"><a href="item">`,
			[]string{"L base/@href https://news.example/section/index.html", "L a/@href https://news.example/section/item"}},
		{"unsupported base falls back to the document",
			`<base href="javascript:void(0)"><a href="x.html">`,
			[]string{"L base/@href !scheme javascript:void(0)", "L a/@href https://news.example/world/x.html"}},
		{"malformed base falls back to the document",
			`<base href="http://bad host/"><a href="x.html">`,
			[]string{"L base/@href !malformed http://bad host/", "L a/@href https://news.example/world/x.html"}},
		{"base in body still counts",
			`<body><p><base href="/late/"><img src="i.png">`,
			[]string{"L base/@href https://news.example/late/", "E img/@src https://news.example/late/i.png"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLinks(t, HTML(mustURL(t, docURL), []byte(tt.html)).Links, tt.want)
		})
	}
}

func TestHTMLBaseSameTextAsLink(t *testing.T) {
	body := `<base href="sub/"><a href="sub/">`
	checkLinks(t, HTML(mustURL(t, docURL), []byte(body)).Links, []string{
		"L base/@href https://news.example/world/sub/",
		"L a/@href https://news.example/world/sub/sub/",
	})
}
