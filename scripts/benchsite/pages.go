package main

import (
	"fmt"
	"html"
	"math/rand/v2"
	"strings"
)

// fixedPages are the few pages every news site has besides its articles.
// search.html is disallowed by robots.txt, so a polite crawler skips it.
var fixedPages = []struct{ path, title, body string }{
	{"/about.html", "About us", "<h1>About us</h1>\n<p>" + siteName + " is a newspaper made of generated words, for benchmarks.</p>\n"},
	{"/contact.html", "Contact", "<h1>Contact</h1>\n<p>Write to the newsroom at newsroom@example-news.com.</p>\n"},
	{"/search.html", "Search", "<h1>Search</h1>\n<form action=\"/search.html\"><input name=\"q\"></form>\n"},
}

// layout wraps a page body in the site's head, masthead and footer.
func (s *site) layout(title, body string) string {
	var b strings.Builder
	b.Grow(len(body) + 3000)
	fmt.Fprintf(&b, `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s | %s</title>
<link rel="stylesheet" href="/static/site.css">
<link rel="icon" href="/favicon.ico">
<script src="/static/app.js" defer></script>
</head>
<body>
<header class="masthead">
<a class="logo" href="/"><img src="/static/img/logo.png" alt="%s" width="320" height="60"></a>
<nav class="sections"><ul>
`, html.EscapeString(title), siteName, siteName)
	for sec, name := range sections {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", listingPath(sec, 1), capitalize(name))
	}
	b.WriteString("<li><a href=\"/search.html\">Search</a></li>\n</ul></nav>\n</header>\n<main>\n")
	b.WriteString(body)
	b.WriteString(`</main>
<footer class="site-footer">
<p><a href="/about.html">About us</a> · <a href="/contact.html">Contact</a> · <a href="/">Front page</a></p>
<p class="legal">Every article here is generated. Reproduction for benchmarking is encouraged.</p>
</footer>
</body>
</html>
`)
	return b.String()
}

// teaser is an article's entry in a listing: thumbnail, headline, summary.
func (s *site) teaser(b *strings.Builder, a *article) {
	fmt.Fprintf(b, `<article class="teaser">
<a href="%s"><img src="%s" alt="" width="%d" height="%d" loading="lazy"></a>
<h2><a href="%s">%s</a></h2>
<time datetime="%s">%s</time>
<p>%s</p>
</article>
`, a.path, a.small.path, a.small.width, a.small.height, a.path, html.EscapeString(a.title),
		a.published.Format("2006-01-02T15:04Z"), a.published.Format("2 January 2006"), html.EscapeString(a.summary))
}

func (s *site) frontPage() string {
	var b strings.Builder
	b.WriteString("<h1>Latest news</h1>\n<section class=\"latest\">\n")
	for i := len(s.articles) - 1; i >= 0 && i >= len(s.articles)-frontCount; i-- {
		s.teaser(&b, &s.articles[i])
	}
	b.WriteString("</section>\n")
	return s.layout("Front page", b.String())
}

func (s *site) listingPage(sec, p, pages int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<h1>%s</h1>\n<section class=\"listing\">\n", capitalize(sections[sec]))
	ids := s.bySection[sec][(p-1)*pageSize : min(p*pageSize, len(s.bySection[sec]))]
	for _, id := range ids {
		s.teaser(&b, &s.articles[id])
	}
	b.WriteString("</section>\n<nav class=\"pagination\">\n")
	if p > 1 {
		fmt.Fprintf(&b, "<a rel=\"prev\" href=\"%s\">Newer</a>\n", listingPath(sec, p-1))
	}
	for q := 1; q <= pages; q++ {
		if q == p {
			fmt.Fprintf(&b, "<span class=\"current\">%d</span>\n", q)
			continue
		}
		fmt.Fprintf(&b, "<a href=\"%s\">%d</a>\n", listingPath(sec, q), q)
	}
	if p < pages {
		fmt.Fprintf(&b, "<a rel=\"next\" href=\"%s\">Older</a>\n", listingPath(sec, p+1))
	}
	b.WriteString("</nav>\n")
	title := capitalize(sections[sec])
	if p > 1 {
		title = fmt.Sprintf("%s, page %d", title, p)
	}
	return s.layout(title, b.String())
}

