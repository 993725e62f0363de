package testsite

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

func TestChangePage(t *testing.T) {
	s := New(Options{})
	base := s.Start(t)
	art := s.Articles()[5].Path
	tests := []struct {
		name, path string
	}{
		{"article", art},
		{"front page", "/"},
		{"section page", "/business/page/2/"},
		{"gzip page", PathGzip},
		{"chunked page", PathChunked},
		{"latin-1 page", PathLatin1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fetch(t, base+tt.path, nil).body
			other := fetch(t, base+PathDuplicate, nil).body
			if err := s.ChangePage(tt.path); err != nil {
				t.Fatalf("change page: %v", err)
			}
			after := fetch(t, base+tt.path, nil).body
			if bytes.Equal(before, after) || !bytes.Contains(after, []byte("Correction 1:")) {
				t.Error("body did not change")
			}
			if err := s.ChangePage(tt.path); err != nil {
				t.Fatalf("change page again: %v", err)
			}
			if again := fetch(t, base+tt.path, nil).body; !bytes.Contains(again, []byte("Correction 2:")) {
				t.Error("second change did not show")
			}
			if now := fetch(t, base+PathDuplicate, nil).body; !bytes.Equal(now, other) {
				t.Error("another page changed too")
			}
		})
	}
	refused := []string{"/favicon.ico", PathRedirect, PathNotFound, PathEmbed, "/world/2025/01/01/nothing-1.html", "/calendar?month=2026-01", "relative.html", imagePath("1", 320)}
	for _, p := range refused {
		t.Run("refuses "+p, func(t *testing.T) {
			if err := s.ChangePage(p); !errors.Is(err, ErrNotPage) {
				t.Errorf("err = %v, want ErrNotPage", err)
			}
		})
	}
}

func TestAddArticle(t *testing.T) {
	s := New(Options{})
	base := s.Start(t)
	before := s.Articles()
	expectedBefore := s.ExpectedURLs(base, CrawlSettings{})
	oldPage := fetch(t, base+before[len(before)-1].Path, nil).body
	e := s.AddArticle()
	if got := s.Articles(); len(got) != len(before)+1 || got[len(got)-1] != e {
		t.Fatalf("Articles() does not end with the new article %+v", e)
	}
	if !e.Published.After(before[len(before)-1].Published) {
		t.Errorf("new article dated %v, not after %v", e.Published, before[len(before)-1].Published)
	}
	if r := fetch(t, base+e.Path, nil); r.status != 200 || !bytes.Contains(r.body, []byte(e.Title)) {
		t.Errorf("new article answers %d", r.status)
	}
	if front := fetch(t, base+"/", nil).body; !bytes.Contains(front, []byte(`href="`+e.Path+`"`)) {
		t.Error("front page does not link the new article")
	}
	if !bytes.Equal(fetch(t, base+before[len(before)-1].Path, nil).body, oldPage) {
		t.Error("publishing changed an existing article page")
	}
	expected := s.ExpectedURLs(base, CrawlSettings{})
	for _, u := range expectedBefore {
		if !slices.Contains(expected, u) {
			t.Errorf("%s no longer expected", u)
		}
	}
	if !slices.Contains(expected, base+e.Path) || !slices.Contains(expected, base+imagePath("25", 640)) {
		t.Error("new article or its image is not expected")
	}
	if res := crawlSite(t, base, CrawlSettings{}); len(res.status) != len(expected) {
		t.Errorf("a crawl reaches %d URLs after publishing, ExpectedURLs lists %d", len(res.status), len(expected))
	}
}
