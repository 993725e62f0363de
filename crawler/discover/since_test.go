package discover

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSince(t *testing.T) {
	cut := utc(2026, 1, 5, 0, 0, 0, 0)
	before := cut.Add(-time.Second)
	after := cut.Add(time.Second)
	entries := []Entry{
		{URL: "https://news.example.com/old", Modified: before},
		{URL: "https://news.example.com/new", Modified: after},
		{URL: "https://news.example.com/undated"},
		{URL: "https://news.example.com/on-the-cut-day", Modified: cut},
		// 01:00:01+02:00 is 23:00:01Z the day before the cut: zones
		// compare as instants.
		{URL: "https://news.example.com/old-in-helsinki", Modified: time.Date(2026, 1, 5, 1, 0, 1, 0, time.FixedZone("EET", 2*3600))},
		{URL: "https://news.example.com/sitemap-old.xml", Modified: before, IsSitemap: true},
		{URL: "https://news.example.com/sitemap-new.xml", Modified: after, IsSitemap: true},
		{URL: "https://news.example.com/sitemap-at-cut.xml", Modified: cut, IsSitemap: true},
		{URL: "https://news.example.com/sitemap-undated.xml", IsSitemap: true},
	}
	tests := []struct {
		name string
		cut  time.Time
		want []string
	}{
		{name: "cut between entries", cut: cut, want: []string{
			"https://news.example.com/new",
			"https://news.example.com/undated",
			"https://news.example.com/on-the-cut-day",
			"https://news.example.com/sitemap-new.xml",
			"https://news.example.com/sitemap-at-cut.xml",
			"https://news.example.com/sitemap-undated.xml",
		}},
		{name: "cut before everything", cut: utc(2000, 1, 1, 0, 0, 0, 0), want: []string{
			"https://news.example.com/old",
			"https://news.example.com/new",
			"https://news.example.com/undated",
			"https://news.example.com/on-the-cut-day",
			"https://news.example.com/old-in-helsinki",
			"https://news.example.com/sitemap-old.xml",
			"https://news.example.com/sitemap-new.xml",
			"https://news.example.com/sitemap-at-cut.xml",
			"https://news.example.com/sitemap-undated.xml",
		}},
		{name: "cut after everything keeps the undated", cut: utc(2030, 1, 1, 0, 0, 0, 0), want: []string{
			"https://news.example.com/undated",
			"https://news.example.com/sitemap-undated.xml",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Since(entries, tt.cut)
			var urls []string
			for _, e := range got {
				urls = append(urls, e.URL)
			}
			if strings.Join(urls, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("kept\n%s\nwant\n%s", strings.Join(urls, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
	t.Run("input untouched", func(t *testing.T) {
		Since(entries, cut)
		if entries[0].URL != "https://news.example.com/old" || len(entries) != 9 {
			t.Errorf("Since changed its input: %+v", entries)
		}
	})
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.FixedZone("EET", 2*3600))
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "2026-01-02", want: utc(2026, 1, 2, 0, 0, 0, 0)},
		{in: " 2026-01-02 ", want: utc(2026, 1, 2, 0, 0, 0, 0)},
		{in: "2026-01", want: utc(2026, 1, 1, 0, 0, 0, 0)},
		{in: "2026-01-02T10:30:00Z", want: utc(2026, 1, 2, 10, 30, 0, 0)},
		{in: "2026-01-02T10:30:00.5+02:00", want: utc(2026, 1, 2, 8, 30, 0, 500_000_000)},
		{in: "36h", want: now.Add(-36 * time.Hour)},
		{in: "90m", want: now.Add(-90 * time.Minute)},
		{in: "1h30m", want: now.Add(-90 * time.Minute)},
		{in: "7d", want: now.Add(-7 * 24 * time.Hour)},
		{in: "1d", want: now.Add(-24 * time.Hour)},
		{in: "", wantErr: true},
		{in: "yesterday", wantErr: true},
		{in: "7", wantErr: true},
		{in: "d", wantErr: true},
		{in: "7.5d", wantErr: true},
		{in: "-7d", wantErr: true},
		{in: "0d", wantErr: true},
		{in: "-36h", wantErr: true},
		{in: "0s", wantErr: true},
		{in: "99999999999d", wantErr: true},
		{in: "2026-13-01", wantErr: true},
		{in: "2026-01-02T25:00:00Z", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSince(tt.in, now)
			if tt.wantErr {
				if !errors.Is(err, ErrBadSince) {
					t.Fatalf("ParseSince(%q) = %v, %v; want ErrBadSince", tt.in, got, err)
				}
				if want := `"` + tt.in + `"`; !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name the value %s", err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSince(%q): %v", tt.in, err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("ParseSince(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestChildDepth(t *testing.T) {
	tests := []struct {
		depth   int
		want    int
		wantErr error
	}{
		{depth: 0, want: 1},
		{depth: MaxIndexDepth - 1, want: MaxIndexDepth},
		{depth: MaxIndexDepth, wantErr: ErrIndexTooDeep},
		{depth: MaxIndexDepth + 5, wantErr: ErrIndexTooDeep},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("depth %d", tt.depth), func(t *testing.T) {
			got, err := ChildDepth(tt.depth)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("ChildDepth(%d) error = %v, want %v", tt.depth, err, tt.wantErr)
			}
			if err == nil && got != tt.want {
				t.Errorf("ChildDepth(%d) = %d, want %d", tt.depth, got, tt.want)
			}
		})
	}
	t.Run("a loop of indexes ends", func(t *testing.T) {
		depth, fetched := 0, 0
		for {
			next, err := ChildDepth(depth)
			if err != nil {
				break
			}
			depth, fetched = next, fetched+1
		}
		if fetched != MaxIndexDepth {
			t.Errorf("fetched %d nested levels, want %d", fetched, MaxIndexDepth)
		}
	})
}
