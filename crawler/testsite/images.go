package testsite

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// photoCount is how many distinct pictures the site draws. Encoding a
// PNG costs milliseconds (tens under the race detector), so articles
// share pictures and each image differs only by a text chunk naming its
// article: bytes and digests stay unique per URL, work stays bounded.
const photoCount = 16

// photos caches the encoded pictures, at most photoCount per width.
type photos struct {
	mu      sync.Mutex
	encoded map[[2]int][]byte // {photo, width} -> PNG
}

func (p *photos) get(photo, width int) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := [2]int{photo, width}
	if b, ok := p.encoded[k]; ok {
		return b
	}
	if p.encoded == nil {
		p.encoded = map[[2]int][]byte{}
	}
	b := drawPNG(width, width*9/16, uint64(100+photo))
	p.encoded[k] = b
	return b
}

// serveImage sends an article's lead image at one of its widths.
func (s *Site) serveImage(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".png")
	key, width, cut := strings.Cut(name, "-")
	s.mu.RLock()
	a := s.byKey[key]
	s.mu.RUnlock()
	wd, err := strconv.Atoi(width)
	if !ok || !cut || a == nil || err != nil || !slices.Contains(imageWidths, wd) || width != strconv.Itoa(wd) {
		s.notFound(w, r)
		return
	}
	img := withText(s.photos.get(int(a.seed%photoCount), wd), "Comment", "The Arkisto Herald, lead image of article "+a.key)
	writeBody(w, http.StatusOK, "image/png", img)
}

// withText inserts a tEXt chunk right after the IHDR chunk, which a PNG
// always starts with (8-byte signature, then 25 bytes of IHDR).
func withText(pngBytes []byte, keyword, text string) []byte {
	const afterIHDR = 8 + 4 + 4 + 13 + 4
	data := []byte(keyword + "\x00" + text)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	chunk = append(chunk, "tEXt"...)
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := make([]byte, 0, len(pngBytes)+len(chunk))
	out = append(out, pngBytes[:afterIHDR]...)
	out = append(out, chunk...)
	return append(out, pngBytes[afterIHDR:]...)
}

// drawPNG paints a small landscape (a sky and a sea shaded top to bottom,
// a shore and a sun) whose colours and sun position follow seed: a real
// PNG any decoder reads.
func drawPNG(w, h int, seed uint64) []byte {
	rg := newRNG(seed)
	tint := func(lo, span int) uint8 { return uint8(lo + rg.intn(span)) }
	sky := color.RGBA{tint(130, 60), tint(170, 50), tint(215, 40), 255}
	sea := color.RGBA{tint(20, 50), tint(60, 60), tint(100, 60), 255}
	shore := color.RGBA{tint(110, 70), tint(100, 60), tint(60, 40), 255}
	sun := color.RGBA{240, tint(160, 60), 40, 255}
	// More than 16 colours make the encoder use 8 bits a pixel, which it
	// copies row by row; fewer make it pack bits pixel by pixel, which the
	// race detector slows to a crawl.
	const shades = 8
	var pal color.Palette
	for _, c := range []color.RGBA{sky, sea} {
		for i := range shades {
			f := func(v uint8) uint8 { return uint8(int(v) * (100 - 3*i) / 100) }
			pal = append(pal, color.RGBA{f(c.R), f(c.G), f(c.B), 255})
		}
	}
	pal = append(pal, shore, sun, color.Black)
	bands := make([][]byte, len(pal))
	for i := range bands {
		bands[i] = bytes.Repeat([]byte{byte(i)}, w)
	}
	img := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	cx, cy, r := w/5+rg.intn(w*3/5+1), h/4, max(1, h/8)
	for y := range h {
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		switch {
		case y >= h*3/4:
			copy(row, bands[2*shades])
		case y >= h/2:
			copy(row, bands[shades+(y-h/2)*shades/(h-h/2)])
		default:
			copy(row, bands[y*shades/(h/2+1)])
			if dy := y - cy; dy*dy <= r*r {
				half := int(math.Sqrt(float64(r*r - dy*dy)))
				copy(row[max(0, cx-half):min(w, cx+half+1)], bands[2*shades+1])
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	_ = enc.Encode(&buf, img) // a bounded paletted image into a buffer encodes
	return buf.Bytes()
}
