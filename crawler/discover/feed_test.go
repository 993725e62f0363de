package discover

import (
	"testing"
)

func TestFeed(t *testing.T) {
	rss20 := readTestdata(t, "feeds/rss20.xml")
	truncated := rss20[:len(rss20)/2]
	tests := []struct {
		name    string
		body    []byte
		limits  Limits
		want    []Entry
		wantErr error
		wantMsg string
	}{
		{name: "rss 2.0", body: rss20, want: []Entry{
			{URL: "https://news.example.com/politics/2026/01/10/coalition-talks", Modified: utc(2026, 1, 10, 5, 45, 0, 0), Title: "Coalition talks resume"},
			// No <link>: the guid is the permalink, and atom:updated is
			// later than pubDate.
			{URL: "https://news.example.com/business/2026/01/10/port-strike", Modified: utc(2026, 1, 10, 9, 0, 0, 0), Title: "Port strike enters second week"},
			{URL: "https://news.example.com/weather/snow", Title: "Weather: snow in the north"},
		}},
		{name: "rss 0.91", body: readTestdata(t, "feeds/rss091.xml"), want: []Entry{
			{URL: "https://news.example.com/local/tram-line", Title: "Council approves new tram line"},
			{URL: "https://news.example.com/local/library-sundays", Title: "Library opens on Sundays"},
		}},
		{name: "rss 1.0 rdf", body: readTestdata(t, "feeds/rss10.rdf"), want: []Entry{
			{URL: "https://news.example.com/science/comet", Modified: utc(2026, 1, 9, 3, 30, 0, 0), Title: "Comet visible at dawn"},
			{URL: "https://news.example.com/science/glacier", Title: "Glacier retreat measured"},
		}},
		{name: "atom 1.0", body: readTestdata(t, "feeds/atom10.xml"), want: []Entry{
			// rel=alternate among self, edit, enclosure and related links;
			// updated is later than published.
			{URL: "https://news.example.com/opinion/tram-line", Modified: utc(2026, 1, 10, 6, 30, 0, 0), Title: "Why the tram line matters"},
			// A link without rel is an alternate link.
			{URL: "https://news.example.com/opinion/letters-snow", Modified: utc(2026, 1, 8, 18, 0, 0, 0), Title: "Letters: <em>snow</em> and schools"},
		}},
		{name: "json feed", body: []byte(`{"version": "https://jsonfeed.org/version/1.1", "title": "Example News", "items": [
			{"id": "1", "url": "https://news.example.com/world/quake", "title": "Quake felt in the capital", "date_published": "2026-01-10T04:00:00Z"}]}`),
			want: []Entry{{URL: "https://news.example.com/world/quake", Modified: utc(2026, 1, 10, 4, 0, 0, 0), Title: "Quake felt in the capital"}}},
		{name: "gzip rss 2.0", body: gzipBytes(t, rss20), limits: Limits{MaxEntries: 2}, wantErr: ErrTooManyEntries, want: []Entry{
			{URL: "https://news.example.com/politics/2026/01/10/coalition-talks", Modified: utc(2026, 1, 10, 5, 45, 0, 0), Title: "Coalition talks resume"},
			{URL: "https://news.example.com/business/2026/01/10/port-strike", Modified: utc(2026, 1, 10, 9, 0, 0, 0), Title: "Port strike enters second week"},
		}},
		{name: "more items than the limit", body: readTestdata(t, "feeds/rss091.xml"), limits: Limits{MaxEntries: 1}, wantErr: ErrTooManyEntries, want: []Entry{
			{URL: "https://news.example.com/local/tram-line", Title: "Council approves new tram line"},
		}},
		{name: "larger than the byte limit", body: rss20, limits: Limits{MaxBytes: 100}, wantErr: ErrTooLarge, wantMsg: "100 bytes"},
		{name: "html page", body: readTestdata(t, "sitemaps/page.html"), wantErr: ErrNotFeed},
		{name: "sitemap", body: readTestdata(t, "sitemaps/news.xml"), wantErr: ErrNotFeed},
		{name: "empty", body: nil, wantErr: ErrNotFeed},
		{name: "truncated rss", body: truncated, wantErr: ErrMalformed, wantMsg: "parse feed"},
		{name: "broken gzip", body: []byte("\x1f\x8b\x08\x00broken"), wantErr: ErrMalformed, wantMsg: "gzip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Feed(tt.body, tt.limits)
			assertResult(t, got, err, tt.want, tt.wantErr, tt.wantMsg)
		})
	}
}
