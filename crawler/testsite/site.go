package testsite

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options shape the site. A zero field means its default.
type Options struct {
	Articles int // linked articles (default 24); 5,000 and more serve fine
	Sections int // sections, each paginated by PageSize (default 3)
	// CrawlDelay becomes robots.txt's Crawl-delay line, in seconds; 0 omits
	// the line. Whole seconds read best: that is what most parsers expect.
	CrawlDelay time.Duration
	// Latency delays every response (before its headers), so a crawl takes
	// a while: kill/resume tests need time to kill.
	Latency time.Duration
	// KeepRaw keeps the bytes written for the last request of every path,
	// for RawResponse. Off by default: on a 5,000-article crawl it holds
	// every response in memory.
	KeepRaw bool
}

const (
	defaultArticles = 24
	defaultSections = 3
	// PageSize is how many articles a section page lists: small, so the
	// default 24 articles in 3 sections already span two pages each.
	PageSize = 5
	// latestCount is how many articles the front page, the news sitemap
	// and the feeds list.
	latestCount = 10
)

// Entry describes one article.
type Entry struct {
	Path      string // URL path, e.g. "/world/2025/03/14/harbourton-council-approves-x3.html"
	Title     string
	Section   string // section path name, e.g. "world"
	Published time.Time
}

// article is one story. Linked articles have via == ""; the others are
// reachable only through the source named by via.
type article struct {
	Entry
	key  string // unique, ends the path: "17" for linked articles, "x3" for the others
	seed uint64 // seeds the prose
	sec  int    // index into Site.sections
	pos  int    // index into Site.bySection[sec]; linked articles only
	via  string
}

type section struct{ name, title string }

// Site is the synthetic news site. It implements http.Handler.
type Site struct {
	opts     Options
	sections []section
	only     map[string][]*article // source -> articles reachable only through it
	mux      *http.ServeMux
	// pagePatterns are the routes rendered through the page layout: the
	// pages ChangePage can change.
	pagePatterns map[string]bool
	assets       map[string]asset // fixed files: CSS, JS, fonts, images, video, favicon
	photos       photos           // lead images, drawn on first request
	obs          observer
	raw          recorder

	mu        sync.RWMutex
	linked    []*article   // in publication order
	bySection [][]*article // per section, in publication order
	byMonth   map[string][]*article
	byPath    map[string]*article
	byKey     map[string]*article
	revision  map[string]int // URL path -> times ChangePage was called
}

// ErrNotPage is returned by ChangePage for a path that is not an HTML page
// of the site.
var ErrNotPage = errors.New("not an html page of the test site")

var sectionNames = []string{"world", "business", "culture", "science", "sport", "technology", "climate", "health", "travel", "opinion"}

// firstPublished is when article 1 appeared. Linked articles are spread
// over 2025 and 2026, one step apart.
func firstPublished() time.Time { return time.Date(2025, 1, 1, 7, 30, 0, 0, time.UTC) }

// New builds the site. It costs O(Articles), so 5,000 articles are quick.
func New(opts Options) *Site {
	if opts.Articles <= 0 {
		opts.Articles = defaultArticles
	}
	if opts.Sections <= 0 {
		opts.Sections = defaultSections
	}
	s := &Site{
		opts:      opts,
		only:      map[string][]*article{},
		assets:    newAssets(),
		bySection: make([][]*article, opts.Sections),
		byMonth:   map[string][]*article{},
		byPath:    map[string]*article{},
		byKey:     map[string]*article{},
		revision:  map[string]int{},
	}
	s.raw.keep = opts.KeepRaw
	for i := range opts.Sections {
		if i < len(sectionNames) {
			n := sectionNames[i]
			s.sections = append(s.sections, section{n, string(n[0]-'a'+'A') + n[1:]})
			continue
		}
		n := "section-" + strconv.Itoa(i+1)
		s.sections = append(s.sections, section{n, "Section " + strconv.Itoa(i+1)})
	}
	for range opts.Articles {
		s.addLinked()
	}
	s.addOnlyVia()
	s.mux = s.routes()
	return s
}

