package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

const (
	siteName = "The Benchmark Gazette"
	// pageSize is how many articles a section listing page shows.
	pageSize = 12
	// frontCount is how many of the latest articles the front page lists.
	frontCount = 24
	// relatedCount is how many other articles an article links to.
	relatedCount = 6
)

var sections = []string{"world", "politics", "business", "technology", "science", "culture", "sport", "opinion"}

// Outside hosts whose names do not resolve in the benchmark's sandbox, as
// an archived copy of a real site meets them.
const (
	cdnHost       = "cdn.example-news.com"
	analyticsHost = "static.example-analytics.net"
	wireHost      = "www.example-wire.org"
)

// image is one image file an article shows.
type image struct {
	path          string
	kind          imageKind
	size          int
	width, height int
}

type article struct {
	id        int
	path      string
	title     string
	summary   string
	section   int
	published time.Time
	seed      uint64 // seeds the prose and the image bytes
	htmlSize  int    // the page is padded with prose to about this many bytes
	lead      image
	small     image // the lead at 480 pixels: srcset variant and listing thumbnail
	inline    []image
	related   []int // ids of other articles
}

// site is the whole generated news site; pages counts the HTML pages written.
type site struct {
	seed     uint64
	articles []article
	// bySection lists article ids per section, newest first.
	bySection [][]int
	pages     int
}

func newSite(seed uint64, n int) *site {
	s := &site{seed: seed, bySection: make([][]int, len(sections))}
	start := time.Date(2025, 1, 1, 6, 0, 0, 0, time.UTC)
	for i := range n {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		a := article{
			id:        i,
			section:   i % len(sections),
			published: start.Add(time.Duration(i)*3*time.Hour + time.Duration(rng.IntN(170))*time.Minute),
			seed:      rng.Uint64(),
			htmlSize:  14_000 + rng.IntN(13_000),
		}
		words := headlineWords(rng, 4+rng.IntN(4))
		a.title = capitalize(strings.Join(words, " "))
		a.summary = sentence(rng, 18+rng.IntN(10))
		a.path = fmt.Sprintf("/%s/%s/%s-%d.html", sections[a.section], a.published.Format("2006/01/02"), strings.Join(words, "-"), i)
		imgBase := fmt.Sprintf("/media/%s/%d-%d", a.published.Format("2006/01"), i, rng.IntN(1000))
		a.lead = image{path: imgBase + "-1200.jpg", kind: jpeg, size: logUniform(rng, 15_000, 300_000), width: 1200, height: 675}
		a.small = image{path: imgBase + "-480.jpg", kind: jpeg, size: logUniform(rng, 4_000, 24_000), width: 480, height: 270}
		for k := range rng.IntN(3) {
			kind := png
			if rng.IntN(2) == 0 {
				kind = webp
			}
			a.inline = append(a.inline, image{
				path: fmt.Sprintf("%s-fig%d.%s", imgBase, k+1, kind.ext()),
				kind: kind, size: logUniform(rng, 3_000, 60_000), width: 800, height: 450,
			})
		}
		// Older articles only: links from a page lead back in time, as on a real site.
		for range relatedCount {
			if i > 0 {
				a.related = append(a.related, rng.IntN(i))
			}
		}
		s.articles = append(s.articles, a)
	}
	for i := n - 1; i >= 0; i-- {
		sec := s.articles[i].section
		s.bySection[sec] = append(s.bySection[sec], i)
	}
	return s
}

// logUniform draws from lo to hi with small values more common than large
// ones, as image sizes are.
func logUniform(rng *rand.Rand, lo, hi int) int {
	f := float64(lo)
	for f*1.05 < float64(hi) && rng.IntN(100) < 94 {
		f *= 1.05
	}
	return int(f) + rng.IntN(lo)
}

// listingPath is the URL path of page p (from 1) of a section's listing.
func listingPath(sec, p int) string {
	if p == 1 {
		return "/" + sections[sec] + "/"
	}
	return fmt.Sprintf("/%s/page-%d.html", sections[sec], p)
}

// listingFile is the file that serves listingPath(sec, p).
func listingFile(sec, p int) string {
	if p == 1 {
		return "/" + sections[sec] + "/index.html"
	}
	return listingPath(sec, p)
}

func (s *site) write(w *writer, base string) error {
	if err := s.writeAssets(w, base); err != nil {
		return err
	}
	if err := s.writePage(w, "/index.html", s.frontPage()); err != nil {
		return err
	}
	for _, p := range fixedPages {
		if err := s.writePage(w, p.path, s.layout(p.title, p.body)); err != nil {
			return err
		}
	}
	for sec := range sections {
		pages := (len(s.bySection[sec]) + pageSize - 1) / pageSize
		for p := 1; p <= pages; p++ {
			if err := s.writePage(w, listingFile(sec, p), s.listingPage(sec, p, pages)); err != nil {
				return err
			}
		}
	}
	for i := range s.articles {
		a := &s.articles[i]
		if err := s.writePage(w, a.path, s.articlePage(a)); err != nil {
			return err
		}
		for _, img := range a.images() {
			if err := w.file(img.path, imageBytes(img, a.seed)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *site) writePage(w *writer, path, html string) error {
	s.pages++
	return w.file(path, []byte(html))
}

func (a *article) images() []image {
	return append([]image{a.lead, a.small}, a.inline...)
}
