package warc

import (
	"errors"
	"fmt"
	"strings"
)

// ErrSkippedRecords marks an index build that left records out: records
// that do not read whole, and records pywb could not index either (a
// target URI it cannot key, a WARC-Date it cannot read). The error that
// matches it is a *SkippedError naming them.
var ErrSkippedRecords = errors.New("records left out of the index")

// maxSkippedListed bounds how many skipped records a SkippedError lists;
// the rest are only counted, so a file of garbage cannot fill memory.
const maxSkippedListed = 1000

// SkippedRecord is one record an index build left out.
type SkippedRecord struct {
	File   string
	Offset int64 // of the record, or of its gzip member in a .warc.gz
	Reason string
}

// SkippedError lists the records an index build left out, in file order.
type SkippedError struct {
	Records []SkippedRecord
	More    int // skipped records beyond the ones listed
}

func (e *SkippedError) Error() string {
	var b strings.Builder
	n := len(e.Records) + e.More
	noun := "records"
	if n == 1 {
		noun = "record"
	}
	fmt.Fprintf(&b, "%d %s left out of the index:", n, noun)
	for _, r := range e.Records {
		fmt.Fprintf(&b, "\n  %s@%d: %s", r.File, r.Offset, r.Reason)
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n  and %d more", e.More)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrSkippedRecords) true.
func (e *SkippedError) Is(target error) bool { return target == ErrSkippedRecords }

func (e *SkippedError) add(file string, offset int64, reason string) {
	if len(e.Records) >= maxSkippedListed {
		e.More++
		return
	}
	e.Records = append(e.Records, SkippedRecord{File: file, Offset: offset, Reason: reason})
}

// orNil returns e when it lists anything, else nil.
func (e *SkippedError) orNil() error {
	if len(e.Records) == 0 {
		return nil
	}
	return e
}
