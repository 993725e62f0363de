package extract

import "testing"

func TestHTMLElements(t *testing.T) {
	tests := []struct {
		name string
		html string
		want []string
	}{
		{"a href relative", `<a href="next.html">x</a>`,
			[]string{"L a/@href https://news.example/world/next.html"}},
		{"a href root and query", `<a href='/?page=2'>`,
			[]string{"L a/@href https://news.example/?page=2"}},
		{"a href unquoted with entity", `<a href=/search?q=a&amp;b=c>`,
			[]string{"L a/@href https://news.example/search?q=a&b=c"}},
		{"a href protocol relative", `<A HREF="//cdn.example/x">`,
			[]string{"L a/@href https://cdn.example/x"}},
		{"a fragment removed", `<a href="other.html#part">`,
			[]string{"L a/@href https://news.example/world/other.html"}},
		{"a fragment only is the page", `<a href="#comments">`,
			[]string{"L a/@href https://news.example/world/story.html?id=7"}},
		{"a empty href skipped", `<a href="">x</a><a href="  ">y</a><a>z</a>`, []string{}},
		{"a xlink in svg", `<svg><a xlink:href="/svg-link">x</a></svg>`,
			[]string{"L a/@href https://news.example/svg-link"}},
		{"area href", `<map><area shape=rect href="/region"></map>`,
			[]string{"L area/@href https://news.example/region"}},
		{"img src", `<img src="/i/a.jpg" alt="">`,
			[]string{"E img/@src https://news.example/i/a.jpg"}},
		{"img src and srcset", `<img src="a.jpg" srcset="a-480.jpg 480w, a-800.jpg 800w">`,
			[]string{
				"E img/@src https://news.example/world/a.jpg",
				"E img/@srcset https://news.example/world/a-480.jpg",
				"E img/@srcset https://news.example/world/a-800.jpg",
			}},
		{"picture sources", `<picture><source type="image/webp" srcset="/p.webp 1x, /p@2x.webp 2x"><img src="/p.jpg"></picture>`,
			[]string{
				"E source/@srcset https://news.example/p.webp",
				"E source/@srcset https://news.example/p@2x.webp",
				"E img/@src https://news.example/p.jpg",
			}},
		{"video and sources", `<video src="/v.mp4" poster="/v.jpg"><source src="/v.webm"><track src="/v.vtt"></video>`,
			[]string{
				"E video/@src https://news.example/v.mp4",
				"E video/@poster https://news.example/v.jpg",
				"E source/@src https://news.example/v.webm",
				"E track/@src https://news.example/v.vtt",
			}},
		{"audio src", `<audio src="/a.mp3" controls></audio>`,
			[]string{"E audio/@src https://news.example/a.mp3"}},
		{"script src", `<script src="/app.js" defer></script><script>var u="/not-extracted.js"</script>`,
			[]string{"E script/@src https://news.example/app.js"}},
		{"iframe is embed", `<iframe src="https://video.example/embed/1"></iframe>`,
			[]string{"E iframe/@src https://video.example/embed/1"}},
		{"frames are embeds", `<frameset><frame src="left.html"><frame src="right.html"></frameset>`,
			[]string{
				"E frame/@src https://news.example/world/left.html",
				"E frame/@src https://news.example/world/right.html",
			}},
		{"embed and object", `<embed src="/e.swf"><object data="/o.pdf" type="application/pdf"></object>`,
			[]string{"E embed/@src https://news.example/e.swf", "E object/@data https://news.example/o.pdf"}},
		{"input image only", `<input type="IMAGE" src="/go.png"><input type="text" src="/no.png">`,
			[]string{"E input/@src https://news.example/go.png"}},
		{"svg image href and xlink", `<svg><image href="/s1.png"/><image xlink:href="/s2.png"/></svg>`,
			[]string{"E image/@href https://news.example/s1.png", "E image/@href https://news.example/s2.png"}},
		{"background attribute", `<body background="/bg.gif"><td background="cell.png">`,
			[]string{"E body/@background https://news.example/bg.gif", "E td/@background https://news.example/world/cell.png"}},
		{"lazy loading attributes", `<img src="data:image/gif;base64,R0lGOD" data-src="/real.jpg" data-srcset="/r1.jpg 1x, /r2.jpg 2x"><div data-original="/d.jpg">`,
			[]string{
				"E img/@src !scheme data:image/gif;base64,R0lGOD",
				"E img/@data-src https://news.example/real.jpg",
				"E img/@data-srcset https://news.example/r1.jpg",
				"E img/@data-srcset https://news.example/r2.jpg",
				"E div/@data-original https://news.example/d.jpg",
			}},
		{"noscript images", `<noscript><img src="/ns.jpg"><a href="/ns.html">x</a></noscript><img src="/after.jpg">`,
			[]string{
				"E img/@src https://news.example/ns.jpg",
				"L a/@href https://news.example/ns.html",
				"E img/@src https://news.example/after.jpg",
			}},
		{"tags inside script and comments ignored", `<script>document.write('<img src="/w.jpg">')</script><!-- <a href="/c.html"> --><textarea><a href="/t.html"></textarea>`,
			[]string{}},
		{"get form action", `<form action="/search"><input name=q></form><form method="get" action="/s2"></form>`,
			[]string{"L form/@action https://news.example/search", "L form/@action https://news.example/s2"}},
		{"post form skipped", `<form method="POST" action="/login"></form>`, []string{}},
		{"same url twice is one link", `<a href="/x">1</a><a href="https://news.example/x">2</a><a href="/x#y">3</a>`,
			[]string{"L a/@href https://news.example/x"}},
		{"same url different kinds kept", `<a href="/p.jpg">big</a><img src="/p.jpg">`,
			[]string{"L a/@href https://news.example/p.jpg", "E img/@src https://news.example/p.jpg"}},
		{"browser fixups", "<a href=\" /a b\\c\t.html \">",
			[]string{"L a/@href https://news.example/a%20b/c.html"}},
		{"idn host", `<a href="https://bücher.example/">`,
			[]string{"L a/@href https://xn--bcher-kva.example/"}},
		{"uppercase tags and attributes", `<IMG SRC="/UP.JPG"><LINK REL="STYLESHEET" HREF="/s.css">`,
			[]string{"E img/@src https://news.example/UP.JPG", "E link/@href https://news.example/s.css"}},
		{"duplicate attribute first wins", `<img src="/first.jpg" src="/second.jpg">`,
			[]string{"E img/@src https://news.example/first.jpg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := HTML(mustURL(t, docURL), []byte(tt.html))
			checkLinks(t, page.Links, tt.want)
		})
	}
}

