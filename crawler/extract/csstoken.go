package extract

import (
	"bytes"
	"unicode/utf8"
)

type cssTokenKind uint8

const (
	tokEOF cssTokenKind = iota
	tokSpace
	tokString
	tokURL
	tokBadURL
	tokFunction  // val is the name, without "("
	tokAtKeyword // val is the name, without "@"
	tokOpen
	tokClose
	tokOther // idents, numbers, delimiters, bad strings: nothing to extract
)

type cssToken struct {
	kind cssTokenKind
	// val is valid until the next call to next: it may point into the
	// scanner's scratch buffer.
	val []byte
}

// cssScanner is the part of the CSS Syntax Level 3 tokenizer that finding
// URLs needs: comments, strings, url(), names and escapes. Everything else
// comes out as tokOther one byte at a time. It is written here rather than
// taken from a CSS module because that part is small, fully specified, and
// the whole of what extraction needs; no module in go.mod tokenizes CSS.
type cssScanner struct {
	src     []byte
	i       int
	scratch []byte
}

func (s *cssScanner) next() cssToken {
	if s.i >= len(s.src) {
		return cssToken{kind: tokEOF}
	}
	c := s.src[s.i]
	switch {
	case isCSSSpace(c):
		for s.i < len(s.src) && isCSSSpace(s.src[s.i]) {
			s.i++
		}
		return cssToken{kind: tokSpace}
	case c == '/' && s.peek(1) == '*':
		// A comment separates tokens like whitespace does.
		if end := bytes.Index(s.src[s.i+2:], []byte("*/")); end >= 0 {
			s.i += 2 + end + 2
		} else {
			s.i = len(s.src)
		}
		return cssToken{kind: tokSpace}
	case c == '"' || c == '\'':
		s.i++
		return s.str(c)
	case c == '@' && s.startsName(s.i+1):
		s.i++
		return cssToken{kind: tokAtKeyword, val: s.name()}
	case s.startsName(s.i):
		return s.identLike()
	case c == '(':
		s.i++
		return cssToken{kind: tokOpen}
	case c == ')':
		s.i++
		return cssToken{kind: tokClose}
	}
	s.i++
	return cssToken{kind: tokOther}
}

// identLike reads an ident, a function name, or a whole unquoted url().
func (s *cssScanner) identLike() cssToken {
	name := s.name()
	if s.peek(0) != '(' {
		return cssToken{kind: tokOther}
	}
	s.i++
	if !asciiEqualFold(name, "url") {
		return cssToken{kind: tokFunction, val: name}
	}
	for isCSSSpace(s.peek(0)) {
		s.i++
	}
	if q := s.peek(0); q == '"' || q == '\'' {
		return cssToken{kind: tokFunction, val: name}
	}
	return s.unquotedURL()
}

// str reads a string after its opening quote q. A raw newline ends it as a
// bad string, which carries no URL.
func (s *cssScanner) str(q byte) cssToken {
	s.scratch = s.scratch[:0]
	for s.i < len(s.src) {
		c := s.src[s.i]
		switch {
		case c == q:
			s.i++
			return cssToken{kind: tokString, val: s.scratch}
		case isCSSNewline(c):
			return cssToken{kind: tokOther}
		case c == '\\':
			switch {
			case s.i+1 >= len(s.src):
				s.i++
			case isCSSNewline(s.src[s.i+1]):
				// An escaped newline continues the string.
				s.i += 2
				if s.src[s.i-1] == '\r' && s.peek(0) == '\n' {
					s.i++
				}
			default:
				s.i++
				s.escape()
			}
		default:
			s.scratch = append(s.scratch, c)
			s.i++
		}
	}
	// End of input closes an open string.
	return cssToken{kind: tokString, val: s.scratch}
}

