package warc

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
)

// outcome says how far parsing one record got.
type outcome int

const (
	outComplete outcome = iota // header and Content-Length bytes of block read
	outNoLength                // header read; no usable Content-Length
	outEmpty                   // the stream ended before any byte
	outNotWARC                 // the first line is not a WARC version line
	outCutShort                // the stream ended (cleanly) inside the record
	outLost                    // the header block runs past the bound
)

var errLineTooLong = errors.New("line too long")

// parse reads one record's version line, header and block from s into rec
// and the block sink. It returns the Content-Length for outComplete. err is
// a stream error other than a clean end (a truncated or corrupt gzip
// member, or a failing file).
func (r *Reader) parse(rec *Record, s *bufio.Reader) (outcome, int64, error) {
	line, err := readLine(s, r.maxHeader)
	stray := 0
	for err == nil && (line == "\r\n" || line == "\n") {
		stray += len(line)
		line, err = readLine(s, r.maxHeader)
	}
	if stray > 0 {
		rec.problem(ProblemEndMarker, "%d stray line-end bytes before the record", stray)
	}
	switch {
	case line == "" && errors.Is(err, io.EOF) && stray == 0:
		return outEmpty, 0, nil
	case line == "" && errors.Is(err, io.EOF):
		return outNotWARC, 0, nil
	case err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, errLineTooLong):
		return outCutShort, 0, err
	case !strings.HasPrefix(line, "WARC/"):
		rec.problem(ProblemNotWARC, "expected a WARC version line, found %q", clip(line))
		return outNotWARC, 0, nil
	}
	rec.Version = clip(strings.TrimRight(line, "\r\n"))
	if line != "WARC/1.0\r\n" && line != "WARC/1.1\r\n" {
		rec.problem(ProblemVersion, "version line %q is not WARC/1.0 or WARC/1.1 ending in CRLF", clip(line))
	}
	if errors.Is(err, errLineTooLong) {
		rec.problem(ProblemHeaderSize, "version line is longer than %d bytes", r.maxHeader)
		return outLost, 0, nil
	}
	if err != nil {
		return outCutShort, 0, nil
	}
	if out, err := r.parseHeader(rec, s, len(line)); out != outComplete || err != nil {
		return out, 0, err
	}

	text, ok := rec.Header.Lookup("Content-Length")
	if !ok {
		return outNoLength, 0, nil
	}
	cl, perr := strconv.ParseInt(text, 10, 64)
	if perr != nil || cl < 0 {
		rec.problem(ProblemContentLength, "Content-Length %q is not a byte count", clip(text))
		return outNoLength, 0, nil
	}
	n, err := io.CopyBuffer(&r.block, io.LimitReader(s, cl), r.copyBuf)
	switch {
	case err != nil:
		rec.Block = r.block.view(n)
		return outCutShort, cl, err
	case n < cl:
		rec.Block = r.block.view(n)
		return outCutShort, cl, nil
	}
	return outComplete, cl, nil
}

// parseHeader reads header lines up to the blank line that ends them.
func (r *Reader) parseHeader(rec *Record, s *bufio.Reader, used int) (outcome, error) {
	bareLF := false
	for lineNo := 2; ; lineNo++ {
		line, err := readLine(s, r.maxHeader-used)
		used += len(line)
		switch {
		case errors.Is(err, errLineTooLong):
			rec.problem(ProblemHeaderSize, "header block is larger than %d bytes", r.maxHeader)
			return outLost, nil
		case errors.Is(err, io.EOF):
			return outCutShort, nil
		case err != nil:
			return outCutShort, err
		}
		if !strings.HasSuffix(line, "\r\n") && !bareLF {
			bareLF = true
			rec.problem(ProblemHeader, "header line %d ends in LF without CR", lineNo)
		}
		text := strings.TrimRight(line, "\r\n")
		if text == "" {
			return outComplete, nil
		}
		if (text[0] == ' ' || text[0] == '\t') && len(rec.Header) > 0 {
			// A folded continuation of the previous value (WARC 1.1 section 4).
			last := &rec.Header[len(rec.Header)-1]
			last.Value = strings.TrimSpace(last.Value + " " + strings.TrimSpace(text))
			continue
		}
		name, value, ok := strings.Cut(text, ":")
		if !ok || strings.TrimSpace(name) == "" || strings.ContainsAny(name, " \t") {
			rec.problem(ProblemHeader, "header line %d is not \"Name: value\": %q", lineNo, clip(text))
			continue
		}
		rec.Header = append(rec.Header, Field{Name: name, Value: strings.Trim(value, " \t")})
	}
}

// readLine returns one line with its line end, or what is left before EOF.
// A line longer than limit comes back cut to limit bytes with
// errLineTooLong: whatever a file holds, a line costs at most limit bytes
// of memory.
func readLine(s *bufio.Reader, limit int) (string, error) {
	var buf []byte
	for {
		frag, err := s.ReadSlice('\n')
		if len(buf)+len(frag) > limit {
			return string(append(buf, frag[:max(0, limit-len(buf))]...)), errLineTooLong
		}
		buf = append(buf, frag...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return string(buf), err
	}
}

// clip shortens text quoted in problem messages.
func clip(s string) string {
	const max = 80
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
