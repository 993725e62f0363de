package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"time"
)

//go:embed report.html.tmpl
var pageText string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"bytes": func(n int64) string {
		switch {
		case n >= 1e9:
			return fmt.Sprintf("%.2f GB", float64(n)/1e9)
		case n >= 1e6:
			return fmt.Sprintf("%.2f MB", float64(n)/1e6)
		case n >= 1e3:
			return fmt.Sprintf("%.1f kB", float64(n)/1e3)
		}
		return fmt.Sprintf("%d B", n)
	},
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
}).Parse(pageText))

// plot is the timeline laid out as SVG bars.
type plot struct {
	Width, Height int
	Bars          []bar
	Start, End    string
	Max           int
}

type bar struct {
	X, W               float64
	FetchedY, FetchedH float64
	FailedY, FailedH   float64
	Fetched, Failed    int
	From               string
}

const plotWidth, plotHeight = 720, 160

func (t Timeline) plot() plot {
	p := plot{Width: plotWidth, Height: plotHeight, Max: t.Max}
	if len(t.Buckets) == 0 || t.Max == 0 {
		return p
	}
	p.Start, p.End = t.Start.UTC().Format("15:04:05"), t.End.UTC().Format("15:04:05")
	w := float64(plotWidth) / float64(len(t.Buckets))
	scale := float64(plotHeight) / float64(t.Max)
	for i, b := range t.Buckets {
		fh, xh := float64(b.Fetched)*scale, float64(b.Failed)*scale
		p.Bars = append(p.Bars, bar{
			X: float64(i) * w, W: max(w-1, 1),
			FetchedY: plotHeight - fh, FetchedH: fh,
			FailedY: plotHeight - fh - xh, FailedH: xh,
			Fetched: b.Fetched, Failed: b.Failed,
			From: b.Start.UTC().Format("15:04:05.000"),
		})
	}
	return p
}

// WriteHTML writes the report as one self-contained HTML page.
func (r *Report) WriteHTML(w io.Writer) error {
	missing := 0
	for _, p := range r.Missing {
		missing += len(p.Missing)
	}
	hosts := map[string]bool{}
	for _, h := range r.Hosts {
		hosts[h.Host] = true
	}
	return page.Execute(w, struct {
		*Report
		Plot         plot
		MissingCount int
		HostCount    int
	}{r, r.Timeline.plot(), missing, len(hosts)})
}