// unquotedURL reads the body of url( up to its ")" once leading spaces are
// skipped. Quotes, "(", controls, bad escapes or inner spaces make it a bad
// url, whose raw text up to the ")" is returned for error reporting.
func (s *cssScanner) unquotedURL() cssToken {
	start := s.i
	s.scratch = s.scratch[:0]
	for s.i < len(s.src) {
		c := s.src[s.i]
		switch {
		case c == ')':
			s.i++
			return cssToken{kind: tokURL, val: s.scratch}
		case isCSSSpace(c):
			for isCSSSpace(s.peek(0)) {
				s.i++
			}
			if s.i >= len(s.src) {
				return cssToken{kind: tokURL, val: s.scratch}
			}
			if s.src[s.i] == ')' {
				s.i++
				return cssToken{kind: tokURL, val: s.scratch}
			}
			return s.badURL(start)
		case c == '"' || c == '\'' || c == '(' || isNonPrintable(c):
			return s.badURL(start)
		case c == '\\':
			if !s.validEscape(s.i) {
				return s.badURL(start)
			}
			s.i++
			s.escape()
		default:
			s.scratch = append(s.scratch, c)
			s.i++
		}
	}
	return cssToken{kind: tokURL, val: s.scratch}
}

// badURL consumes the rest of a bad url up to and including ")".
func (s *cssScanner) badURL(start int) cssToken {
	for s.i < len(s.src) {
		switch {
		case s.src[s.i] == ')':
			s.i++
			return cssToken{kind: tokBadURL, val: s.src[start : s.i-1]}
		case s.validEscape(s.i):
			s.i++
			s.escape()
		default:
			s.i++
		}
	}
	return cssToken{kind: tokBadURL, val: s.src[start:]}
}

// name reads an ident's name into a fresh slice of scratch, decoding escapes.
func (s *cssScanner) name() []byte {
	s.scratch = s.scratch[:0]
	for s.i < len(s.src) {
		c := s.src[s.i]
		switch {
		case isNameByte(c):
			s.scratch = append(s.scratch, c)
			s.i++
		case s.validEscape(s.i):
			s.i++
			s.escape()
		default:
			return s.scratch
		}
	}
	return s.scratch
}

// escape decodes the escape whose backslash was just consumed: up to six hex
// digits and one optional space, or the next character itself.
func (s *cssScanner) escape() {
	if s.i >= len(s.src) {
		s.scratch = utf8.AppendRune(s.scratch, utf8.RuneError)
		return
	}
	if !isHex(s.src[s.i]) {
		// Copy the character whole, or the byte when it is not UTF-8.
		_, size := utf8.DecodeRune(s.src[s.i:])
		s.scratch = append(s.scratch, s.src[s.i:s.i+size]...)
		s.i += size
		return
	}
	var r rune
	for n := 0; n < 6 && s.i < len(s.src) && isHex(s.src[s.i]); n++ {
		r = r<<4 | rune(hexValue(s.src[s.i]))
		s.i++
	}
	if c := s.peek(0); isCSSSpace(c) {
		s.i++
		if c == '\r' && s.peek(0) == '\n' {
			s.i++
		}
	}
	if r == 0 || (0xD800 <= r && r <= 0xDFFF) || r > utf8.MaxRune {
		r = utf8.RuneError
	}
	s.scratch = utf8.AppendRune(s.scratch, r)
}

// startsName reports whether an ident starts at i: a name byte that is not
// a digit, or "-" followed by one, or "--", or an escape.
func (s *cssScanner) startsName(i int) bool {
	if i >= len(s.src) {
		return false
	}
	c := s.src[i]
	switch {
	case c == '-':
		n := byte(0)
		if i+1 < len(s.src) {
			n = s.src[i+1]
		}
		return n == '-' || (isNameByte(n) && !isDigit(n)) || s.validEscape(i+1)
	case c == '\\':
		return s.validEscape(i)
	}
	return isNameByte(c) && !isDigit(c)
}

// validEscape reports whether a backslash at i starts an escape.
func (s *cssScanner) validEscape(i int) bool {
	return i+1 < len(s.src) && s.src[i] == '\\' && !isCSSNewline(s.src[i+1])
}

func (s *cssScanner) peek(n int) byte {
	if s.i+n < len(s.src) {
		return s.src[s.i+n]
	}
	return 0
}

// isNameByte accepts every non-ASCII byte, as CSS names take any non-ASCII
// code point.
func isNameByte(c byte) bool {
	return c >= 0x80 || c == '_' || c == '-' || isDigit(c) ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isCSSNewline(c byte) bool { return c == '\n' || c == '\r' || c == '\f' }

func isCSSSpace(c byte) bool { return c == ' ' || c == '\t' || isCSSNewline(c) }

func isNonPrintable(c byte) bool {
	return c <= 0x08 || c == 0x0B || (0x0E <= c && c <= 0x1F) || c == 0x7F
}

func isHex(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func hexValue(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
