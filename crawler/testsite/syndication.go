package testsite

import (
	"encoding/xml"
	"net/http"
	"time"
)

type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	GUID        string `xml:"guid"`
	PubDate     string `xml:"pubDate"`
	Description string `xml:"description"`
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title     string   `xml:"title"`
	Link      atomLink `xml:"link"`
	ID        string   `xml:"id"`
	Published string   `xml:"published"`
	Updated   string   `xml:"updated"`
	Summary   string   `xml:"summary"`
}

// feedArticles is what a feed lists: the latest linked articles, newest
// first, then the articles only that feed leads to.
func (s *Site) feedArticles(source string) ([]*article, time.Time) {
	s.mu.RLock()
	latest := s.latest()
	s.mu.RUnlock()
	return append(latest, s.only[source]...), latest[0].Published
}

func (s *Site) serveRSS(w http.ResponseWriter, r *http.Request) {
	base := baseURL(r)
	list, updated := s.feedArticles(SourceRSS)
	ch := rssChannel{Title: siteName, Link: base + "/", Description: "News from the loopback coast", Language: "en", LastBuildDate: updated.Format(time.RFC1123Z)}
	for _, a := range list {
		ch.Items = append(ch.Items, rssItem{Title: a.Title, Link: base + a.Path, GUID: base + a.Path, PubDate: a.Published.Format(time.RFC1123Z), Description: a.standfirst()})
	}
	writeBody(w, http.StatusOK, "application/rss+xml; charset=utf-8", xmlBytes(rss{Version: "2.0", Channel: ch}))
}

func (s *Site) serveAtom(w http.ResponseWriter, r *http.Request) {
	base := baseURL(r)
	list, updated := s.feedArticles(SourceAtom)
	feed := atomFeed{Title: siteName, ID: base + "/", Updated: updated.Format(time.RFC3339),
		Links: []atomLink{{Href: base + PathAtom, Rel: "self"}, {Href: base + "/", Rel: "alternate"}}, Author: atomAuthor{Name: "The newsroom"}}
	for _, a := range list {
		at := a.Published.Format(time.RFC3339)
		feed.Entries = append(feed.Entries, atomEntry{Title: a.Title, Link: atomLink{Href: base + a.Path, Rel: "alternate"}, ID: base + a.Path, Published: at, Updated: at, Summary: a.standfirst()})
	}
	writeBody(w, http.StatusOK, "application/atom+xml; charset=utf-8", xmlBytes(feed))
}
