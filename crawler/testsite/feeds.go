package testsite

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Discovery documents. Sitemaps are announced only by robots.txt, feeds
// only by the front page's <link rel="alternate">: no page links them.
const (
	PathRobots       = "/robots.txt"
	PathSitemapIndex = "/sitemap.xml"
	PathSitemapPlain = "/sitemaps/pages.xml"      // plain child: newer half of the linked articles + SourceSitemap
	PathSitemapGz    = "/sitemaps/archive.xml.gz" // gzip file child: older half + SourceSitemapGz
	PathNewsSitemap  = "/news-sitemap.xml"        // Google News: latest linked articles + SourceNews
)

// baseURL is the site's origin as the client named it, for the documents
// that need absolute URLs.
func baseURL(r *http.Request) string { return "http://" + r.Host }

func (s *Site) serveRobots(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString("# The Arkisto Herald\nUser-agent: *\nDisallow: /private/\n")
	if d := s.opts.CrawlDelay; d > 0 {
		b.WriteString("Crawl-delay: " + strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "\n")
	}
	b.WriteString("\n# A bot the site has had enough of.\nUser-agent: GreedyBot\nDisallow: /\n\n")
	b.WriteString("Sitemap: " + baseURL(r) + PathSitemapIndex + "\n")
	b.WriteString("Sitemap: " + baseURL(r) + PathNewsSitemap + "\n")
	writeBody(w, http.StatusOK, "text/plain; charset=utf-8", []byte(b.String()))
}

const (
	sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
	imageNS   = "http://www.google.com/schemas/sitemap-image/1.1"
	newsNS    = "http://www.google.com/schemas/sitemap-news/0.9"
)

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"sitemapindex"`
	NS       string       `xml:"xmlns,attr"`
	Sitemaps []sitemapRef `xml:"sitemap"`
}

type sitemapRef struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// encoding/xml writes prefixed names as given, so the image and news
// namespaces are spelled out as attributes and prefixed element names.
type urlSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	ImageNS string       `xml:"xmlns:image,attr,omitempty"`
	NewsNS  string       `xml:"xmlns:news,attr,omitempty"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string        `xml:"loc"`
	LastMod string        `xml:"lastmod,omitempty"`
	Image   *sitemapImage `xml:"image:image,omitempty"`
	News    *newsEntry    `xml:"news:news,omitempty"`
}

type sitemapImage struct {
	Loc string `xml:"image:loc"`
}

type newsEntry struct {
	Publication struct {
		Name     string `xml:"news:name"`
		Language string `xml:"news:language"`
	} `xml:"news:publication"`
	PublicationDate string `xml:"news:publication_date"`
	Title           string `xml:"news:title"`
}

func xmlBytes(v any) []byte {
	b, err := xml.MarshalIndent(v, "", " ")
	if err != nil {
		// The types above always marshal; keep the reason visible if not.
		return []byte("<!-- marshal failed: " + err.Error() + " -->")
	}
	return append([]byte(xml.Header), append(b, '\n')...)
}

func (s *Site) serveSitemapIndex(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	newest := s.linked[len(s.linked)-1].Published.Format(time.RFC3339)
	s.mu.RUnlock()
	idx := sitemapIndex{NS: sitemapNS, Sitemaps: []sitemapRef{
		{Loc: baseURL(r) + PathSitemapPlain, LastMod: newest},
		{Loc: baseURL(r) + PathSitemapGz},
	}}
	writeBody(w, http.StatusOK, "application/xml; charset=utf-8", xmlBytes(idx))
}

func articleURL(base string, a *article) sitemapURL {
	return sitemapURL{Loc: base + a.Path, LastMod: a.Published.Format(time.RFC3339)}
}

// serveSitemapPlain lists the front and section pages, the newer half of
// the linked articles (the newest with an image entry) and SourceSitemap.
func (s *Site) serveSitemapPlain(w http.ResponseWriter, r *http.Request) {
	base := baseURL(r)
	set := urlSet{NS: sitemapNS, ImageNS: imageNS}
	set.URLs = append(set.URLs, sitemapURL{Loc: base + "/"})
	for _, sec := range s.sections {
		set.URLs = append(set.URLs, sitemapURL{Loc: base + sectionPagePath(sec.name, 1)})
	}
	s.mu.RLock()
	newer := reversed(s.linked[len(s.linked)/2:])
	for i, a := range newer {
		u := articleURL(base, a)
		if i == 0 {
			u.Image = &sitemapImage{Loc: base + imagePath(a.key, imageWidths[len(imageWidths)-1])}
		}
		set.URLs = append(set.URLs, u)
	}
	s.mu.RUnlock()
	for _, a := range s.only[SourceSitemap] {
		set.URLs = append(set.URLs, articleURL(base, a))
	}
	writeBody(w, http.StatusOK, "application/xml; charset=utf-8", xmlBytes(set))
}

// serveSitemapGz is a gzip file, not a gzip-encoded response: servers send
// .xml.gz sitemaps as application/gzip with no Content-Encoding.
func (s *Site) serveSitemapGz(w http.ResponseWriter, r *http.Request) {
	base := baseURL(r)
	set := urlSet{NS: sitemapNS}
	s.mu.RLock()
	for _, a := range s.linked[:len(s.linked)/2] {
		set.URLs = append(set.URLs, articleURL(base, a))
	}
	s.mu.RUnlock()
	for _, a := range s.only[SourceSitemapGz] {
		set.URLs = append(set.URLs, articleURL(base, a))
	}
	writeBody(w, http.StatusOK, "application/gzip", gzipBytes(xmlBytes(set)))
}

func (s *Site) serveNewsSitemap(w http.ResponseWriter, r *http.Request) {
	base := baseURL(r)
	set := urlSet{NS: sitemapNS, NewsNS: newsNS}
	s.mu.RLock()
	latest := s.latest()
	s.mu.RUnlock()
	for _, a := range append(latest, s.only[SourceNews]...) {
		n := &newsEntry{PublicationDate: a.Published.Format(time.RFC3339), Title: a.Title}
		n.Publication.Name, n.Publication.Language = siteName, "en"
		set.URLs = append(set.URLs, sitemapURL{Loc: base + a.Path, News: n})
	}
	writeBody(w, http.StatusOK, "application/xml; charset=utf-8", xmlBytes(set))
}
