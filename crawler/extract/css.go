package extract

import "bytes"

// cssContexts names where CSS-found URLs came from, per construct.
type cssContexts struct {
	url, imp, imageSet string
}

// blockContexts names URLs of a stylesheet file, or of a <style> element
// when inHTML is set.
func blockContexts(inHTML bool) cssContexts {
	if inHTML {
		return cssContexts{url: "style/url", imp: "style/@import", imageSet: "style/image-set"}
	}
	return cssContexts{url: "css/url", imp: "css/@import", imageSet: "css/image-set"}
}

// scanCSS adds to c, as Embed, every URL a stylesheet or style attribute
// loads: url(...) in its quoted and unquoted forms, @import "x" and
// @import url(x), and the strings of image-set(). It tokenizes as CSS
// Syntax Level 3 does, so URLs in comments are skipped and escapes are
// decoded. A malformed unquoted url(...) (a "bad url" token, which browsers
// ignore) is still added as written: fetching it costs little, and when it
// is no URL at all its resolution reports why.
func scanCSS(css []byte, ctx cssContexts, c *collector) {
	s := cssScanner{src: css}
	depth := 0         // open parentheses and functions
	imageSetDepth := 0 // depth inside the outermost image-set(), or 0
	var afterImport, afterURLFunc bool
	for {
		tok := s.next()
		switch tok.kind {
		case tokEOF:
			return
		case tokSpace:
			continue
		case tokAtKeyword:
			afterImport = bytes.EqualFold(tok.val, []byte("import"))
			afterURLFunc = false
			continue
		case tokURL, tokBadURL:
			if afterImport {
				c.add(tok.val, Embed, ctx.imp)
			} else {
				c.add(tok.val, Embed, ctx.url)
			}
		case tokString:
			switch {
			case afterImport:
				c.add(tok.val, Embed, ctx.imp)
			case afterURLFunc:
				c.add(tok.val, Embed, ctx.url)
			case imageSetDepth > 0 && depth == imageSetDepth:
				c.add(tok.val, Embed, ctx.imageSet)
			}
		case tokFunction:
			depth++
			if bytes.EqualFold(tok.val, []byte("url")) || bytes.EqualFold(tok.val, []byte("src")) {
				// url( followed by a quoted string, or CSS Values 4 src("x");
				// afterImport stays set for @import url("x").
				afterURLFunc = true
				continue
			}
			if imageSetDepth == 0 && (bytes.EqualFold(tok.val, []byte("image-set")) ||
				bytes.EqualFold(tok.val, []byte("-webkit-image-set"))) {
				imageSetDepth = depth
			}
		case tokOpen:
			depth++
		case tokClose:
			if depth == imageSetDepth {
				imageSetDepth = 0
			}
			if depth > 0 {
				depth--
			}
		}
		afterImport, afterURLFunc = false, false
	}
}
