package crawllog

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// maxLine bounds one line as Read scans it: a URL is at most a few
// kilobytes, so a longer line is no crawl.log line.
const maxLine = 1 << 20

// Read calls each with every line of the crawl.log r holds, in order, with
// its line number and its Parse error, blank lines skipped. The caller
// decides what a line that does not parse means: the last one may have
// been cut by a crash. Read stops at the first error each returns, or
// that reading r gives, and returns it.
func Read(r io.Reader, each func(n int, e Entry, err error) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		e, err := Parse(line)
		if err := each(n, e, err); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read crawl log: %w", err)
	}
	return nil
}
