package discover

import (
	"bytes"
	"compress/gzip"
	"errors"
	"testing"
)

func TestSitemap(t *testing.T) {
	index := []Entry{
		{URL: "https://news.example.com/sitemaps/articles-2026-01.xml.gz", Modified: utc(2026, 1, 10, 6, 15, 0, 0), IsSitemap: true},
		{URL: "https://news.example.com/sitemaps/articles-2025-12.xml.gz", Modified: utc(2025, 12, 31, 23, 59, 59, 0), IsSitemap: true},
		{URL: "https://news.example.com/sitemaps/sections.xml", IsSitemap: true},
	}
	lastmod := []Entry{
		{URL: "https://news.example.com/archive/2024", Modified: utc(2024, 1, 1, 0, 0, 0, 0)},
		{URL: "https://news.example.com/archive/2025-06", Modified: utc(2025, 6, 1, 0, 0, 0, 0)},
		{URL: "https://news.example.com/world/", Modified: utc(2026, 1, 2, 0, 0, 0, 0)},
		{URL: "https://news.example.com/politics/budget-vote", Modified: utc(2026, 1, 2, 8, 30, 0, 0)},
		{URL: "https://news.example.com/sport/final-score", Modified: utc(2026, 1, 2, 10, 30, 45, 0)},
		{URL: "https://news.example.com/economy/rates", Modified: utc(2026, 1, 2, 15, 30, 45, 250_000_000)},
		{URL: "https://news.example.com/culture/review", Modified: utc(2026, 1, 2, 10, 30, 45, 0)},
		{URL: "https://news.example.com/search?q=budget&page=2", Modified: utc(2026, 1, 2, 9, 30, 45, 0)},
		{URL: "https://news.example.com/tag?name=a&b", Modified: utc(2026, 1, 2, 10, 30, 45, 0)},
		{URL: "https://news.example.com/weather?city=oulu&days=3"},
		{URL: "https://news.example.com/about"},
	}
	news := []Entry{
		{
			URL:      "https://news.example.com/politics/2026/01/10/coalition-talks",
			Modified: utc(2026, 1, 10, 5, 45, 0, 0),
			Title:    `Coalition talks resume after "productive" weekend`,
		},
		{
			// lastmod is later than the publication date and wins.
			URL:      "https://news.example.com/business/2026/01/10/port-strike",
			Modified: utc(2026, 1, 10, 9, 0, 0, 0),
			Title:    "Port strike: ships wait off the coast & cargo piles up",
		},
	}
	images := []Entry{
		{URL: "https://news.example.com/gallery/northern-lights", Images: []string{
			"https://img.example-cdn.com/2026/01/aurora-1.jpg",
			"https://img.example-cdn.com/2026/01/aurora-2.jpg",
		}},
		{URL: "https://news.example.com/gallery/empty"},
	}
	rss := []Entry{
		{URL: "https://news.example.com/politics/2026/01/10/coalition-talks", Modified: utc(2026, 1, 10, 5, 45, 0, 0), Title: "Coalition talks resume"},
		{URL: "https://news.example.com/business/2026/01/10/port-strike", Modified: utc(2026, 1, 10, 9, 0, 0, 0), Title: "Port strike enters second week"},
		{URL: "https://news.example.com/weather/snow", Title: "Weather: snow in the north"},
	}
	newsXML := readTestdata(t, "sitemaps/news.xml")
	truncatedGzip := gzipBytes(t, readTestdata(t, "sitemaps/index.xml"))
	truncatedGzip = truncatedGzip[:len(truncatedGzip)/2]
	// A stored member keeps the text as is: changing one letter of a URL
	// leaves well-formed XML that only the gzip CRC can tell is wrong.
	flipped := gzipLevel(t, readTestdata(t, "sitemaps/index.xml"), gzip.NoCompression)
	flipped[bytes.Index(flipped, []byte("sections.xml"))] = 'S'
	flippedText := gzipLevel(t, readTestdata(t, "sitemaps/urls.txt"), gzip.NoCompression)
	flippedText[bytes.Index(flippedText, []byte("sport"))] = 'S'

	tests := []struct {
		name        string
		body        []byte
		contentType string
		encoding    string
		want        []Entry
		wantErr     error
		wantMsg     string // a part of the error message
	}{
		{name: "sitemap index", body: readTestdata(t, "sitemaps/index.xml"), contentType: "application/xml", want: index},
		{name: "urlset with lastmod in every W3C form", body: readTestdata(t, "sitemaps/lastmod.xml"), contentType: "text/xml", want: lastmod},
		{name: "google news extension", body: newsXML, contentType: "application/xml", want: news},
		{name: "image extension", body: readTestdata(t, "sitemaps/image.xml"), contentType: "application/xml", want: images},
		{name: "gzip child as application/x-gzip", body: gzipBytes(t, newsXML), contentType: "application/x-gzip", want: news},
		{name: "gzip child mislabelled text/xml", body: gzipBytes(t, newsXML), contentType: "text/xml", want: news},
		{name: "gzip encoding already undone by the client", body: newsXML, contentType: "application/gzip", encoding: "gzip", want: news},
		{name: "gzip file inside gzip encoding", body: gzipBytes(t, gzipBytes(t, newsXML)), contentType: "application/gzip", encoding: "gzip", want: news},
		{name: "declared latin-1", body: readTestdata(t, "sitemaps/latin1.xml"), contentType: "text/xml", want: []Entry{
			{URL: "https://news.example.com/kultur/sommar", Title: "Sommar i Köln"},
		}},
		{name: "plain text", body: readTestdata(t, "sitemaps/urls.txt"), contentType: "text/plain", want: []Entry{
			{URL: "https://news.example.com/world/"},
			{URL: "https://news.example.com/sport/"},
			{URL: "https://news.example.com/culture/review?id=7"},
		}},
		{name: "rss feed as sitemap", body: readTestdata(t, "feeds/rss20.xml"), contentType: "application/rss+xml", want: rss},
		{name: "gzip atom feed as sitemap", body: gzipBytes(t, readTestdata(t, "feeds/atom10.xml")), contentType: "application/gzip", want: []Entry{
			{URL: "https://news.example.com/opinion/tram-line", Modified: utc(2026, 1, 10, 6, 30, 0, 0), Title: "Why the tram line matters"},
			{URL: "https://news.example.com/opinion/letters-snow", Modified: utc(2026, 1, 8, 18, 0, 0, 0), Title: "Letters: <em>snow</em> and schools"},
		}},
		{name: "html page", body: readTestdata(t, "sitemaps/page.html"), contentType: "text/html", wantErr: ErrNotSitemap, wantMsg: "text/html"},
		{name: "html page without doctype", body: readTestdata(t, "sitemaps/page-no-doctype.html"), contentType: "application/xml", wantErr: ErrNotSitemap, wantMsg: "<html>"},
		{name: "html that is not xml", body: []byte("<!doctype html>\n<p class=x>Moved <b>here</p>"), wantErr: ErrNotSitemap, wantMsg: "html"},
		{name: "html that breaks xml before its root", body: []byte("<!DOCTYPE html>\n<!-- nav -- start -->\n<html><body>"), wantErr: ErrNotSitemap, wantMsg: "html page"},
		{name: "broken xml opening with a comment", body: []byte("<!-- generated by CMS -->\n<!-- a -- b -->\n<urlset>"), wantErr: ErrMalformed, wantMsg: "comments"},
		{name: "other xml", body: readTestdata(t, "sitemaps/other.xml"), wantErr: ErrNotSitemap, wantMsg: "xml with root element <configuration>"},
		{name: "empty body", body: []byte(" \r\n"), wantErr: ErrNotSitemap, wantMsg: "empty"},
		{name: "text error page", body: []byte("Not Found\n"), contentType: "text/plain", wantErr: ErrNotSitemap, wantMsg: "first line is not a url"},
		{name: "truncated xml", body: readTestdata(t, "sitemaps/truncated.xml"), wantErr: ErrMalformed, wantMsg: "after 2 entries", want: []Entry{
			{URL: "https://news.example.com/world/"},
			{URL: "https://news.example.com/sport/"},
		}},
		{name: "garbled xml", body: readTestdata(t, "sitemaps/garbled.xml"), wantErr: ErrMalformed, wantMsg: "line 5", want: []Entry{
			{URL: "https://news.example.com/world/"},
			{URL: "https://news.example.com/sport/"},
		}},
		{name: "prolog only", body: []byte(`<?xml version="1.0"?><!-- nothing here -->`), wantErr: ErrMalformed, wantMsg: "no root element"},
		{name: "unknown charset", body: []byte(`<?xml version="1.0" encoding="x-klingon"?><urlset/>`), wantErr: ErrMalformed, wantMsg: "x-klingon"},
		{name: "broken gzip header", body: []byte("\x1f\x8bnot gzip at all"), contentType: "application/x-gzip", wantErr: ErrMalformed, wantMsg: "gzip"},
		{name: "gzip crc mismatch", body: flipped, contentType: "application/x-gzip", wantErr: ErrMalformed, wantMsg: "checksum"},
		{name: "gzip crc mismatch in text", body: flippedText, contentType: "application/x-gzip", wantErr: ErrMalformed, wantMsg: "checksum"},
		{name: "truncated gzip", body: truncatedGzip, contentType: "application/x-gzip", wantErr: ErrMalformed, wantMsg: "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sitemap(bytes.NewReader(tt.body), tt.contentType, tt.encoding, Limits{})
			assertResult(t, got, err, tt.want, tt.wantErr, tt.wantMsg)
		})
	}
}

