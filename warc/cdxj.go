package warc

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CDXJLine returns the line pywb's indexer (wb-manager add / reindex, pywb
// 2.10) writes for a record, without the line end:
//
//	SURT TIMESTAMP {"url": ..., "mime": ..., "status": ..., "digest": ..., "length": ..., "offset": ..., "filename": ...}
//
// with pywb's quirks kept: JSON as Python's json.dumps writes it, numbers
// as strings, the sha1 digest without its "sha1:" label, "warc/revisit" as
// the mime of revisits, no status outside response records, and for a
// method other than GET a "method" field plus "__wb_method=..." appended to
// the URL before it is keyed (request bodies are not appended: arkisto
// sends none). Records pywb does not index (request, warcinfo, metadata, a
// record without target URI) give "".
func CDXJLine(w Written) (string, error) {
	switch w.Type {
	case "response", "revisit", "resource":
	default:
		return "", nil
	}
	url := pyString(stripAngles(w.TargetURI))
	if url == "" {
		return "", nil
	}
	method := strings.ToUpper(w.Method)
	keyURL := url
	if method != "" && method != "GET" {
		keyURL = appendMethod(url, method)
	}
	key, err := SURT(keyURL)
	if err != nil {
		return "", fmt.Errorf("make cdxj key for %q: %w", w.TargetURI, err)
	}

	mime := "unk"
	if w.Type == "revisit" {
		mime = "warc/revisit"
	} else if w.MIME != "" {
		mime = w.MIME
		if i := strings.IndexAny(mime, "; "); i >= 0 {
			mime = mime[:i]
		}
	}
	status := ""
	if w.Type == "response" && w.HTTPStatus != 0 {
		status = strconv.Itoa(w.HTTPStatus)
	}
	digest := w.PayloadDigest
	if rest, ok := strings.CutPrefix(digest, "sha1:"); ok {
		digest = rest
	}
	if method == "GET" {
		method = ""
	}
	fields := [][2]string{
		{"url", url},
		{"mime", mime},
		{"status", status},
		{"digest", digest},
		{"length", strconv.FormatInt(w.Length, 10)},
		{"offset", strconv.FormatInt(w.Offset, 10)},
		{"method", method},
		{"filename", pyString(w.File)},
	}
	var b strings.Builder
	b.WriteString(key + " " + w.Date.UTC().Format("20060102150405") + " {")
	first := true
	for _, f := range fields {
		if f[1] == "" || f[1] == "-" {
			continue // pywb drops empty and "-" values
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		writePyJSONString(&b, f[0])
		b.WriteString(": ")
		writePyJSONString(&b, f[1])
	}
	b.WriteString("}")
	return b.String(), nil
}

// appendMethod is pywb's MethodQueryCanonicalizer.append_query without a
// request body.
func appendMethod(url, method string) string {
	sep := "&"
	if !strings.Contains(url, "?") {
		sep = "?"
	}
	return strings.ReplaceAll(url+sep+"__wb_method="+method, "WB_wombat_", "")
}

// stripAngles removes the <> some writers put around WARC-Target-URI, as
// warcio does.
func stripAngles(uri string) string {
	if len(uri) >= 2 && uri[0] == '<' && uri[len(uri)-1] == '>' {
		return uri[1 : len(uri)-1]
	}
	return uri
}

// pyString returns s as warcio decodes a header: UTF-8 when valid, else
// Latin-1, re-encoded as UTF-8.
func pyString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// writePyJSONString writes s the way Python's json.dumps does by default
// (ensure_ascii): only printable ASCII stays, everything else becomes an
// escape with lower-case hex, astral characters as surrogate pairs.
func writePyJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	u4 := func(r rune) {
		b.WriteString(`\u`)
		for shift := 12; shift >= 0; shift -= 4 {
			b.WriteByte(hex[r>>shift&15])
		}
	}
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r >= ' ' && r <= '~':
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			u4(0xd800 | r>>10&0x3ff)
			u4(0xdc00 | r&0x3ff)
		default:
			u4(r)
		}
	}
	b.WriteByte('"')
}
