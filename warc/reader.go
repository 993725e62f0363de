package warc

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"

	"arkisto/warc/spool"
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
	// record was cut short, and only its head or nothing when the reader
	// was asked to keep less (ReaderOptions.Block). It is valid until the
	// next record is read.
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

// Whole tells whether the record reads whole: a version line, a header
// block that ends within the bound, a Content-Length and that many bytes of
// block, and in a .warc.gz a gzip member of its own that decompresses
// soundly. Only whole
// records are indexed; the validator names what the others lack. Faults
// that leave the record readable (a bad digest, a missing end marker, an
// odd header line) do not count.
func (r Record) Whole() bool {
	if _, ok := r.Header.Lookup("Content-Length"); !ok || r.Version == "" || r.Truncated {
		return false // without a length, a block's end is only a guess
	}
	for _, p := range r.Problems {
		switch p.Code {
		case ProblemNotWARC, ProblemHeaderSize, ProblemContentLength, ProblemGzipMember, ProblemTruncated, ProblemGzip:
			return false
		}
	}
	return true
}

func (r *Record) problem(code ProblemCode, format string, args ...any) {
	r.Problems = addProblem(r.Problems, code, format, args...)
}

// BlockMode says how much of each block a Reader keeps for the caller.
type BlockMode int

// The block modes. Whatever the mode, every block is read to its end and
// its framing checked; the modes differ only in what the caller can read.
const (
	KeepBlock     BlockMode = iota // the whole block, spooled to disk past SpoolMemory
	KeepBlockHead                  // its first MaxHeader bytes: enough for an HTTP header
	SkipBlock                      // none of it
)

// DefaultMaxHeader bounds a record's header block unless ReaderOptions
// says otherwise. Real WARC headers take a few hundred bytes; a header
// that runs past this is damage, and is not held in memory.
const DefaultMaxHeader = 256 << 10

// ReaderOptions tune what a Reader keeps. The zero value keeps every block
// whole, in memory up to 1 MiB and in os.TempDir() beyond.
type ReaderOptions struct {
	SpoolDir    string // where blocks larger than SpoolMemory go; "" means os.TempDir()
	SpoolMemory int    // bytes of a block kept in memory; 0 means 1 MiB
	Block       BlockMode
	// MaxHeader bounds the version line and header lines of a record
	// together, and the head KeepBlockHead keeps; 0 means DefaultMaxHeader.
	// A record whose header runs past it is reported (ProblemHeaderSize)
	// and skipped without being held in memory.
	MaxHeader int
}

// Reader walks a .warc or .warc.gz file one record at a time. It is the
// package's one WARC reader (doc.go says why it is not gowarc's): each gzip
// member is read on its own (Multistream off), its compressed offset and
// length are counted, and header lines are read up to a bound.
type Reader struct {
	src        *countingReader
	br         *bufio.Reader
	gz         *gzip.Reader
	zr         *bufio.Reader
	block      blockSink
	copyBuf    []byte
	maxHeader  int
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

const readBufferSize = 64 << 10

const crlfcrlf = "\r\n\r\n"

// NewReader reads WARC records from r, compressed or not (it sniffs the
// gzip magic). Close it to release its spool.
func NewReader(r io.Reader, opts ReaderOptions) *Reader {
	if opts.SpoolMemory <= 0 {
		opts.SpoolMemory = 1 << 20
	}
	if opts.MaxHeader <= 0 {
		opts.MaxHeader = DefaultMaxHeader
	}
	src := &countingReader{r: r}
	return &Reader{
		src:       src,
		br:        bufio.NewReaderSize(src, readBufferSize),
		block:     newBlockSink(spool.New(opts.SpoolDir, int64(opts.SpoolMemory)), opts.Block, opts.MaxHeader),
		copyBuf:   make([]byte, 32<<10),
		maxHeader: opts.MaxHeader,
	}
}

// Close releases the block spool.
func (r *Reader) Close() error { return r.block.buf.Close() }

// Compressed tells whether the input starts with the gzip magic, so its
// records are read as gzip members.
func (r *Reader) Compressed() bool {
	if !r.sniffed {
		r.sniffed = true
		magic, _ := r.br.Peek(2)
		r.compressed = len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b
	}
	return r.compressed
}

// Next returns the next record, or io.EOF after the last one. Faults in the
// file come back as Problems on a record; an error means the underlying
// reader failed.
func (r *Reader) Next() (Record, error) {
	if r.done {
		return Record{}, io.EOF
	}
	if err := r.block.reset(); err != nil {
		return Record{}, err
	}
	var rec Record
	var err error
	if r.Compressed() {
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

// countingReader counts the bytes taken from the file and keeps the first
// real read error, so that gzip, bufio or net/http cannot turn a failing
// disk into a format fault or the end of a message.
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
