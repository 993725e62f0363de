package warc

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// nextPlain reads one record of an uncompressed file.
func (r *Reader) nextPlain() (Record, error) {
	start := r.pos()
	rec := Record{Offset: start}
	out, cl, err := r.parse(&rec, r.br)
	if err != nil {
		return Record{}, fmt.Errorf("read warc record at offset %d: %w", start, err)
	}
	switch out {
	case outEmpty:
		r.done = true
		return Record{}, io.EOF
	case outNotWARC, outLost:
		r.skipToWARCLine(&tailCounter{})
	case outCutShort:
		rec.Truncated = true
		rec.problem(ProblemTruncated, "file ends inside the record")
		r.done = true
	case outComplete:
		r.checkPlainEnd(&rec, cl)
	case outNoLength:
		// Without a length the block cannot be found; the next call skips
		// to the next version line and reports what it skipped.
	}
	if rec.Block == nil {
		rec.Block = r.block.view(r.block.size())
	}
	rec.Length = r.pos() - start
	return rec, nil
}

// checkPlainEnd expects CRLFCRLF after the block. When it is missing, it
// skips to the next version line and tells a wrong Content-Length (the
// skipped bytes end in CRLFCRLF) from a missing end marker.
func (r *Reader) checkPlainEnd(rec *Record, cl int64) {
	b, _ := r.br.Peek(4)
	switch {
	case string(b) == crlfcrlf:
		_, _ = r.br.Discard(4)
		return
	case len(b) == 0:
		rec.problem(ProblemEndMarker, "file ends right after the block, without CRLFCRLF")
		return
	}
	// The last four bytes before the next record, counting the block's end
	// too, tell whether the record ends where Content-Length says.
	t := &tailCounter{}
	t.seed([]byte(r.block.tail()))
	n, tail := r.skipToWARCLine(t)
	if cl+n >= 4 && tail == crlfcrlf {
		rec.problem(ProblemContentLength, "Content-Length says %d but CRLFCRLF comes after %d block bytes", cl, cl+n-4)
		return
	}
	rec.problem(ProblemEndMarker, "block is not followed by CRLFCRLF")
}

// skipToWARCLine discards lines up to the next one that starts with
// "WARC/" (or to the end of the file), counting them into t, and returns
// how many bytes it skipped and the last four t holds.
func (r *Reader) skipToWARCLine(t *tailCounter) (int64, string) {
	for {
		if b, _ := r.br.Peek(5); string(b) == "WARC/" {
			return t.n, t.tail()
		}
		line, err := r.br.ReadSlice('\n')
		_, _ = t.Write(line)
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return t.n, t.tail()
		}
	}
}

// nextCompressed reads one record from the current gzip member, opening
// the next member first when the last one is used up.
func (r *Reader) nextCompressed() (Record, error) {
	if !r.member.open {
		start := r.pos()
		magic, _ := r.br.Peek(2)
		switch {
		case len(magic) == 0:
			r.done = true
			return Record{}, io.EOF
		case len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b:
			return r.junkTail(start, gzip.ErrHeader), nil
		}
		if err := r.openMember(); err != nil {
			return r.junkTail(start, err), nil
		}
		r.member = memberState{open: true, start: start}
	}
	rec := Record{Offset: r.member.start, Compressed: true}
	if r.member.records > 0 {
		rec.problem(ProblemGzipMember, "gzip member holds more than one record")
	}
	r.member.records++
	out, cl, err := r.parse(&rec, r.zr)
	if err == nil {
		switch out {
		case outEmpty:
			rec.problem(ProblemGzipMember, "gzip member holds no record")
			r.member.open = false
		case outNotWARC, outLost:
			_, _, err = r.drainMember()
		case outCutShort:
			r.memberEndsInside(&rec, cl)
		case outNoLength:
			err = r.readRestAsBlock(&rec)
		case outComplete:
			err = r.finishMember(&rec, cl)
		}
	}
	if err != nil {
		r.damaged(&rec, err)
	}
	if rec.Block == nil {
		rec.Block = r.block.view(r.block.size())
	}
	rec.Length = r.pos() - r.member.start
	return rec, nil
}

func (r *Reader) openMember() error {
	if r.gz == nil {
		gz, err := gzip.NewReader(r.br)
		if err != nil {
			return err
		}
		r.gz = gz
	} else if err := r.gz.Reset(r.br); err != nil {
		return err
	}
	// One member at a time: that is how offsets and lengths are known.
	r.gz.Multistream(false)
	if r.zr == nil {
		r.zr = bufio.NewReaderSize(r.gz, readBufferSize)
	} else {
		r.zr.Reset(r.gz)
	}
	return nil
}

