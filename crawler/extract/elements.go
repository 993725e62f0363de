package extract

import (
	"bytes"
	"strings"

	"golang.org/x/net/html/atom"
)

// element extracts from the attributes of one start tag: first those of its
// own kind, then those that carry URLs on any element.
func (w *walker) element(a atom.Atom, name []byte) {
	w.ownAttributes(a)
	w.anyElement(a, name)
}

// ownAttributes handles the URL attributes particular to an element.
func (w *walker) ownAttributes(a atom.Atom) {
	switch a {
	case atom.A:
		w.hrefOrXlink(Navigation, "a/@href")
	case atom.Area:
		w.addAttr("href", Navigation, "area/@href")
	case atom.Link:
		w.link()
	case atom.Img:
		w.addAttr("src", Embed, "img/@src")
		w.addSrcset("srcset", "img/@srcset")
	case atom.Source:
		w.addAttr("src", Embed, "source/@src")
		w.addSrcset("srcset", "source/@srcset")
	case atom.Script:
		w.addAttr("src", Embed, "script/@src")
	case atom.Iframe:
		w.addAttr("src", Embed, "iframe/@src")
	case atom.Frame:
		w.addAttr("src", Embed, "frame/@src")
	case atom.Video:
		w.addAttr("src", Embed, "video/@src")
		w.addAttr("poster", Embed, "video/@poster")
	case atom.Audio:
		w.addAttr("src", Embed, "audio/@src")
	case atom.Track:
		w.addAttr("src", Embed, "track/@src")
	case atom.Embed:
		w.addAttr("src", Embed, "embed/@src")
	case atom.Object:
		w.addAttr("data", Embed, "object/@data")
	case atom.Input:
		if t, _ := w.get("type"); bytes.EqualFold(bytes.TrimSpace(t), []byte("image")) {
			w.addAttr("src", Embed, "input/@src")
		}
	case atom.Image:
		// SVG's <image>; the tokenizer keeps the name the tree builder
		// would rewrite to img.
		w.hrefOrXlink(Embed, "image/@href")
	case atom.Meta:
		w.meta()
	case atom.Base:
		w.base()
	case atom.Form:
		w.form()
	}
}

// hasOwnURLAttributes reports the elements ownAttributes handles.
func hasOwnURLAttributes(a atom.Atom) bool {
	switch a {
	case atom.A, atom.Area, atom.Link, atom.Img, atom.Source, atom.Script, atom.Iframe,
		atom.Frame, atom.Video, atom.Audio, atom.Track, atom.Embed, atom.Object,
		atom.Input, atom.Image, atom.Meta, atom.Base, atom.Form:
		return true
	}
	return false
}

// mayHaveAnyElementURL reports whether a raw tag may hold an attribute that
// anyElement handles; a false positive only costs reading the attributes.
func mayHaveAnyElementURL(rawTag []byte) bool {
	return containsFold(rawTag, "style") || containsFold(rawTag, "background") || containsFold(rawTag, "data-")
}

// containsFold reports whether b contains the lower-case ASCII word, in any
// case.
func containsFold(b []byte, word string) bool {
	for i := 0; i+len(word) <= len(b); i++ {
		if asciiEqualFold(b[i:i+len(word)], word) {
			return true
		}
	}
	return false
}

// anyElement handles the attributes Heritrix reads on every element: inline
// style, the old background attribute of body and tables, and the data-*
// attributes of lazy-loading scripts, without which an archived news page
// shows placeholders.
func (w *walker) anyElement(a atom.Atom, name []byte) {
	for _, at := range w.attrs {
		switch string(at.key) {
		case "style":
			ctx := elementName(a, name) + "/@style"
			scanCSS(at.val, cssContexts{url: ctx, imp: ctx, imageSet: ctx}, w.c)
		case "background", "data-src", "data-original", "data-lazy",
			"data-lazy-src", "data-full-src", "data-src-small", "data-src-medium":
			w.c.add(at.val, Embed, elementName(a, name)+"/@"+string(at.key))
		case "data-srcset", "data-original-set", "data-lazy-srcset", "data-full-srcset":
			ctx := elementName(a, name) + "/@" + string(at.key)
			for _, u := range srcsetURLs(at.val) {
				w.c.add(u, Embed, ctx)
			}
		}
	}
}

