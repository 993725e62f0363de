package report_test

import (
	"strings"
	"testing"

	"arkisto/crawler/qa"
	"arkisto/crawler/report"
)

// When arkisto qa ran, the report lists its pages, worst first, with
// links to their reports in qa/.
func TestReportShowsQA(t *testing.T) {
	pixel, text := 0.25, 0.5
	r := &report.Report{Collection: "news", QA: &qa.Summary{
		Replay: "http://127.0.0.1:8080/news/", Live: true, Checked: 2,
		Counts: map[qa.Outcome]int{qa.OutcomeIncomplete: 1, qa.OutcomeComplete: 1},
		Pages: []qa.SummaryLine{
			{ID: "b1", URL: "http://s.example/broken", Outcome: qa.OutcomeIncomplete, Missing: 2, Pixel: &pixel, Text: &text, Report: "b1.json"},
			{ID: "a1", URL: "http://s.example/", Outcome: qa.OutcomeComplete, Report: "a1.json"},
		},
	}}
	var b strings.Builder
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{
		`<table id="qa">`,
		"2 pages opened in headless Chromium as pywb replays them from http://127.0.0.1:8080/news/, and live: 1 complete, 1 incomplete, 0 failed",
		`<tr data-key="http://s.example/broken" data-outcome="incomplete">`,
		`<td class="n">0.250</td><td class="n">0.500</td><td><a href="../qa/b1.json">b1.json</a>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Index(html, "s.example/broken") > strings.Index(html, `data-key="http://s.example/"`) {
		t.Error("the report does not list the worst page first")
	}

	r.QA = nil
	b.Reset()
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), `id="qa"`) {
		t.Error("a report without qa shows a qa section")
	}
}
