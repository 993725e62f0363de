package extract

import (
	"bytes"
	"fmt"
	"strings"
)

// newsPage builds a front page shaped like those of the news sites arkisto
// crawls, at least size bytes long: a head of stylesheets, preloads, feeds and
// a large inline analytics script; navigation; teasers with responsive
// pictures, lazy-loading attributes and noscript fallbacks; inline JSON-LD and
// a footer. About a third of the bytes are script and JSON, as on real pages.
func newsPage(size int) []byte {
	var b bytes.Buffer
	b.WriteString(`<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Uutiset – Etusivu</title>
<link rel="canonical" href="https://news.example/">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss/all.xml">
<link rel="alternate" hreflang="sv" href="https://news.example/sv/">
<link rel="preconnect" href="https://img.news-cdn.example">
<link rel="preload" as="font" href="/static/fonts/sans-700.woff2" crossorigin>
<link rel="stylesheet" href="/static/css/main.4f9a1c.css">
<link rel="icon" href="/favicon.ico"><link rel="apple-touch-icon" href="/static/icons/touch-180.png">
<meta property="og:image" content="https://img.news-cdn.example/og/front.jpg">
<style>.hero{background-image:url("/static/img/hero-bg.jpg")}.logo{background:url(/static/img/logo.svg) no-repeat}
@font-face{font-family:Sans;src:url(/static/fonts/sans-400.woff2) format("woff2")}</style>
<script async src="https://analytics.example/tag.js?id=NEWS-1"></script>
<script>`)
	b.WriteString(strings.Repeat(`window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag("config","NEWS-1",{"page_path":location.pathname,"anonymize_ip":true});`, 40))
	b.WriteString("</script></head>\n<body class=\"front\"><header><nav><ul>\n")
	for _, s := range []string{"kotimaa", "ulkomaat", "talous", "politiikka", "kulttuuri", "urheilu", "tiede", "terveys", "tekniikka", "mielipide", "video", "podcastit", "saa", "liikenne", "alueet"} {
		fmt.Fprintf(&b, `<li><a href="/%s" class="nav-link">%s</a></li>`+"\n", s, strings.ToUpper(s[:1])+s[1:])
	}
	b.WriteString("</ul></nav><form action=\"/haku\" role=\"search\"><input name=\"q\" type=\"search\"></form></header>\n<main>\n")
	for i := 0; b.Len() < size*9/10; i++ {
		id := 70000000 + i*37
		img := fmt.Sprintf("https://img.news-cdn.example/images/%d/c_fill,g_auto,w_%%d,h_%%d/story-%d.jpg", id, id)
		fmt.Fprintf(&b, `<article class="teaser" data-id="%d"><a href="/uutiset/%d/artikkeli-otsikko-numero-%d" class="teaser-link">
<picture><source type="image/webp" srcset="%s 480w, %s 960w, %s 1440w" sizes="(max-width: 600px) 100vw, 33vw">
<img src="/static/img/placeholder.gif" data-src="%s" alt="Kuvateksti %d" loading="lazy" width="480" height="270"></picture>
<noscript><img src="%s" alt=""></noscript>
<h2 class="teaser-title">Otsikko numero %d kertoo tapahtumista, jotka koskettavat monia</h2></a>
<p class="lead">Tämä on ingressi, joka kertoo lyhyesti mistä uutisessa on kyse. Lisää tietoa ja taustaa löytyy itse artikkelista, johon pääsee otsikosta.</p>
<footer><a href="/aihe/%d" rel="tag">Aihe %d</a> <time datetime="2025-11-26T08:%02d:00+02:00">8.%02d</time>
<a href="/uutiset/%d/artikkeli-otsikko-numero-%d#kommentit" class="comments">Kommentit</a> <a href="https://share.example/?u=https%%3A%%2F%%2Fnews.example%%2Fuutiset%%2F%d">Jaa</a></footer></article>
`, id, id, i,
			fmt.Sprintf(img, 480, 270), fmt.Sprintf(img, 960, 540), fmt.Sprintf(img, 1440, 810),
			fmt.Sprintf(img, 960, 540), i, fmt.Sprintf(img, 480, 270), i, i%40, i%40, i%60, i%60, id, i, id)
		if i%8 == 7 {
			fmt.Fprintf(&b, `<script type="application/ld+json">{"@context":"https://schema.org","@type":"ItemList","itemListElement":[%s]}</script>`+"\n",
				strings.TrimSuffix(strings.Repeat(fmt.Sprintf(`{"@type":"ListItem","url":"https://news.example/uutiset/%d"},`, id), 12), ","))
			b.WriteString(`<div class="ad" style="background:url('/static/img/ad-frame.png')"><iframe src="https://ads.example/slot?id=front-` + fmt.Sprint(i) + `" width="300" height="250"></iframe></div>` + "\n")
		}
	}
	b.WriteString("</main><footer class=\"site\">\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `<a href="/sivu/%d">Tietoa palvelusta %d</a> <a href="mailto:toimitus@news.example">Toimitus</a> <a href="https://social.example/news">Seuraa</a>`+"\n", i, i)
	}
	b.WriteString(`<script src="/static/js/app.8c1e.js" defer></script></footer></body></html>`)
	return b.Bytes()
}