// junkTail reports the bytes from start to the end of the file, which do
// not begin a gzip member, and ends the walk.
func (r *Reader) junkTail(start int64, err error) Record {
	rec := Record{Offset: start, Compressed: true}
	_, _ = io.Copy(io.Discard, r.br)
	rec.Length = r.pos() - start
	if errors.Is(err, io.ErrUnexpectedEOF) {
		rec.Truncated = true
		rec.problem(ProblemTruncated, "file ends inside a gzip member header")
	} else {
		rec.problem(ProblemNotWARC, "%d bytes at offset %d are not a gzip member", rec.Length, start)
	}
	rec.Block = r.block.view(0)
	r.done = true
	return rec
}

// finishMember checks what follows the block: CRLFCRLF, then the end of the
// gzip member.
func (r *Reader) finishMember(rec *Record, cl int64) error {
	b, err := r.zr.Peek(4)
	if string(b) != crlfcrlf {
		if len(b) < 4 && err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		// The member's last four bytes, counting the block's end too, tell
		// whether the record ends where Content-Length says.
		t := &tailCounter{}
		t.seed([]byte(r.block.tail()))
		n, tail, err := r.drainMemberInto(t)
		switch {
		case err != nil:
			return err
		case cl+n >= 4 && tail == crlfcrlf:
			rec.problem(ProblemContentLength, "Content-Length says %d but the block holds %d bytes", cl, cl+n-4)
		default:
			rec.problem(ProblemEndMarker, "block is not followed by CRLFCRLF")
		}
		return nil
	}
	_, _ = r.zr.Discard(4)
	next, err := r.zr.Peek(5)
	switch {
	case len(next) == 0 && errors.Is(err, io.EOF):
		r.member.open = false
		return nil
	case len(next) == 0:
		return err
	case string(next) == "WARC/":
		rec.problem(ProblemGzipMember, "gzip member holds more than one record")
		return nil
	}
	n, tail, err := r.drainMember()
	switch {
	case err != nil:
		return err
	case n >= 4 && tail == crlfcrlf:
		rec.problem(ProblemContentLength, "Content-Length says %d but the block runs to %d bytes", cl, cl+n)
	default:
		rec.problem(ProblemGzipMember, "gzip member holds %d bytes after the record", n)
	}
	return nil
}

// memberEndsInside handles a member that ended cleanly before the record
// did: a Content-Length larger than the block, or a record split over
// several members.
func (r *Reader) memberEndsInside(rec *Record, cl int64) {
	r.member.open = false
	if r.block.size() >= 4 && r.block.tail() == crlfcrlf {
		size := r.block.size() - 4
		rec.problem(ProblemContentLength, "Content-Length says %d but the gzip member ends after %d block bytes", cl, size)
		rec.Block = r.block.view(size)
		return
	}
	rec.Truncated = true
	rec.problem(ProblemGzipMember, "gzip member ends inside the record")
}

// readRestAsBlock takes the rest of the member as the block of a record
// without a usable Content-Length.
func (r *Reader) readRestAsBlock(rec *Record) error {
	if _, err := io.CopyBuffer(&r.block, r.zr, r.copyBuf); err != nil {
		return err
	}
	r.member.open = false
	size := r.block.size()
	if size < 4 || r.block.tail() != crlfcrlf {
		rec.problem(ProblemEndMarker, "block is not followed by CRLFCRLF")
		return nil
	}
	rec.Block = r.block.view(size - 4)
	return nil
}

// drainMember reads the member to its end, returning how many bytes were
// left and the last four of them.
func (r *Reader) drainMember() (int64, string, error) {
	return r.drainMemberInto(&tailCounter{})
}

func (r *Reader) drainMemberInto(t *tailCounter) (int64, string, error) {
	if _, err := io.Copy(t, r.zr); err != nil {
		return t.n, t.tail(), err
	}
	r.member.open = false
	return t.n, t.tail(), nil
}

// damaged records a gzip failure on rec. A checksum failure leaves the
// member boundary intact; anything else ends the walk, since the next
// member cannot be found reliably.
func (r *Reader) damaged(rec *Record, err error) {
	switch {
	case r.src.err != nil:
		r.done = true // Next returns the read error itself
	case errors.Is(err, io.ErrUnexpectedEOF):
		rec.Truncated = true
		rec.problem(ProblemTruncated, "gzip member is cut short")
		r.done = true
	case errors.Is(err, gzip.ErrChecksum):
		rec.problem(ProblemGzip, "gzip member fails its CRC or size check")
		r.member.open = false
	default:
		rec.problem(ProblemGzip, "corrupt gzip data: %v", err)
		r.done = true
	}
}
