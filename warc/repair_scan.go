package warc

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// memberScanner walks the gzip members of a .warc.gz from its start and
// tells how far the file holds whole members of one whole record each. It
// streams: block bytes are counted and dropped, never held, so a record of
// any size costs the same memory. It has its own check rather than the
// package's Reader because that one copies every block into a spool, which
// would double the disk traffic of a repair for nothing.
type memberScanner struct {
	src *countingReader
	br  *bufio.Reader // an io.ByteReader, so gzip stops exactly at a member's end
	gz  *gzip.Reader
	zr  *bufio.Reader
}

func newMemberScanner(r io.Reader) *memberScanner {
	src := &countingReader{r: r}
	return &memberScanner{src: src, br: bufio.NewReaderSize(src, readBufferSize)}
}

// pos is the file offset of the next byte the gzip reader would take.
func (s *memberScanner) pos() int64 { return s.src.n - int64(s.br.Buffered()) }

// next checks the member at pos and returns its end. ok is false when the
// member is not whole and sound (or the file ends); err is only for a file
// that cannot be read.
func (s *memberScanner) next() (end int64, ok bool, err error) {
	if _, err := s.br.Peek(1); err != nil {
		return 0, false, s.readErr() // the file ends here
	}
	if s.gz == nil {
		s.gz, err = gzip.NewReader(s.br)
	} else {
		err = s.gz.Reset(s.br)
	}
	if err != nil {
		return 0, false, s.readErr() // not a gzip member, or its header is cut
	}
	// One member at a time: that is how its end is known.
	s.gz.Multistream(false)
	if s.zr == nil {
		s.zr = bufio.NewReaderSize(s.gz, readBufferSize)
	} else {
		s.zr.Reset(s.gz)
	}
	sound := checkOneRecord(s.zr) == nil
	if err := s.readErr(); err != nil {
		return 0, false, err
	}
	return s.pos(), sound, nil
}

// readErr is the file's own read error, which must not pass for damage.
func (s *memberScanner) readErr() error {
	if s.src.err != nil {
		return fmt.Errorf("read warc file: %w", s.src.err)
	}
	return nil
}

var errRecordShape = errors.New("member does not hold exactly one whole warc record")

// checkOneRecord reads a decompressed member to its end and requires one
// record: a version line, header lines, a blank line, Content-Length bytes
// of block, CRLFCRLF and then the member's end, which gzip confirms only
// after its CRC-32 and length trailer checks out.
func checkOneRecord(zr *bufio.Reader) error {
	line, err := readLine(zr, maxHeaderBytes)
	if err != nil || (line != "WARC/1.0\r\n" && line != "WARC/1.1\r\n") {
		return errRecordShape
	}
	used := len(line)
	length := int64(-1)
	for {
		line, err := readLine(zr, maxHeaderBytes-used)
		used += len(line)
		if err != nil || !strings.HasSuffix(line, "\r\n") {
			return errRecordShape
		}
		text := line[:len(line)-2]
		if text == "" {
			break
		}
		name, value, found := strings.Cut(text, ":")
		if !found || name == "" || strings.ContainsAny(name, " \t") {
			return errRecordShape
		}
		if strings.EqualFold(name, "Content-Length") {
			n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if err != nil || n < 0 || length >= 0 {
				return errRecordShape
			}
			length = n
		}
	}
	if length < 0 {
		return errRecordShape
	}
	if _, err := io.CopyN(io.Discard, zr, length); err != nil {
		return errRecordShape
	}
	var end [4]byte
	if _, err := io.ReadFull(zr, end[:]); err != nil || string(end[:]) != crlfcrlf {
		return errRecordShape
	}
	// gzip reports io.EOF only once the trailer's CRC-32 and length match.
	if _, err := zr.ReadByte(); !errors.Is(err, io.EOF) {
		return errRecordShape
	}
	return nil
}
