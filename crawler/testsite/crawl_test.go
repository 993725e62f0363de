package testsite

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/temoto/robotstxt"
)

// This file holds a small breadth-first crawler written independently of
// the site's model: it finds URLs by parsing what the site serves. The
// tests compare what it fetches with ExpectedURLs.

var (
	cssURL    = regexp.MustCompile(`url\(\s*['"]?([^'")]+?)['"]?\s*\)`)
	cssImport = regexp.MustCompile(`@import\s+['"]([^'"]+)['"]`)
)

type crawlResult struct {
	status    map[string]int      // fetched URL -> status
	refused   map[string]string   // reference -> why it was not fetched
	referrers map[string][]string // URL -> documents that referred to it
}

type queued struct {
	url   string
	depth int
}

func crawlSite(t *testing.T, base string, c CrawlSettings) crawlResult {
	t.Helper()
	maxDepth := c.MaxDepth
	if maxDepth == 0 {
		maxDepth = DefaultMaxDepth
	}
	site, _ := url.Parse(base + "/")
	res := crawlResult{status: map[string]int{}, refused: map[string]string{}, referrers: map[string][]string{}}
	queue := []queued{{base + PathRobots, 0}, {base + "/", 0}}
	seen := map[string]bool{queue[0].url: true, queue[1].url: true}
	var rules *robotstxt.Group
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		r := fetch(t, it.url, http.Header{"Accept-Encoding": {"gzip"}})
		res.status[it.url] = r.status
		body := r.body
		if r.header.Get("Content-Encoding") == "gzip" {
			body = gunzip(t, body)
		}
		doc, _ := url.Parse(it.url)
		var refs []string
		ctype := r.header.Get("Content-Type")
		switch {
		case doc.Path == PathRobots:
			rob, err := robotstxt.FromBytes(body)
			if err != nil {
				t.Fatalf("parse robots.txt: %v", err)
			}
			rules = rob.FindGroup("arkisto")
			if !c.NoSitemaps {
				refs = rob.Sitemaps
			}
		case r.status >= 300 && r.status < 400:
			refs = []string{r.header.Get("Location")}
		case strings.HasPrefix(ctype, "text/html"):
			doc, refs = htmlRefs(t, doc, body, c.NoFeeds)
		case strings.HasPrefix(ctype, "text/css"):
			refs = cssRefs(string(body))
		case ctype == "application/gzip":
			refs = xmlRefs(gunzip(t, body))
		case strings.Contains(ctype, "xml"):
			refs = xmlRefs(body)
		}
		for _, href := range refs {
			u, err := doc.Parse(strings.TrimSpace(href))
			switch {
			case err != nil:
				res.refused[href] = "malformed"
				continue
			case u.Scheme != "http" && u.Scheme != "https":
				res.refused[href] = "scheme"
				continue
			}
			u.Fragment = ""
			abs := u.String()
			switch {
			case seen[abs]:
				res.referrers[abs] = append(res.referrers[abs], it.url)
			case u.Host != site.Host:
				res.refused[abs] = "out of scope"
			case !rules.Test(u.RequestURI()):
				res.refused[abs] = "disallowed"
			case u.Path == PathCalendar && it.depth+1 > maxDepth:
				res.refused[abs] = "too deep"
			default:
				res.referrers[abs] = append(res.referrers[abs], it.url)
				seen[abs] = true
				queue = append(queue, queued{abs, it.depth + 1})
			}
		}
	}
	return res
}

// htmlRefs returns the document's base URL and every reference in it.
func htmlRefs(t *testing.T, doc *url.URL, body []byte, noFeeds bool) (*url.URL, []string) {
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse %s: %v", doc, err)
	}
	if href, ok := d.Find("base[href]").Attr("href"); ok {
		if b, err := doc.Parse(href); err == nil {
			doc = b
		}
	}
	var refs []string
	// <base href> is itself a link, as Heritrix counts it.
	attrs := map[string]string{"base": "href", "a": "href", "link": "href", "img": "src", "source": "src", "iframe": "src", "script": "src", "video": "poster"}
	for tag, attr := range attrs {
		d.Find(tag + "[" + attr + "]").Each(func(_ int, sel *goquery.Selection) {
			typ, _ := sel.Attr("type")
			if tag == "link" && noFeeds && (typ == "application/rss+xml" || typ == "application/atom+xml") {
				return
			}
			refs = append(refs, sel.AttrOr(attr, ""))
		})
	}
	d.Find("img[srcset]").Each(func(_ int, sel *goquery.Selection) {
		for cand := range strings.SplitSeq(sel.AttrOr("srcset", ""), ",") {
			refs = append(refs, strings.Fields(cand)[0])
		}
	})
	d.Find("[style]").Each(func(_ int, sel *goquery.Selection) { refs = append(refs, cssRefs(sel.AttrOr("style", ""))...) })
	d.Find("style").Each(func(_ int, sel *goquery.Selection) { refs = append(refs, cssRefs(sel.Text())...) })
	d.Find(`meta[http-equiv="refresh"]`).Each(func(_ int, sel *goquery.Selection) {
		if _, target, ok := strings.Cut(sel.AttrOr("content", ""), "url="); ok {
			refs = append(refs, target)
		}
	})
	return doc, refs
}

func cssRefs(css string) []string {
	var refs []string
	for _, re := range []*regexp.Regexp{cssURL, cssImport} {
		for _, m := range re.FindAllStringSubmatch(css, -1) {
			refs = append(refs, m[1])
		}
	}
	return refs
}

// xmlRefs reads sitemaps (<loc>, <image:loc>), RSS (<link>text</link>) and
// Atom (<link href>).
func xmlRefs(body []byte) []string {
	var refs []string
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return refs
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "loc" && se.Name.Local != "link" {
			continue
		}
		if href := attr(se, "href"); href != "" {
			refs = append(refs, href)
			continue
		}
		var text string
		if err := dec.DecodeElement(&text, &se); err == nil {
			refs = append(refs, text)
		}
	}
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