func TestHTMLLinkRel(t *testing.T) {
	tests := []struct {
		name string
		html string
		want []string
	}{
		{"stylesheet", `<link rel="stylesheet" href="/s.css">`, []string{"E link/@href https://news.example/s.css"}},
		{"alternate stylesheet", `<link rel="alternate stylesheet" href="/alt.css">`, []string{"E link/@href https://news.example/alt.css"}},
		{"shortcut icon", `<link rel="shortcut icon" href="/favicon.ico">`, []string{"E link/@href https://news.example/favicon.ico"}},
		{"apple touch icon", `<link rel=apple-touch-icon href=/t.png>`, []string{"E link/@href https://news.example/t.png"}},
		{"preload font", `<link rel=preload as=font href=/f.woff2 crossorigin>`, []string{"E link/@href https://news.example/f.woff2"}},
		{"preload image set", `<link rel=preload as=image href=/h.jpg imagesrcset="/h-1.jpg 1x, /h-2.jpg 2x">`,
			[]string{
				"E link/@href https://news.example/h.jpg",
				"E link/@imagesrcset https://news.example/h-1.jpg",
				"E link/@imagesrcset https://news.example/h-2.jpg",
			}},
		{"modulepreload", `<link rel=modulepreload href=/m.js>`, []string{"E link/@href https://news.example/m.js"}},
		{"prefetch", `<link rel=prefetch href=/next.js>`, []string{"E link/@href https://news.example/next.js"}},
		{"manifest", `<link rel=manifest href=/site.webmanifest>`, []string{"E link/@href https://news.example/site.webmanifest"}},
		{"rss feed", `<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">`,
			[]string{"L link/@href https://news.example/feed.xml"}},
		{"atom feed with params", `<link rel=ALTERNATE type="Application/Atom+XML; charset=utf-8" href=/atom>`,
			[]string{"L link/@href https://news.example/atom"}},
		{"canonical", `<link rel=canonical href="https://news.example/world/story">`,
			[]string{"L link/@href https://news.example/world/story"}},
		{"alternate language", `<link rel=alternate hreflang=fi href="/fi/story">`,
			[]string{"L link/@href https://news.example/fi/story"}},
		{"amphtml", `<link rel=amphtml href="/amp/story">`, []string{"L link/@href https://news.example/amp/story"}},
		{"pingback skipped", `<link rel=pingback href="/xmlrpc.php">`, []string{}},
		{"connection hints skipped", `<link rel=preconnect href="https://fonts.example"><link rel="dns-prefetch" href="//cdn.example">`, []string{}},
		{"no rel skipped", `<link href="/what.css">`, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := HTML(mustURL(t, docURL), []byte(tt.html))
			checkLinks(t, page.Links, tt.want)
		})
	}
}

func TestHTMLKinds(t *testing.T) {
	body := `<link rel=alternate type=application/rss+xml href=/rss>
<meta http-equiv=refresh content="0;url=/moved">
<a href=/a><img src=/i.png>`
	page := HTML(mustURL(t, docURL), []byte(body))
	want := []struct {
		kind Kind
		hop  byte
		raw  string
	}{
		{Feed, 'L', "/rss"},
		{Refresh, 'R', "/moved"},
		{Navigation, 'L', "/a"},
		{Embed, 'E', "/i.png"},
	}
	if len(page.Links) != len(want) {
		t.Fatalf("got %q", summarize(page.Links))
	}
	for i, w := range want {
		if l := page.Links[i]; l.Kind != w.kind || l.Hop != w.hop || l.Raw != w.raw {
			t.Errorf("link %d: got %v %c %q, want %v %c %q", i, l.Kind, l.Hop, l.Raw, w.kind, w.hop, w.raw)
		}
	}
}

func TestHTMLFormActionsIgnored(t *testing.T) {
	body := []byte(`<form action="/search"></form><a href="/a">`)
	page := Options{IgnoreFormActions: true}.HTML(mustURL(t, docURL), body)
	checkLinks(t, page.Links, []string{"L a/@href https://news.example/a"})
}
