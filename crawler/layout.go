package crawler

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Layout names the parts of a collection folder: pywb's archive/ and
// indexes/, plus the crawler's logs/ and state/. It is the one place that
// spells them.
type Layout struct {
	Dir string // the collection folder
}

// Archive is the folder of WARC files.
func (l Layout) Archive() string { return filepath.Join(l.Dir, "archive") }

// Index is the collection's pywb CDXJ index.
func (l Layout) Index() string { return filepath.Join(l.Dir, "indexes", "index.cdxj") }

// CrawlLog is the Heritrix-style log of every fetch.
func (l Layout) CrawlLog() string { return filepath.Join(l.Dir, "logs", "crawl.log") }

// Pages is the list of the HTML pages captured, with their titles, one
// JSON line each (wacz.PageList): a WACZ package's pages/pages.jsonl.
func (l Layout) Pages() string { return filepath.Join(l.Dir, "logs", "pages.jsonl") }

// QA is the folder `arkisto qa` writes its per-page reports,
// screenshots and summary into.
func (l Layout) QA() string { return filepath.Join(l.Dir, "qa") }

// Summary is the end-of-crawl summary of the last run, JSON.
func (l Layout) Summary() string { return filepath.Join(l.Dir, "logs", "summary.json") }

// Report is where arkisto report writes the collection's HTML report.
func (l Layout) Report() string { return filepath.Join(l.Dir, "logs", "report.html") }

// State is the folder of what a resumed or later crawl reads: the
// frontier, the deduplication index, the serve daemon's run history.
func (l Layout) State() string { return filepath.Join(l.Dir, "state") }

// Frontier is the crawl's on-disk frontier, with its run metadata.
func (l Layout) Frontier() string { return filepath.Join(l.State(), "frontier.db") }

// DedupDB is the collection's own deduplication index.
func (l Layout) DedupDB() string { return filepath.Join(l.State(), "dedup.db") }

// WARCFiles lists the finished WARC files of the archive, by name.
func (l Layout) WARCFiles() ([]string, error) { return l.archiveFiles(".warc.gz") }

// OpenWARCFiles lists the WARC files still being written, or left open by
// a crash until a resumed crawl repairs them: a package leaves them out.
func (l Layout) OpenWARCFiles() ([]string, error) { return l.archiveFiles(".warc.gz.open") }

// archiveFiles lists the files of the archive whose names end in suffix,
// by name; none when there is no archive yet.
func (l Layout) archiveFiles(suffix string) ([]string, error) {
	entries, err := os.ReadDir(l.Archive())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list WARC files: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), suffix) {
			files = append(files, filepath.Join(l.Archive(), e.Name()))
		}
	}
	return files, nil
}

// create makes the folders a crawl writes into.
func (l Layout) create() error {
	for _, d := range []string{l.Archive(), filepath.Dir(l.Index()), filepath.Dir(l.CrawlLog()), l.State()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create collection folder: %w", err)
		}
	}
	return nil
}
