package testsite

import "net/http"

// routes registers every handler. Patterns name shapes, not articles, so
// AddArticle needs no new route.
func (s *Site) routes() *http.ServeMux {
	mux := http.NewServeMux()
	pages := map[string]func(*http.Request) (page, bool){
		"GET /{$}":                          s.frontPage,
		"GET /{section}/{$}":                s.sectionPage,
		"GET /{section}/page/{n}/{$}":       s.sectionPage,
		"GET /{section}/{y}/{m}/{d}/{file}": s.articlePage,
		"GET /archive/{$}":                  s.archiveIndex,
		"GET /archive/{month}/{$}":          s.archiveMonth,
		"GET " + PathCalendar:               s.calendarPage,
		"GET " + PathRefresh:                s.refreshPage,
		"GET " + PathRefreshTarget:          s.refreshTarget,
		"GET " + PathBase:                   s.basePage,
		"GET " + PathBaseTarget:             s.baseTarget,
		"GET " + PathRedirectTarget:         s.redirectTarget,
		"GET " + PathDuplicate:              s.termsPage,
		"GET " + PathDuplicateCopy:          s.termsPage,
		"GET " + PathDisallowed:             s.draftsPage,
	}
	s.pagePatterns = map[string]bool{}
	for pattern, build := range pages {
		mux.Handle(pattern, s.servePage(build))
		s.pagePatterns[pattern] = true
	}
	// These render through the layout too, but write the body their own way.
	for pattern, h := range map[string]http.HandlerFunc{
		"GET " + PathChunked: s.serveChunked,
		"GET " + PathGzip:    s.serveGzip,
		"GET " + PathLatin1:  s.serveLatin1,
		"GET " + PathBadUTF8: s.serveBadUTF8,
	} {
		mux.Handle(pattern, h)
		s.pagePatterns[pattern] = true
	}
	handlers := map[string]http.HandlerFunc{
		"GET " + PathServerError:  s.serveServerError,
		"GET " + PathRedirect:     redirect(PathRedirectHop, http.StatusMovedPermanently),
		"GET " + PathRedirectHop:  redirect(PathRedirectTarget, http.StatusFound),
		"GET " + PathRobots:       s.serveRobots,
		"GET " + PathSitemapIndex: s.serveSitemapIndex,
		"GET " + PathSitemapPlain: s.serveSitemapPlain,
		"GET " + PathSitemapGz:    s.serveSitemapGz,
		"GET " + PathNewsSitemap:  s.serveNewsSitemap,
		"GET " + PathRSS:          s.serveRSS,
		"GET " + PathAtom:         s.serveAtom,
		"GET /media/img/{file}":   s.serveImage,
		"GET " + PathEmbed: func(w http.ResponseWriter, r *http.Request) {
			writeBody(w, http.StatusOK, "text/html; charset=utf-8", []byte(pollEmbed))
		},
		"GET /": s.notFound,
	}
	for pattern, h := range handlers {
		mux.Handle(pattern, h)
	}
	for path := range s.assets {
		mux.Handle("GET "+path, s.serveAsset(path))
	}
	return mux
}
