package testsite

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Shared media every article embeds.
const (
	PathVideo       = "/media/video/newsreel.mp4"
	PathVideoPoster = "/media/video/newsreel-poster.png"
	PathEmbed       = "/embed/poll.html" // the iframe
)

// imageWidths are the srcset candidates of every article's lead image; the
// middle one is also its src.
var imageWidths = []int{160, 320, 640}

func imagePath(key string, width int) string {
	return "/media/img/" + key + "-" + strconv.Itoa(width) + ".png"
}

// Each part of an article draws from its own generator, so a listing can
// show the standfirst without generating the whole story.
const (
	streamBody = 1 << 32
	streamLede = 2 << 32
	streamFig  = 3 << 32
)

func (a *article) standfirst() string { return sentence(newRNG(a.seed + streamLede)) }

func longDate(t time.Time) string { return t.Format("2 January 2006") }

func timeTag(t time.Time) string {
	return `<time datetime="` + t.Format(time.RFC3339) + `">` + longDate(t) + "</time>"
}

// articlePage serves linked and OnlyVia articles alike: only the links
// pointing at them differ.
func (s *Site) articlePage(r *http.Request) (page, bool) {
	a := s.byPath[r.URL.Path]
	if a == nil {
		return page{}, false
	}
	rg := newRNG(a.seed + streamBody)
	sec := s.sections[a.sec]
	var b strings.Builder
	b.WriteString("<article class=\"story\">\n")
	b.WriteString(`<p class="kicker">` + link("/"+sec.name+"/", sec.title) + "</p>\n")
	b.WriteString("<h1>" + esc(a.Title) + "</h1>\n")
	b.WriteString(`<p class="standfirst">` + esc(a.standfirst()) + "</p>\n")
	b.WriteString(`<p class="byline">By <span class="author">` + esc(person(rg)) + "</span>, staff reporter</p>\n")
	b.WriteString(`<p class="dateline"><span class="place">` + esc(strings.ToUpper(rg.pick(towns))) + "</span> &mdash; " + timeTag(a.Published) + "</p>\n")
	b.WriteString(leadFigure(a))
	for i := range 5 {
		b.WriteString("<p>" + esc(paragraph(rg)) + "</p>\n")
		switch i {
		case 1:
			b.WriteString(`<figure class="video">
<video controls preload="none" width="640" height="360" poster="` + PathVideoPoster + `">
<source src="` + PathVideo + `" type="video/mp4">
</video>
<figcaption>Newsreel: the week on the loopback coast.</figcaption>
</figure>
`)
		case 3:
			b.WriteString(`<iframe class="poll" src="` + PathEmbed + `" title="Reader poll" width="640" height="180" loading="lazy"></iframe>` + "\n")
		}
	}
	b.WriteString("</article>\n")
	b.WriteString("<aside class=\"related\">\n<h2>Related stories</h2>\n<ul>\n")
	for _, rel := range s.related(a) {
		b.WriteString("<li>" + link(rel.Path, rel.Title) + "</li>\n")
	}
	b.WriteString("</ul>\n<p>More from " + link("/"+sec.name+"/", sec.title) + "</p>\n</aside>\n")
	return page{path: a.Path, title: a.Title, main: b.String()}, true
}

// leadFigure is the article's own image in three widths.
func leadFigure(a *article) string {
	rg := newRNG(a.seed + streamFig)
	caption := "The " + rg.pick(subjects) + " in " + rg.pick(towns) + " on " + rg.pick(weekdays) + "."
	srcset := make([]string, len(imageWidths))
	for i, w := range imageWidths {
		srcset[i] = imagePath(a.key, w) + " " + strconv.Itoa(w) + "w"
	}
	return `<figure class="lead">
<img src="` + imagePath(a.key, imageWidths[1]) + `" srcset="` + strings.Join(srcset, ", ") + `" sizes="(max-width: 700px) 100vw, 640px" width="640" height="360" alt="` + esc(caption) + `">
<figcaption>` + esc(caption) + ` <span class="credit">Photo: ` + esc(person(rg)) + "</span></figcaption>\n</figure>\n"
}

// related picks up to three older linked stories of the same section. Only
// older ones, so publishing a new article leaves existing pages alone;
// OnlyVia articles point at the section's first stories and are never
// pointed at.
func (s *Site) related(a *article) []*article {
	list := s.bySection[a.sec]
	end := a.pos
	if a.via != "" {
		end = min(3, len(list))
	}
	return reversed(list[max(0, end-3):end])
}

func reversed(as []*article) []*article {
	out := make([]*article, len(as))
	for i, a := range as {
		out[len(as)-1-i] = a
	}
	return out
}