func TestSitemapTooManyEntries(t *testing.T) {
	lastmod := readTestdata(t, "sitemaps/lastmod.xml") // 11 entries
	tests := []struct {
		name    string
		body    []byte
		max     int
		wantN   int
		wantErr error
	}{
		{name: "urlset over the limit", body: lastmod, max: 3, wantN: 3, wantErr: ErrTooManyEntries},
		{name: "urlset exactly at the limit", body: lastmod, max: 11, wantN: 11},
		{name: "gzip urlset over the limit", body: gzipBytes(t, lastmod), max: 10, wantN: 10, wantErr: ErrTooManyEntries},
		{name: "index over the limit", body: readTestdata(t, "sitemaps/index.xml"), max: 2, wantN: 2, wantErr: ErrTooManyEntries},
		{name: "text over the limit", body: readTestdata(t, "sitemaps/urls.txt"), max: 2, wantN: 2, wantErr: ErrTooManyEntries},
		{name: "text exactly at the limit", body: readTestdata(t, "sitemaps/urls.txt"), max: 3, wantN: 3},
		{name: "feed as sitemap over the limit", body: readTestdata(t, "feeds/rss20.xml"), max: 1, wantN: 1, wantErr: ErrTooManyEntries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all, err := Sitemap(bytes.NewReader(tt.body), "", "", Limits{})
			if err != nil {
				t.Fatalf("parse without a small limit: %v", err)
			}
			got, err := Sitemap(bytes.NewReader(tt.body), "", "", Limits{MaxEntries: tt.max})
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if len(got) != tt.wantN {
				t.Fatalf("got %d entries, want %d", len(got), tt.wantN)
			}
			assertEntries(t, got, all[:tt.wantN])
		})
	}
}