// step spaces linked articles so the initial ones cover two years.
func (s *Site) step() time.Duration {
	return (2 * 365 * 24 * time.Hour / time.Duration(s.opts.Articles)).Truncate(time.Minute)
}

func (s *Site) addLinked() *article {
	i := len(s.linked)
	a := s.newArticle(strconv.Itoa(i+1), uint64(i+1), i%len(s.sections), firstPublished().Add(time.Duration(i)*s.step()))
	s.linked = append(s.linked, a)
	a.pos = len(s.bySection[a.sec])
	s.bySection[a.sec] = append(s.bySection[a.sec], a)
	m := a.Published.Format("2006-01")
	s.byMonth[m] = append(s.byMonth[m], a)
	return a
}

// Sources that alone lead to some articles (see OnlyVia).
const (
	SourceSitemap   = "sitemap"    // /sitemaps/pages.xml, the plain child of /sitemap.xml
	SourceSitemapGz = "sitemap-gz" // /sitemaps/archive.xml.gz, the gzip child of /sitemap.xml
	SourceNews      = "news"       // /news-sitemap.xml
	SourceRSS       = "rss"        // /feeds/rss.xml, announced by <link rel=alternate> on the front page
	SourceAtom      = "atom"       // /feeds/atom.xml, likewise
)

// DateCut splits the OnlyVia articles: each source has two published
// before it and two after, so a --since test can cut between them.
const DateCut = "2026-01-01"

var sources = []string{SourceSitemap, SourceSitemapGz, SourceNews, SourceRSS, SourceAtom}

func (s *Site) addOnlyVia() {
	n := 0
	for k, src := range sources {
		for j, month := range []time.Month{11, 12, 13, 14} { // 13 and 14 normalise to 2026
			n++
			at := time.Date(2025, month, 10+2*k, 9, 15*j, 0, 0, time.UTC)
			a := s.newArticle("x"+strconv.Itoa(n), 1_000_000+uint64(n), n%len(s.sections), at)
			a.via = src
			s.only[src] = append(s.only[src], a)
		}
	}
}

func (s *Site) newArticle(key string, seed uint64, sec int, at time.Time) *article {
	title := headline(newRNG(seed))
	a := &article{key: key, seed: seed, sec: sec}
	a.Entry = Entry{
		Path:      fmt.Sprintf("/%s/%s/%s-%s.html", s.sections[sec].name, at.Format("2006/01/02"), slug(title), key),
		Title:     title,
		Section:   s.sections[sec].name,
		Published: at,
	}
	s.byPath[a.Path] = a
	s.byKey[key] = a
	return a
}

// AddArticle publishes one more linked article, dated one step after the
// newest, for incremental-crawl tests. Listings that show it change too.
func (s *Site) AddArticle() Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addLinked().Entry
}

// ChangePage makes the body of the HTML page at path (a URL path without
// query) differ from what it was, for revisit tests. Each call changes it
// again.
func (s *Site) ChangePage(path string) error {
	if !s.isPage(path) {
		return fmt.Errorf("change page %q: %w", path, ErrNotPage)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revision[path]++
	return nil
}

// isPage asks the site itself: path must be served with 200 by a handler
// that renders through the page layout, where revisions show.
func (s *Site) isPage(path string) bool {
	u, err := url.Parse(path)
	if err != nil || u.Path != path || !strings.HasPrefix(path, "/") {
		return false
	}
	r := (&http.Request{Method: http.MethodGet, URL: u, RequestURI: path, Host: "testsite", Header: http.Header{}}).WithContext(context.Background())
	if _, pattern := s.mux.Handler(r); !s.pagePatterns[pattern] {
		return false
	}
	w := httptest.NewRecorder()
	s.mux.ServeHTTP(w, r)
	return w.Code == http.StatusOK
}

// Articles lists the linked articles in publication order.
func (s *Site) Articles() []Entry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return entries(s.linked)
}

// OnlyVia lists the articles that no page links to and that only source
// (one of the Source constants) lists. Each source has four, two published
// before DateCut and two after.
func (s *Site) OnlyVia(source string) []Entry { return entries(s.only[source]) }

func entries(as []*article) []Entry {
	out := make([]Entry, len(as))
	for i, a := range as {
		out[i] = a.Entry
	}
	return out
}
