package qa

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Outcome is a page's verdict.
type Outcome string

// Outcomes, worst first.
const (
	// OutcomeFailed: the replay of the page itself could not be loaded.
	OutcomeFailed Outcome = "failed"
	// OutcomeIncomplete: the page replayed, but asked for things the
	// archive could not give.
	OutcomeIncomplete Outcome = "incomplete"
	// OutcomeComplete: the archive answered every request of the page.
	OutcomeComplete Outcome = "complete"
)

func (o Outcome) rank() int {
	return slices.Index([]Outcome{OutcomeFailed, OutcomeIncomplete, OutcomeComplete}, o)
}

// Missing is one request of a replayed page the archive could not answer.
type Missing struct {
	URL       string  `json:"url"`        // the archived URL asked for
	ReplayURL string  `json:"replay_url"` // the request as the browser made it
	Type      string  `json:"type"`       // Image, Script, Stylesheet...
	Status    int     `json:"status,omitempty"`
	Failed    string  `json:"failed,omitempty"`
	Reason    Reason  `json:"reason"`
	CrawlLog  logLine `json:"crawl_log,omitzero"` // what the crawl log says of it
}

// View is one load of a page.
type View struct {
	URL        string   `json:"url"`
	Error      string   `json:"error,omitempty"`
	Requests   int      `json:"requests"`
	Screenshot string   `json:"screenshot,omitempty"` // file name in the qa folder
	Console    []string `json:"console_errors,omitempty"`
	TextChars  int      `json:"text_chars"`
}

// PageReport is qa/ID.json: what replaying one page showed.
type PageReport struct {
	ID      string         `json:"id"`
	URL     string         `json:"url"`
	TS      time.Time      `json:"ts,omitzero"`
	Title   string         `json:"title,omitempty"`
	Outcome Outcome        `json:"outcome"`
	Replay  View           `json:"replay"`
	Live    *View          `json:"live,omitempty"`
	Missing []Missing      `json:"missing"`
	ByWhy   map[Reason]int `json:"missing_by_reason"`
	Escaped []string       `json:"escaped,omitempty"` // requests that went to the live web
	Pixel   *float64       `json:"pixel_difference,omitempty"`
	Text    *float64       `json:"text_similarity,omitempty"`
}

// Summary is qa/summary.json: every page checked, worst first.
type Summary struct {
	Replay  string          `json:"replay"`
	Live    bool            `json:"live"`
	Checked int             `json:"checked"`
	Counts  map[Outcome]int `json:"outcomes"`
	ByWhy   map[Reason]int  `json:"missing_by_reason"`
	Pages   []SummaryLine   `json:"pages"`
}

// Count is how many pages had the outcome o.
func (s Summary) Count(o Outcome) int { return s.Counts[o] }

// SummaryLine is one page of the summary.
type SummaryLine struct {
	ID      string   `json:"id"`
	URL     string   `json:"url"`
	Outcome Outcome  `json:"outcome"`
	Missing int      `json:"missing"`
	Console int      `json:"console_errors"`
	Pixel   *float64 `json:"pixel_difference,omitempty"`
	Text    *float64 `json:"text_similarity,omitempty"`
	Report  string   `json:"report"` // file name in the qa folder
}

// PixelScore and TextScore print the scores to three places, "" when
// there is none (no live load).
func (l SummaryLine) PixelScore() string { return score(l.Pixel) }
func (l SummaryLine) TextScore() string  { return score(l.Text) }

func score(p *float64) string {
	if p == nil {
		return ""
	}
	return fmt.Sprintf("%.3f", *p)
}

// worse orders pages worst first: by outcome, then by missing requests,
// then by how far the replay looks from the live page, then by console
// errors; the URL breaks ties so the order is stable.
func worse(a, b SummaryLine) int {
	return cmp.Or(
		cmp.Compare(a.Outcome.rank(), b.Outcome.rank()),
		cmp.Compare(b.Missing, a.Missing),
		cmp.Compare(value(b.Pixel, 0)+1-value(b.Text, 1), value(a.Pixel, 0)+1-value(a.Text, 1)),
		cmp.Compare(b.Console, a.Console),
		cmp.Compare(a.URL, b.URL),
	)
}

func value(p *float64, none float64) float64 {
	if p == nil {
		return none
	}
	return *p
}

func summarize(replay string, live bool, reports []PageReport) Summary {
	s := Summary{Replay: replay, Live: live, Checked: len(reports), Counts: map[Outcome]int{}, ByWhy: map[Reason]int{}}
	for _, r := range reports {
		s.Counts[r.Outcome]++
		for why, n := range r.ByWhy {
			s.ByWhy[why] += n
		}
		console := len(r.Replay.Console)
		s.Pages = append(s.Pages, SummaryLine{
			ID: r.ID, URL: r.URL, Outcome: r.Outcome, Missing: len(r.Missing), Console: console,
			Pixel: r.Pixel, Text: r.Text, Report: r.ID + ".json",
		})
	}
	slices.SortFunc(s.Pages, worse)
	return s
}

// writeJSON writes v as indented JSON to dir/name.
func writeJSON(dir, name string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write qa report: %w", err)
	}
	return nil
}

// WriteText prints the summary for a person: the counts, then the worst
// pages, at most top of them.
func (s Summary) WriteText(w io.Writer, top int) {
	fmt.Fprintf(w, "checked %d pages replayed from %s: %d complete, %d incomplete, %d failed\n",
		s.Checked, s.Replay, s.Counts[OutcomeComplete], s.Counts[OutcomeIncomplete], s.Counts[OutcomeFailed])
	for _, why := range []Reason{ReasonNeverDiscovered, ReasonRobots, ReasonOutOfScope, ReasonFetchError, ReasonCaptured} {
		if n := s.ByWhy[why]; n > 0 {
			fmt.Fprintf(w, "  %d missing requests: %s\n", n, why)
		}
	}
	for i, p := range s.Pages {
		if i == top || p.Outcome == OutcomeComplete && p.Console == 0 && value(p.Pixel, 0) == 0 {
			break
		}
		fmt.Fprintf(w, "%3d. %-10s %3d missing %3d console errors", i+1, p.Outcome, p.Missing, p.Console)
		if p.Pixel != nil {
			fmt.Fprintf(w, "  pixels %.3f  text %.3f", *p.Pixel, value(p.Text, 1))
		}
		fmt.Fprintf(w, "  %s (qa/%s)\n", p.URL, p.Report)
	}
}

// ReadSummary reads the qa/summary.json a check wrote into dir; it
// returns an error matching fs.ErrNotExist when none did.
func ReadSummary(dir string) (*Summary, error) {
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return nil, fmt.Errorf("read qa summary: %w", err)
	}
	var s Summary
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("read qa summary %s: %w", filepath.Join(dir, "summary.json"), err)
	}
	return &s, nil
}
