package testsite

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Feeds are announced only here, through <link rel="alternate">.
const (
	PathRSS  = "/feeds/rss.xml"
	PathAtom = "/feeds/atom.xml"
)

const feedLinks = `<link rel="alternate" type="application/rss+xml" title="The Arkisto Herald (RSS)" href="` + PathRSS + `">
<link rel="alternate" type="application/atom+xml" title="The Arkisto Herald (Atom)" href="` + PathAtom + `">
`

// dataSpacer is a data: image a crawler must not try to fetch.
const dataSpacer = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw=="

func (s *Site) frontPage(*http.Request) (page, bool) {
	var b strings.Builder
	top := s.linked[len(s.linked)-1] // New makes at least one
	b.WriteString("<section class=\"top-story\">\n<h2 class=\"label\">Top story</h2>\n")
	b.WriteString(leadFigure(top))
	b.WriteString("<h3>" + link(top.Path, top.Title) + "</h3>\n<p>" + esc(top.standfirst()) + "</p>\n</section>\n")
	b.WriteString("<section class=\"latest\">\n<h2>Latest</h2>\n<ol>\n")
	for _, a := range s.latest() {
		b.WriteString("<li>" + link(a.Path, a.Title) + " " + timeTag(a.Published) + "</li>\n")
	}
	b.WriteString("</ol>\n</section>\n")
	for i, sec := range s.sections {
		list := s.bySection[i]
		b.WriteString("<section class=\"by-section\">\n<h2>" + link("/"+sec.name+"/", sec.title) + "</h2>\n<ul>\n")
		for _, a := range reversed(list[max(0, len(list)-3):]) {
			b.WriteString("<li>" + link(a.Path, a.Title) + "</li>\n")
		}
		b.WriteString("</ul>\n</section>\n")
	}
	b.WriteString(specials)
	return page{path: "/", title: "Front page", head: feedLinks, main: b.String()}, true
}

// specials links every odd case from the front page, so each sits one hop
// from the seed.
const specials = `<section class="specials">
<h2>Specials</h2>
<ul>
<li><a href="` + PathChunked + `">Live: storm over the Saltholm strait</a></li>
<li><a href="` + PathGzip + `">The weekly digest</a></li>
<li><a href="` + PathLatin1 + `">Nordic roundup</a></li>
<li><a href="` + PathBadUTF8 + `">Wire copy, as received</a></li>
<li><a href="` + PathRefresh + `">A story that moved</a></li>
<li><a href="` + PathBase + `">The reading room</a></li>
<li><a href="` + PathRedirect + `">Our old front page</a></li>
<li><a href="` + PathNotFound + `">A withdrawn story</a></li>
<li><a href="` + PathServerError + `">Election results</a></li>
</ul>
</section>
<section class="elsewhere">
<h2>Elsewhere</h2>
<ul>
<li><a href="` + PathDisallowed + `">Draft stories</a></li>
<li><a href="` + OutOfScopeURL + `">Our partner paper</a></li>
<li><a href="mailto:newsroom@herald.invalid">Write to the newsroom</a></li>
<li><a href="javascript:window.print()">Print this page</a></li>
<li><a href="data:text/plain,arkisto">A data URL</a></li>
<li><a href="` + MalformedHref + `">A broken link</a></li>
</ul>
<img src="` + dataSpacer + `" alt="" width="1" height="1">
</section>
`

// latest lists the newest linked articles, newest first. The caller holds
// s.mu.
func (s *Site) latest() []*article {
	return reversed(s.linked[max(0, len(s.linked)-latestCount):])
}

func (s *Site) sectionIndex(name string) int {
	return slices.IndexFunc(s.sections, func(sec section) bool { return sec.name == name })
}

func sectionPagePath(name string, n int) string {
	if n == 1 {
		return "/" + name + "/"
	}
	return "/" + name + "/page/" + strconv.Itoa(n) + "/"
}

func pageCount(articles int) int { return max(1, (articles+PageSize-1)/PageSize) }

// sectionPage lists PageSize articles, newest first. Page 1 is /NAME/, the
// others /NAME/page/N/ (N >= 2). The pager links every page, not only the
// neighbours, so the deepest page of a 5,000-article site is still two hops
// from the front page.
func (s *Site) sectionPage(r *http.Request) (page, bool) {
	i := s.sectionIndex(r.PathValue("section"))
	if i < 0 {
		return page{}, false
	}
	n := 1
	if v := r.PathValue("n"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 2 || strconv.Itoa(n) != v {
			return page{}, false
		}
	}
	sec, list := s.sections[i], s.bySection[i]
	pages := pageCount(len(list))
	if n > pages {
		return page{}, false
	}
	var b strings.Builder
	b.WriteString("<h1>" + esc(sec.title) + "</h1>\n<ol class=\"teasers\">\n")
	end := len(list) - (n-1)*PageSize
	for _, a := range reversed(list[max(0, end-PageSize):end]) {
		b.WriteString("<li><article>\n<h2>" + link(a.Path, a.Title) + "</h2>\n")
		b.WriteString(`<p class="meta">` + timeTag(a.Published) + "</p>\n<p>" + esc(a.standfirst()) + "</p>\n</article></li>\n")
	}
	if len(list) == 0 {
		b.WriteString("<li>No stories yet.</li>\n")
	}
	b.WriteString("</ol>\n<nav class=\"pager\">\n")
	if n > 1 {
		b.WriteString(`<a rel="prev" href="` + sectionPagePath(sec.name, n-1) + `">Newer</a>` + "\n")
	}
	for p := 1; p <= pages; p++ {
		if p == n {
			b.WriteString("<span class=\"current\">" + strconv.Itoa(p) + "</span>\n")
			continue
		}
		b.WriteString(link(sectionPagePath(sec.name, p), strconv.Itoa(p)) + "\n")
	}
	if n < pages {
		b.WriteString(`<a rel="next" href="` + sectionPagePath(sec.name, n+1) + `">Older</a>` + "\n")
	}
	b.WriteString("</nav>\n")
	title := sec.title
	if n > 1 {
		title += ", page " + strconv.Itoa(n)
	}
	return page{path: sectionPagePath(sec.name, n), title: title, main: b.String()}, true
}

func archivePath(month string) string { return "/archive/" + month + "/" }

func (s *Site) monthsWithArticles() []string {
	ms := make([]string, 0, len(s.byMonth))
	for m := range s.byMonth {
		ms = append(ms, m)
	}
	slices.Sort(ms)
	return ms
}

func (s *Site) archiveIndex(*http.Request) (page, bool) {
	var b strings.Builder
	b.WriteString("<h1>Archive</h1>\n<ul class=\"months\">\n")
	for _, m := range s.monthsWithArticles() {
		b.WriteString("<li>" + link(archivePath(m), m) + " (" + strconv.Itoa(len(s.byMonth[m])) + " stories)</li>\n")
	}
	b.WriteString("</ul>\n")
	return page{path: "/archive/", title: "Archive", main: b.String()}, true
}

// archiveMonth lists every linked article of one month, oldest first.
func (s *Site) archiveMonth(r *http.Request) (page, bool) {
	m := r.PathValue("month")
	list := s.byMonth[m]
	if len(list) == 0 {
		return page{}, false
	}
	var b strings.Builder
	b.WriteString("<h1>Stories from " + esc(m) + "</h1>\n<ul class=\"teasers\">\n")
	for _, a := range list {
		b.WriteString("<li>" + link(a.Path, a.Title) + " " + timeTag(a.Published) + "</li>\n")
	}
	b.WriteString("</ul>\n")
	return page{path: archivePath(m), title: "Archive " + m, main: b.String()}, true
}
