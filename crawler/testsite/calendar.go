package testsite

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The calendar is the crawler trap: /calendar?month=YYYY-MM links the month
// before and the month after, forever. Every page's navigation links
// CalendarStart, so that month is one hop from the front page and the month
// k steps away is 1+|k| hops away.
const (
	PathCalendar       = "/calendar"
	CalendarStart      = "2026-01"
	calendarEntryDepth = 1
)

func calendarPath(month string) string { return PathCalendar + "?month=" + month }

func (s *Site) calendarPage(r *http.Request) (page, bool) {
	m, err := time.Parse("2006-01", r.URL.Query().Get("month"))
	if err != nil {
		return page{}, false
	}
	title := "Events calendar, " + m.Format("January 2006")
	var b strings.Builder
	b.WriteString("<h1>" + esc(title) + "</h1>\n<nav class=\"months\">\n")
	// Four-digit years only: the links stop at 0001 and 9999, which no
	// crawl reaches.
	if prev := m.AddDate(0, -1, 0); prev.Year() >= 1 {
		b.WriteString(`<a rel="prev" href="` + calendarPath(prev.Format("2006-01")) + `">` + prev.Format("January 2006") + "</a>\n")
	}
	if next := m.AddDate(0, 1, 0); next.Year() <= 9999 {
		b.WriteString(`<a rel="next" href="` + calendarPath(next.Format("2006-01")) + `">` + next.Format("January 2006") + "</a>\n")
	}
	b.WriteString("</nav>\n<table class=\"calendar\">\n<tr><th>Mon</th><th>Tue</th><th>Wed</th><th>Thu</th><th>Fri</th><th>Sat</th><th>Sun</th></tr>\n<tr>")
	lead := (int(m.Weekday()) + 6) % 7 // Monday first
	b.WriteString(strings.Repeat("<td></td>", lead))
	days := m.AddDate(0, 1, -1).Day()
	for d := 1; d <= days; d++ {
		if (lead+d-1)%7 == 0 && d > 1 {
			b.WriteString("</tr>\n<tr>")
		}
		b.WriteString("<td>" + strconv.Itoa(d) + "</td>")
	}
	b.WriteString("</tr>\n</table>\n<p>No events listed for this month.</p>\n")
	return page{path: PathCalendar, title: title, main: b.String()}, true
}

// CalendarURLs lists the calendar pages a crawl limited to maxDepth link
// hops from the front page (the front page is hop 0) fetches: the months
// within maxDepth-1 steps of CalendarStart, in month order. A crawl that
// detects the trap earlier fetches a prefix of these around the start.
func (s *Site) CalendarURLs(base string, maxDepth int) []string {
	reach := maxDepth - calendarEntryDepth
	if reach < 0 {
		return nil
	}
	start, _ := time.Parse("2006-01", CalendarStart) // a constant that parses
	out := make([]string, 0, 2*reach+1)
	for k := -reach; k <= reach; k++ {
		out = append(out, base+calendarPath(start.AddDate(0, k, 0).Format("2006-01")))
	}
	return out
}
