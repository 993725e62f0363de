package testsite

import (
	"bytes"
	"encoding/xml"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/temoto/robotstxt"
)

func TestRobots(t *testing.T) {
	tests := []struct {
		name  string
		delay time.Duration
		line  string // the Crawl-delay line, "" for none
	}{
		{"no delay", 0, ""},
		{"one second", time.Second, "Crawl-delay: 1\n"},
		{"three seconds", 3 * time.Second, "Crawl-delay: 3\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := New(Options{CrawlDelay: tt.delay}).Start(t)
			r := fetch(t, base+PathRobots, nil)
			if r.status != 200 || r.header.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Fatalf("got %d %q", r.status, r.header.Get("Content-Type"))
			}
			if has := bytes.Contains(r.body, []byte("Crawl-delay")); has != (tt.line != "") || !bytes.Contains(r.body, []byte(tt.line)) {
				t.Errorf("robots.txt:\n%s\nwant Crawl-delay line %q", r.body, tt.line)
			}
			rob, err := robotstxt.FromBytes(r.body)
			if err != nil {
				t.Fatalf("parse robots.txt: %v", err)
			}
			g := rob.FindGroup("arkisto")
			if g.Test(PathDisallowed) || !g.Test("/") || !g.Test(PathNotFound) || g.CrawlDelay != tt.delay {
				t.Errorf("group for arkisto: /private allowed %v, / allowed %v, delay %v", g.Test(PathDisallowed), g.Test("/"), g.CrawlDelay)
			}
			want := []string{base + PathSitemapIndex, base + PathNewsSitemap}
			if !slices.Equal(rob.Sitemaps, want) {
				t.Errorf("Sitemap lines %v, want %v", rob.Sitemaps, want)
			}
		})
	}
}

// locs returns the text of every element named local (any namespace).
func locs(t *testing.T, doc []byte, local string) []string {
	t.Helper()
	var out []string
	dec := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == local {
			var s string
			if err := dec.DecodeElement(&s, &se); err != nil {
				t.Fatalf("decode <%s>: %v", local, err)
			}
			out = append(out, s)
		}
	}
	return out
}

func TestSitemaps(t *testing.T) {
	s := New(Options{})
	base := s.Start(t)
	onlyURLs := func(src string) []string {
		var out []string
		for _, e := range s.OnlyVia(src) {
			out = append(out, base+e.Path)
		}
		return out
	}
	linked := s.Articles()
	t.Run("index", func(t *testing.T) {
		r := fetch(t, base+PathSitemapIndex, nil)
		got := locs(t, r.body, "loc")
		if want := []string{base + PathSitemapPlain, base + PathSitemapGz}; !slices.Equal(got, want) {
			t.Errorf("index lists %v, want %v", got, want)
		}
	})
	t.Run("plain child", func(t *testing.T) {
		r := fetch(t, base+PathSitemapPlain, nil)
		got := locs(t, r.body, "loc")
		for _, u := range append(onlyURLs(SourceSitemap), base+"/", base+linked[len(linked)-1].Path, base+linked[len(linked)/2].Path) {
			if !slices.Contains(got, u) {
				t.Errorf("plain child lacks %s", u)
			}
		}
		if img := locs(t, r.body, "image"); len(img) != 1 || !bytes.Contains(r.body, []byte("<image:loc>"+base+"/media/img/")) {
			t.Errorf("plain child has %d image entries, want 1", len(img))
		}
	})
	t.Run("gzip child", func(t *testing.T) {
		r := fetch(t, base+PathSitemapGz, nil)
		if r.header.Get("Content-Type") != "application/gzip" || r.header.Get("Content-Encoding") != "" {
			t.Errorf("Content-Type %q, Content-Encoding %q: want a gzip file, not an encoding", r.header.Get("Content-Type"), r.header.Get("Content-Encoding"))
		}
		got := locs(t, gunzip(t, r.body), "loc")
		if want := len(linked)/2 + len(s.OnlyVia(SourceSitemapGz)); len(got) != want {
			t.Errorf("gzip child lists %d URLs, want %d", len(got), want)
		}
		for _, u := range append(onlyURLs(SourceSitemapGz), base+linked[0].Path) {
			if !slices.Contains(got, u) {
				t.Errorf("gzip child lacks %s", u)
			}
		}
	})
	t.Run("news", func(t *testing.T) {
		r := fetch(t, base+PathNewsSitemap, nil)
		got, dates, titles := locs(t, r.body, "loc"), locs(t, r.body, "publication_date"), locs(t, r.body, "title")
		if len(got) != latestCount+4 || len(dates) != len(got) || len(titles) != len(got) {
			t.Fatalf("%d locs, %d dates, %d titles; want %d each", len(got), len(dates), len(titles), latestCount+4)
		}
		for i, e := range s.OnlyVia(SourceNews) {
			j := latestCount + i
			if got[j] != base+e.Path || dates[j] != e.Published.Format(time.RFC3339) || titles[j] != e.Title {
				t.Errorf("entry %d = %s %s %q, want %s %s %q", j, got[j], dates[j], titles[j], base+e.Path, e.Published.Format(time.RFC3339), e.Title)
			}
		}
	})
}

func TestFeeds(t *testing.T) {
	s := New(Options{})
	base := s.Start(t)
	tests := []struct {
		path, source, feedType string
	}{
		{PathRSS, SourceRSS, "rss"},
		{PathAtom, SourceAtom, "atom"},
	}
	for _, tt := range tests {
		t.Run(tt.source, func(t *testing.T) {
			r := fetch(t, base+tt.path, nil)
			feed, err := gofeed.NewParser().ParseString(string(r.body))
			if err != nil {
				t.Fatalf("parse feed: %v", err)
			}
			if feed.FeedType != tt.feedType || len(feed.Items) != latestCount+4 {
				t.Fatalf("feed type %q with %d items, want %q with %d", feed.FeedType, len(feed.Items), tt.feedType, latestCount+4)
			}
			for i, e := range s.OnlyVia(tt.source) {
				it := feed.Items[latestCount+i]
				if it.Link != base+e.Path || it.Title != e.Title || it.PublishedParsed == nil || !it.PublishedParsed.Equal(e.Published) {
					t.Errorf("item %d = %s %q %v, want %s %q %v", i, it.Link, it.Title, it.PublishedParsed, base+e.Path, e.Title, e.Published)
				}
			}
			if !strings.HasPrefix(r.header.Get("Content-Type"), "application/"+tt.feedType+"+xml") {
				t.Errorf("Content-Type = %q", r.header.Get("Content-Type"))
			}
		})
	}
}
