package discover

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// utf8BOM may open a sitemap written by Windows tools.
const utf8BOM = "\xef\xbb\xbf"

// Sitemap parses a sitemaps.org sitemap: an XML urlset or sitemapindex, a
// plain-text list of URLs, or an RSS or Atom feed, all of which the protocol
// accepts. Gzip is undone by sniffing the body, so contentType and
// contentEncoding only label error messages; a client may or may not have
// undone Content-Encoding already and either is fine.
//
// Errors: ErrNotSitemap for an HTML page or any other document,
// ErrMalformed for broken XML or gzip, ErrTooLarge once the decompressed body
// passes limits.MaxBytes, ErrTooManyEntries past limits.MaxEntries. With
// these errors Sitemap still returns the entries it completed before them, so
// ErrTooManyEntries comes with exactly the first MaxEntries; whether a
// partial list is worth using is the caller's choice. A gzip checksum
// mismatch, found only at the end, returns no entries: any may be corrupt.
//
// Sitemap reads r as it parses; r should be a body already fetched (a spool
// or buffer), since parsing has no context to cancel a slow read.
func Sitemap(r io.Reader, contentType, contentEncoding string, limits Limits) ([]Entry, error) {
	limits = limits.withDefaults()
	served := servedAs(contentType, contentEncoding)
	body, err := plainBody(r, limits.MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("open sitemap %s: %w", served, err)
	}
	first, err := skipBlank(body)
	switch {
	case errors.Is(err, io.EOF):
		return nil, fmt.Errorf("%w: empty body %s", ErrNotSitemap, served)
	case err != nil:
		return nil, readError("read sitemap "+served, err, limits)
	case first == '<':
		return xmlSitemap(body, served, limits)
	default:
		return textSitemap(body, served, limits)
	}
}

// skipBlank discards a byte order mark and leading white space, and peeks at
// the first byte that follows: '<' for XML, anything else for plain text.
func skipBlank(r *bufio.Reader) (byte, error) {
	if head, _ := r.Peek(len(utf8BOM)); string(head) == utf8BOM {
		if _, err := r.Discard(len(utf8BOM)); err != nil {
			return 0, err
		}
	}
	for {
		c, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c, r.UnreadByte()
	}
}

// readError classifies a failed read of the decompressed body: the size limit
// or a broken gzip stream. Syntax errors come wrapped by the parsers.
func readError(doing string, err error, limits Limits) error {
	if errors.Is(err, ErrTooLarge) {
		return fmt.Errorf("%s: more than %d bytes: %w", doing, limits.MaxBytes, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrMalformed, doing, err)
}

// tooMany is the error that comes with the first MaxEntries entries.
func tooMany(limits Limits) error {
	return fmt.Errorf("stop after %d entries: %w", limits.MaxEntries, ErrTooManyEntries)
}

// looksLikeHTML tells an HTML page from other or broken XML by its start.
// http.DetectContentType is no help here: it calls anything opening with a
// comment HTML, and many sitemaps open with a generator comment.
func looksLikeHTML(prefix []byte) bool {
	head := bytes.ToLower(prefix[:min(len(prefix), 4096)])
	return bytes.Contains(head, []byte("<!doctype html")) || bytes.Contains(head, []byte("<html"))
}

// servedAs labels error messages with what the server claimed the body was.
func servedAs(contentType, contentEncoding string) string {
	label := "served as " + contentType
	if contentType == "" {
		label = "served without content type"
	}
	if contentEncoding != "" {
		label += ", encoding " + contentEncoding
	}
	return "(" + label + ")"
}

// rewindable records what is read through it until stop is called, so that a
// body found to be a feed after its root element can be read again from the
// start while a real sitemap streams without being held in memory.
type rewindable struct {
	r         io.Reader
	seen      bytes.Buffer
	recording bool
}

func (w *rewindable) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if w.recording {
		w.seen.Write(p[:n])
	}
	return n, err
}

func (w *rewindable) stop() {
	w.recording = false
	w.seen = bytes.Buffer{}
}

// all returns the whole body: what was recorded, then the rest.
func (w *rewindable) all() ([]byte, error) {
	rest, err := io.ReadAll(w.r)
	return append(w.seen.Bytes(), rest...), err
}
