package extract

import (
	"bytes"
	"strings"
)

// refreshURL returns the URL of a meta refresh content value, following the
// HTML "shared declarative refresh steps": a delay ("0", "5.5"), an optional
// ";" or ",", an optional case-insensitive "url" and "=", and an optionally
// quoted URL. It reports false when the value names no URL (a plain reload)
// or has no delay, since browsers then do not navigate.
func refreshURL(content []byte) ([]byte, bool) {
	s := skipHTMLSpace(content)
	digits := 0
	for digits < len(s) && isDigit(s[digits]) {
		digits++
	}
	if digits == 0 && (len(s) == 0 || s[0] != '.') {
		return nil, false
	}
	s = s[digits:]
	for len(s) > 0 && (isDigit(s[0]) || s[0] == '.') {
		s = s[1:]
	}
	s = skipHTMLSpace(s)
	if len(s) > 0 && (s[0] == ';' || s[0] == ',') {
		s = skipHTMLSpace(s[1:])
	}
	if len(s) == 0 {
		return nil, false
	}
	urlString := s
	if len(s) >= 3 && bytes.EqualFold(s[:3], []byte("url")) {
		rest := skipHTMLSpace(s[3:])
		if len(rest) > 0 && rest[0] == '=' {
			urlString = unquote(skipHTMLSpace(rest[1:]))
		}
	} else {
		urlString = unquote(s)
	}
	if len(trimSpaceControls(urlString)) == 0 {
		return nil, false
	}
	return urlString, true
}

// unquote strips a leading quote and cuts at its match, if any.
func unquote(s []byte) []byte {
	if len(s) == 0 || (s[0] != '"' && s[0] != '\'') {
		return s
	}
	q := s[0]
	s = s[1:]
	if i := bytes.IndexByte(s, q); i >= 0 {
		s = s[:i]
	}
	return s
}

// robotsDirectives reads a robots meta content value such as
// "noindex, nofollow"; "none" means both.
func robotsDirectives(content []byte) (noFollow, noIndex bool) {
	for _, d := range bytes.FieldsFunc(content, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
	}) {
		switch strings.ToLower(string(d)) {
		case "nofollow":
			noFollow = true
		case "noindex":
			noIndex = true
		case "none":
			noFollow, noIndex = true, true
		}
	}
	return noFollow, noIndex
}

func skipHTMLSpace(s []byte) []byte {
	for len(s) > 0 && isHTMLSpace(s[0]) {
		s = s[1:]
	}
	return s
}

func isDigit(c byte) bool {
	return '0' <= c && c <= '9'
}
