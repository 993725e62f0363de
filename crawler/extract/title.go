package extract

import (
	"strings"
	"unicode/utf8"
)

// MaxTitleBytes bounds a page title: a page list entry, not a place for a
// megabyte of text a hostile page put in its <title>.
const MaxTitleBytes = 1024

// pageTitle turns the text of a <title> (the tokenizer has already
// replaced its character references) into what a browser shows:
// runs of ASCII white space become one space, the ends are trimmed, and
// it is cut to MaxTitleBytes on a character boundary.
func pageTitle(text []byte) string {
	if len(text) > 4*MaxTitleBytes {
		text = text[:4*MaxTitleBytes] // enough to fill the limit once collapsed
	}
	title := strings.Join(strings.FieldsFunc(string(text), func(r rune) bool { return r < utf8.RuneSelf && isHTMLSpace(byte(r)) }), " ")
	if len(title) <= MaxTitleBytes {
		return title
	}
	cut := MaxTitleBytes
	for cut > 0 && !utf8.RuneStart(title[cut]) {
		cut--
	}
	return title[:cut]
}