func (s *site) articlePage(a *article) string {
	rng := rand.New(rand.NewPCG(a.seed, 0))
	var b strings.Builder
	fmt.Fprintf(&b, `<article class="story">
<p class="kicker"><a href="%s">%s</a></p>
<h1>%s</h1>
<p class="byline">By %s · <time datetime="%s">%s</time></p>
<figure class="lead">
<img src="%s" srcset="%s 480w, %s 1200w" sizes="(max-width: 600px) 480px, 1200px" alt="%s" width="%d" height="%d">
<figcaption>%s</figcaption>
</figure>
<p class="standfirst">%s</p>
`, listingPath(a.section, 1), capitalize(sections[a.section]), html.EscapeString(a.title),
		capitalize(strings.Join(headlineWords(rng, 2), " ")),
		a.published.Format("2006-01-02T15:04Z"), a.published.Format("2 January 2006, 15:04"),
		a.lead.path, a.small.path, a.lead.path, html.EscapeString(a.title), a.lead.width, a.lead.height,
		sentence(rng, 10), html.EscapeString(a.summary))
	s.outsideEmbeds(&b, a)
	// Prose up to the page's size, with the inline figures spread through it.
	related := s.relatedList(a)
	for par := 0; b.Len()+len(related)+2500 < a.htmlSize; par++ {
		b.WriteString("<p>")
		for range 3 + rng.IntN(4) {
			b.WriteString(sentence(rng, 8+rng.IntN(14)))
			b.WriteByte(' ')
		}
		b.WriteString("</p>\n")
		if par%4 == 3 && par/4 < len(a.inline) {
			img := a.inline[par/4]
			fmt.Fprintf(&b, "<figure><img src=\"%s\" alt=\"\" width=\"%d\" height=\"%d\" loading=\"lazy\"><figcaption>%s</figcaption></figure>\n",
				img.path, img.width, img.height, sentence(rng, 8))
		}
	}
	b.WriteString("</article>\n")
	b.WriteString(related)
	return s.layout(a.title, b.String())
}

// outsideEmbeds adds the requisites and links on other hosts that some
// articles carry: wire photos on a CDN, an analytics script, a source link.
func (s *site) outsideEmbeds(b *strings.Builder, a *article) {
	if a.id%4 == 0 {
		fmt.Fprintf(b, "<figure class=\"wire\"><img src=\"https://%s/wire/%d.jpg\" alt=\"\" width=\"640\" height=\"360\"></figure>\n", cdnHost, a.id)
	}
	if a.id%10 == 3 {
		fmt.Fprintf(b, "<script async src=\"https://%s/tag.js?site=gazette\"></script>\n", analyticsHost)
	}
	if a.id%5 == 1 {
		fmt.Fprintf(b, "<p class=\"source\">Source: <a href=\"https://%s/story/%d\">wire report</a></p>\n", wireHost, a.id)
	}
}

func (s *site) relatedList(a *article) string {
	var b strings.Builder
	b.WriteString("<aside class=\"related\">\n<h2>Related</h2>\n<ul>\n")
	if a.id+1 < len(s.articles) {
		next := &s.articles[a.id+1]
		fmt.Fprintf(&b, "<li><a rel=\"next\" href=\"%s\">%s</a></li>\n", next.path, html.EscapeString(next.title))
	}
	for _, id := range a.related {
		r := &s.articles[id]
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", r.path, html.EscapeString(r.title))
	}
	b.WriteString("</ul>\n</aside>\n")
	return b.String()
}
