package discover

import (
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

// xmlSitemap streams a urlset or sitemapindex, or hands an RSS or Atom body
// to Feed.
func xmlSitemap(body io.Reader, served string, limits Limits) ([]Entry, error) {
	src := &rewindable{r: body, recording: true}
	dec := xml.NewDecoder(src)
	// Real sitemaps carry bare '&' in query strings and HTML entities; the
	// lenient mode passes them through instead of rejecting the whole file.
	// A truncated or garbled document still fails.
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	dec.CharsetReader = charset.NewReaderLabel

	root, err := rootElement(dec)
	if err != nil {
		if looksLikeHTML(src.seen.Bytes()) {
			return nil, fmt.Errorf("%w: html page %s", ErrNotSitemap, served)
		}
		return nil, readError("find sitemap root element "+served, err, limits)
	}
	name := strings.ToLower(root.Name.Local)
	switch name {
	case "urlset", "sitemapindex":
	case "rss", "rdf", "feed":
		data, err := src.all()
		if err != nil {
			return nil, readError("read feed listed as sitemap "+served, err, limits)
		}
		entries, err := Feed(data, limits)
		if errors.Is(err, ErrNotFeed) {
			return nil, fmt.Errorf("%w: root element <%s> %s: %w", ErrNotSitemap, root.Name.Local, served, err)
		}
		if err != nil {
			return entries, fmt.Errorf("parse feed listed as sitemap: %w", err)
		}
		return entries, nil
	default:
		kind := "xml"
		if name == "html" || looksLikeHTML(src.seen.Bytes()) {
			kind = "html page"
		}
		return nil, fmt.Errorf("%w: %s with root element <%s> %s", ErrNotSitemap, kind, root.Name.Local, served)
	}
	src.stop()

	p := sitemapParser{limits: limits, path: []string{name}}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF // the root element never closed
		}
		if err != nil {
			return p.entries, readError(fmt.Sprintf("parse sitemap xml after %d entries %s", len(p.entries), served), err, limits)
		}
		done, err := p.take(tok)
		if err != nil {
			return p.entries, err
		}
		if done {
			// Reading to the end makes gzip check its CRC: a flipped bit
			// may still be well-formed XML, with a wrong URL in it, so a
			// mismatch discredits every entry.
			_, err := io.Copy(io.Discard, src)
			if errors.Is(err, gzip.ErrChecksum) {
				return nil, readError("read past the sitemap root "+served, err, limits)
			}
			if err != nil {
				return p.entries, readError("read past the sitemap root "+served, err, limits)
			}
			return p.entries, nil
		}
	}
}

// rootElement skips the prolog (declaration, comments, doctype) and returns
// the first element.
func rootElement(dec *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return xml.StartElement{}, errors.New("no root element")
		}
		if err != nil {
			return xml.StartElement{}, err
		}
		if start, ok := tok.(xml.StartElement); ok {
			return start, nil
		}
	}
}

// sitemapParser builds entries from the tokens inside the root element.
// Elements are matched by local name and position, not namespace, because
// many sitemaps declare the image and news prefixes wrongly or not at all.
type sitemapParser struct {
	limits  Limits
	entries []Entry
	path    []string // local names of the open elements, root first
	cur     Entry
	text    strings.Builder
}

// take applies one token and reports whether the root element has closed.
func (p *sitemapParser) take(tok xml.Token) (bool, error) {
	switch t := tok.(type) {
	case xml.StartElement:
		p.path = append(p.path, t.Name.Local)
		p.text.Reset()
		if len(p.path) == 2 {
			p.cur = Entry{}
		}
	case xml.CharData:
		if len(p.path) >= 3 {
			p.text.Write(t)
		}
	case xml.EndElement:
		var err error
		switch len(p.path) {
		case 1:
			return true, nil
		case 2:
			err = p.endEntry()
		default:
			p.endField()
		}
		p.path = p.path[:len(p.path)-1]
		return false, err
	}
	return false, nil
}

// endEntry keeps the entry whose <url> or <sitemap> just closed. Either kind
// is taken under either root, as some generators mix them up.
func (p *sitemapParser) endEntry() error {
	switch p.path[1] {
	case "url":
	case "sitemap":
		p.cur.IsSitemap = true
	default:
		return nil
	}
	if p.cur.URL == "" {
		return nil
	}
	if len(p.entries) == p.limits.MaxEntries {
		return tooMany(p.limits)
	}
	p.entries = append(p.entries, p.cur)
	return nil
}

// endField stores the text of a closed element if it is one Entry carries.
func (p *sitemapParser) endField() {
	text := strings.TrimSpace(p.text.String())
	p.text.Reset()
	switch strings.Join(p.path[1:], "/") {
	case "url/loc", "sitemap/loc":
		p.cur.URL = text
	case "url/lastmod", "sitemap/lastmod", "url/news/publication_date":
		if t, ok := parseW3C(text); ok && t.After(p.cur.Modified) {
			p.cur.Modified = t
		}
	case "url/news/title":
		p.cur.Title = text
	case "url/image/loc":
		if text != "" {
			p.cur.Images = append(p.cur.Images, text)
		}
	}
}
