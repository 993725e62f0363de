package extract

import (
	"slices"
	"testing"
)

func TestSrcsetURLs(t *testing.T) {
	tests := []struct {
		name   string
		srcset string
		want   []string
	}{
		{"single url", "a.jpg", []string{"a.jpg"}},
		{"density descriptors", "a.jpg 1x, b.jpg 2x", []string{"a.jpg", "b.jpg"}},
		{"width descriptors", "s.jpg 480w,m.jpg 800w , l.jpg 1200w", []string{"s.jpg", "m.jpg", "l.jpg"}},
		{"comma inside url", "img.jpg?crop=1,2,3&w=4 1x, img.jpg?crop=5,6 2x", []string{"img.jpg?crop=1,2,3&w=4", "img.jpg?crop=5,6"}},
		{"cdn transform with commas", "https://cdn.example/w_480,h_320,c_fill/a.jpg 480w, https://cdn.example/w_960,h_640/a.jpg 960w",
			[]string{"https://cdn.example/w_480,h_320,c_fill/a.jpg", "https://cdn.example/w_960,h_640/a.jpg"}},
		{"trailing commas end url", "a.jpg,, b.jpg,", []string{"a.jpg", "b.jpg"}},
		{"commas without spaces is one url", "a.jpg,b.jpg", []string{"a.jpg,b.jpg"}},
		{"leading commas and spaces", " , ,\n a.jpg 2x", []string{"a.jpg"}},
		{"newlines and tabs", "a.jpg\t1x,\n\tb.jpg\n2x", []string{"a.jpg", "b.jpg"}},
		{"descriptor with parens and comma", "a.jpg foo(1,2) 1x, b.jpg 2x", []string{"a.jpg", "b.jpg"}},
		{"unclosed paren swallows rest", "a.jpg x(1, b.jpg 2x", []string{"a.jpg"}},
		{"height descriptor", "a.jpg 100w 50h, b.jpg", []string{"a.jpg", "b.jpg"}},
		{"data url with comma", "data:image/png;base64,AAAA 1x, b.png 2x", []string{"data:image/png;base64,AAAA", "b.png"}},
		{"empty", "", nil},
		{"only separators", " , , ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, u := range srcsetURLs([]byte(tt.srcset)) {
				got = append(got, string(u))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("srcsetURLs(%q) = %q, want %q", tt.srcset, got, tt.want)
			}
		})
	}
}
