package qa

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"strings"
	"unicode"
)

// channelTolerance is how far (of 65535) a colour channel may move before
// a pixel counts as different: anti-aliasing and font hinting move a few
// levels, a missing image or a shifted column moves many.
const channelTolerance = 0x2000

// PixelDifference compares two PNG screenshots: the share of pixels that
// differ, from 0 (the same) to 1. The part of the larger image outside the
// smaller counts as different.
func PixelDifference(a, b []byte) (float64, error) {
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		return 0, fmt.Errorf("read screenshot: %w", err)
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return 0, fmt.Errorf("read screenshot: %w", err)
	}
	ra, rb := ia.Bounds(), ib.Bounds()
	w, h := min(ra.Dx(), rb.Dx()), min(ra.Dy(), rb.Dy())
	total := max(ra.Dx()*ra.Dy(), rb.Dx()*rb.Dy())
	if total == 0 {
		return 0, nil
	}
	differ := total - w*h
	for y := range h {
		for x := range w {
			if !samePixel(ia, ib, ra.Min.Add(image.Pt(x, y)), rb.Min.Add(image.Pt(x, y))) {
				differ++
			}
		}
	}
	return float64(differ) / float64(total), nil
}

func samePixel(a, b image.Image, pa, pb image.Point) bool {
	r1, g1, b1, a1 := a.At(pa.X, pa.Y).RGBA()
	r2, g2, b2, a2 := b.At(pb.X, pb.Y).RGBA()
	near := func(x, y uint32) bool { return max(x, y)-min(x, y) <= channelTolerance }
	return near(r1, r2) && near(g1, g2) && near(b1, b2) && near(a1, a2)
}

// TextSimilarity compares two texts as bags of words (Dice's coefficient):
// 1 when they hold the same words as often, 0 when they share none. Two
// empty texts are the same.
func TextSimilarity(a, b string) float64 {
	wa, wb := words(a), words(b)
	na, nb := 0, 0
	for _, n := range wa {
		na += n
	}
	for _, n := range wb {
		nb += n
	}
	if na+nb == 0 {
		return 1
	}
	common := 0
	for w, n := range wa {
		common += min(n, wb[w])
	}
	return 2 * float64(common) / float64(na+nb)
}

func words(s string) map[string]int {
	counts := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		counts[w]++
	}
	return counts
}
