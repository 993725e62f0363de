package warc

import (
	"bufio"
	"fmt"
	"io"
)

// ProblemCode names one kind of fault in a WARC file. The codes are stable:
// scripts read them from `arkisto validate --json`.
type ProblemCode string

// The faults the reader and the validator report.
const (
	ProblemNotWARC       ProblemCode = "not-warc"       // bytes that do not start a WARC record
	ProblemVersion       ProblemCode = "version"        // first line is not "WARC/1.0" or "WARC/1.1" ending in CRLF
	ProblemHeader        ProblemCode = "header"         // a malformed header line
	ProblemHeaderSize    ProblemCode = "header-size"    // the header runs past the reader's bound (ReaderOptions.MaxHeader)
	ProblemMissingHeader ProblemCode = "missing-header" // a mandatory header is absent
	ProblemContentLength ProblemCode = "content-length" // Content-Length unreadable or not the block's size
	ProblemEndMarker     ProblemCode = "end-marker"     // the block is not followed by exactly CRLFCRLF
	ProblemGzipMember    ProblemCode = "gzip-member"    // a gzip member holds more or less than one record
	ProblemTruncated     ProblemCode = "truncated"      // the file or gzip member ends inside the record
	ProblemGzip          ProblemCode = "gzip"           // corrupt gzip data
	ProblemBlockDigest   ProblemCode = "block-digest"   // WARC-Block-Digest wrong or unreadable
	ProblemPayloadDigest ProblemCode = "payload-digest" // WARC-Payload-Digest wrong or unreadable
	ProblemDate          ProblemCode = "date"           // WARC-Date not an RFC 3339 UTC time ending in Z
	ProblemRevisit       ProblemCode = "revisit"        // a revisit without its WARC-Refers-To-* headers
	ProblemNoWARCFile    ProblemCode = "no-warc-file"   // a directory to check holds no WARC file
	ProblemEmptyFile     ProblemCode = "empty-file"     // a WARC file of zero bytes
	ProblemCompression   ProblemCode = "compression"    // the name says .warc.gz and the file is plain, or the reverse
)

// Problem is one fault found in one record.
type Problem struct {
	Code    ProblemCode `json:"code"`
	Message string      `json:"message"`
}

// RecordReport lists the problems of one record. Offset and Length locate
// the record (its gzip member in a .warc.gz) so tools can cut it out.
type RecordReport struct {
	Offset    int64     `json:"offset"`
	Length    int64     `json:"length"`
	Type      string    `json:"type,omitempty"`
	RecordID  string    `json:"record_id,omitempty"`
	TargetURI string    `json:"target_uri,omitempty"`
	Problems  []Problem `json:"problems"`
}

// FileReport is the verdict on one WARC file: how many records it holds,
// what is wrong with the file as a whole, and the records that have
// problems (clean records are only counted). Problems counts both kinds.
type FileReport struct {
	Path         string         `json:"path"`
	Records      int            `json:"records"`
	Problems     int            `json:"problems"`
	FileProblems []Problem      `json:"file_problems,omitempty"`
	Bad          []RecordReport `json:"bad_records,omitempty"`
}

func (rep *FileReport) fileProblem(code ProblemCode, format string, args ...any) {
	rep.FileProblems = addProblem(rep.FileProblems, code, format, args...)
	rep.Problems++
}

// Summary adds up the reports of several files.
type Summary struct {
	Files    int          `json:"files"`
	Records  int          `json:"records"`
	Problems int          `json:"problems"`
	Reports  []FileReport `json:"reports"`
}

// OK tells whether no file had a problem.
func (s Summary) OK() bool { return s.Problems == 0 }

// WriteText writes the summary as `arkisto validate` prints it: one line a
// problem (PATH: CODE: MESSAGE for a file, PATH@OFFSET TYPE URI: CODE:
// MESSAGE for a record), then the counts.
func (s Summary) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, f := range s.Reports {
		for _, p := range f.FileProblems {
			fmt.Fprintf(bw, "%s: %s: %s\n", f.Path, p.Code, p.Message)
		}
		for _, r := range f.Bad {
			for _, p := range r.Problems {
				fmt.Fprintf(bw, "%s@%d %s %s: %s: %s\n", f.Path, r.Offset, r.Type, r.TargetURI, p.Code, p.Message)
			}
		}
	}
	fmt.Fprintf(bw, "%d files, %d records, %d problems\n", s.Files, s.Records, s.Problems)
	return bw.Flush()
}

func addProblem(ps []Problem, code ProblemCode, format string, args ...any) []Problem {
	return append(ps, Problem{Code: code, Message: fmt.Sprintf(format, args...)})
}