// hrefOrXlink adds href, or SVG 1.1's xlink:href when href is absent.
func (w *walker) hrefOrXlink(kind Kind, context string) {
	if v, ok := w.get("href"); ok {
		w.c.add(v, kind, context)
		return
	}
	w.addAttr("xlink:href", kind, context)
}

// link classifies <link> by its rel keywords.
func (w *walker) link() {
	href, ok := w.get("href")
	if !ok {
		return
	}
	rel, _ := w.get("rel")
	typ, _ := w.get("type")
	kind, ok := linkKind(rel, typ)
	if !ok {
		return
	}
	w.c.add(href, kind, "link/@href")
	if kind == Embed {
		// <link rel=preload as=image imagesrcset=...> preloads responsive
		// images the way <img srcset> loads them.
		w.addSrcset("imagesrcset", "link/@imagesrcset")
	}
}

// linkKind maps rel keywords (and the type of an alternate) to a Kind; false
// means the link is not fetched at all.
func linkKind(rel, typ []byte) (Kind, bool) {
	var alternate, navigate bool
	for _, k := range bytes.Fields(rel) {
		switch strings.ToLower(string(k)) {
		case "stylesheet", "icon", "apple-touch-icon", "apple-touch-icon-precomposed",
			"mask-icon", "manifest", "preload", "modulepreload", "prefetch", "prerender":
			return Embed, true
		case "pingback":
			// A pingback URL is an XML-RPC endpoint for POSTs.
			return 0, false
		case "dns-prefetch", "preconnect":
			// Connection hints name an origin, not a resource.
		case "alternate":
			alternate = true
			navigate = true
		default:
			navigate = true
		}
	}
	if alternate && isFeedType(typ) {
		return Feed, true
	}
	return Navigation, navigate
}

// isFeedType reports whether a MIME type names an RSS, Atom or JSON feed.
func isFeedType(typ []byte) bool {
	switch mediaType(string(typ)) {
	case "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json":
		return true
	}
	return false
}

// meta reads refresh targets and robots directives.
func (w *walker) meta() {
	content, ok := w.get("content")
	if !ok {
		return
	}
	if equiv, _ := w.get("http-equiv"); bytes.EqualFold(bytes.TrimSpace(equiv), []byte("refresh")) {
		if u, ok := refreshURL(content); ok {
			w.c.add(u, Refresh, "meta/refresh")
		}
		return
	}
	if name, _ := w.get("name"); bytes.EqualFold(bytes.TrimSpace(name), []byte("robots")) {
		noFollow, noIndex := robotsDirectives(content)
		w.page.NoFollow = w.page.NoFollow || noFollow
		w.page.NoIndex = w.page.NoIndex || noIndex
	}
}

// base records the first <base href>, the only one browsers honor, and
// reports it as a link as Heritrix does.
func (w *walker) base() {
	href, ok := w.get("href")
	if !ok {
		return
	}
	w.c.addFound(href, Navigation, "base/@href", true)
	if w.baseHref == nil {
		s := string(href)
		w.baseHref = &s
	}
}

// form adds the action of a GET form (method absent, empty or "get").
func (w *walker) form() {
	if w.opts.IgnoreFormActions {
		return
	}
	if m, ok := w.get("method"); ok {
		if m = bytes.TrimSpace(m); len(m) > 0 && !bytes.EqualFold(m, []byte("get")) {
			return
		}
	}
	w.addAttr("action", Navigation, "form/@action")
}

// elementName names any element, known to the atom table or not.
func elementName(a atom.Atom, name []byte) string {
	if a != 0 {
		return a.String()
	}
	return string(name)
}
