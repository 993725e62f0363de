package warc

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Field is one WARC header line: the name as written, the value trimmed.
type Field struct {
	Name  string
	Value string
}

// Fields keeps a record's header lines in file order; names may repeat.
type Fields []Field

// Get returns the value of the first field named name (case-insensitive),
// or "" when there is none.
func (f Fields) Get(name string) string {
	v, _ := f.Lookup(name)
	return v
}

// Lookup is Get that also tells whether the field is present.
func (f Fields) Lookup(name string) (string, bool) {
	for _, fl := range f {
		if strings.EqualFold(fl.Name, name) {
			return fl.Value, true
		}
	}
	return "", false
}

// Values returns the values of every field named name, in file order.
func (f Fields) Values(name string) []string {
	var vs []string
	for _, fl := range f {
		if strings.EqualFold(fl.Name, name) {
			vs = append(vs, fl.Value)
		}
	}
	return vs
}

// Record is one WARC record as it lies in the file, flaws included: the
// reader reports framing faults in Problems instead of hiding them.
type Record struct {
	// Version is the first line without its line end ("WARC/1.1"). It is ""
	// for a stretch of bytes that holds no record (garbage, an empty gzip
	// member); Problems then says what was skipped.
	Version string
	Header  Fields
	// Block holds the record's block: Content-Length bytes, fewer when the
	// record was cut short. It is valid until the next record is read.
	Block Block
	// Offset is where the record's gzip member starts (in a .warc.gz) or
	// where the record starts (in a .warc); Length is how many bytes of the
	// file it takes, end marker included.
	Offset     int64
	Length     int64
	Compressed bool
	// Truncated is set when the file or gzip member ends inside the record.
	Truncated bool
	Problems  []Problem
}

// BlockReader returns a fresh reader over the block.
func (r Record) BlockReader() io.Reader {
	if r.Block == nil {
		return strings.NewReader("")
	}
	return io.NewSectionReader(r.Block, 0, r.Block.Size())
}

func (r *Record) problem(code ProblemCode, format string, args ...any) {
	r.Problems = addProblem(r.Problems, code, format, args...)
}

// ReaderOptions tune where blocks are spooled. The zero value is fine.
type ReaderOptions struct {
	SpoolDir    string // where blocks larger than SpoolMemory go; "" means os.TempDir()
	SpoolMemory int    // bytes of a block kept in memory; 0 means 1 MiB
}

// Reader walks a .warc or .warc.gz file one record at a time. It does not
// use gowarc, so it can see what gowarc repairs or hides: each gzip member is
// read on its own (Multistream off) and its compressed offset and length are
// counted.
type Reader struct {
	src        *countingReader
	br         *bufio.Reader
	gz         *gzip.Reader
	zr         *bufio.Reader
	spool      *spool
	sniffed    bool
	compressed bool
	done       bool
	member     memberState
}

type memberState struct {
	open    bool
	start   int64
	records int
}

const (
	maxHeaderBytes = 1 << 20
	readBufferSize = 64 << 10
)

const crlfcrlf = "\r\n\r\n"

// NewReader reads WARC records from r, compressed or not (it sniffs the
// gzip magic). Close it to remove its spool file.
func NewReader(r io.Reader, opts ReaderOptions) *Reader {
	if opts.SpoolMemory <= 0 {
		opts.SpoolMemory = 1 << 20
	}
	if opts.SpoolDir == "" {
		opts.SpoolDir = os.TempDir()
	}
	src := &countingReader{r: r}
	return &Reader{
		src:   src,
		br:    bufio.NewReaderSize(src, readBufferSize),
		spool: newSpool(opts.SpoolDir, opts.SpoolMemory),
	}
}

// Close releases the block spool.
func (r *Reader) Close() error { return r.spool.close() }

// Next returns the next record, or io.EOF after the last one. Faults in the
// file come back as Problems on a record; an error means the underlying
// reader failed.
func (r *Reader) Next() (Record, error) {
	if r.done {
		return Record{}, io.EOF
	}
	if !r.sniffed {
		r.sniffed = true
		magic, _ := r.br.Peek(2)
		r.compressed = len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b
	}
	if err := r.spool.reset(); err != nil {
		return Record{}, err
	}
	var rec Record
	var err error
	if r.compressed {
		rec, err = r.nextCompressed()
	} else {
		rec, err = r.nextPlain()
	}
	if r.src.err != nil {
		return Record{}, fmt.Errorf("read warc: %w", r.src.err)
	}
	return rec, err
}

// ReadRecords calls fn for every record of r, in file order, and stops at
// the first error fn returns.
func ReadRecords(r io.Reader, fn func(Record) error) error {
	rd := NewReader(r, ReaderOptions{})
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return rd.Close()
		}
		if err == nil {
			err = fn(rec)
		}
		if err != nil {
			return errors.Join(err, rd.Close())
		}
	}
}

func (r *Reader) pos() int64 { return r.src.n - int64(r.br.Buffered()) }

func (r *Reader) blockView(size int64) Block {
	return io.NewSectionReader(r.spool, 0, size)
}

// countingReader counts the bytes taken from the file and keeps the first
// real read error, so that gzip and bufio cannot turn it into a format fault.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && !errors.Is(err, io.EOF) && c.err == nil {
		c.err = err
	}
	return n, err
}
