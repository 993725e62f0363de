package warc

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/flate"
)

// ErrWriterClosed is returned by WriteExchange after Close.
var ErrWriterClosed = errors.New("warc writer is closed")

// Info holds the warcinfo fields written at the start of every file; empty
// fields are left out.
type Info struct {
	Software     string // "arkisto/1.2.3"
	Hostname     string
	Operator     string // who runs the crawl, with a contact
	RobotsPolicy string // "obey", "ignore", ...
	UserAgent    string
	JobName      string // written as isPartOf
	Description  string
}

// Options configures a Writer. A zero field means its default.
type Options struct {
	Dir     string // folder for the files, created if missing
	Prefix  string // file name prefix; default "arkisto"
	MaxSize int64  // close a file once it holds this many bytes on disk (compressed); default 1 GiB
	Version string // "1.1" (default) or "1.0"
	// GzipLevel is the deflate level of every member, 1 (fastest) to 9
	// (smallest); default 3. Measured with klauspost/compress on the crawl
	// benchmark's records and on 60 KiB HTML pages, level 3 costs 16% and
	// 28% less CPU than the library's default 5 for 1.2% and 7% more
	// bytes; zlib's level 6, which Heritrix and warcio use, is 1-3% smaller
	// than 5 and several times slower in Go. A payload that is already
	// compressed (images, video, fonts, archives, any Content-Encoding) is
	// stored rather than deflated, whatever the level: see
	// alreadyCompressed.
	GzipLevel int
	Info      Info
	// OnFileClosed, if set, is called after a file is closed and renamed to
	// its final path. It runs outside the writer's lock, on the goroutine
	// that caused the close, so it may be called concurrently for
	// different files and may itself call the Writer.
	OnFileClosed func(path string, size int64)
	// Process ends file names in place of the hostname: a name of the
	// writing process, unique among the processes whose files may meet
	// in one folder (the processes of one crawl). Default: the hostname.
	Process string
}

const (
	defaultPrefix  = "arkisto"
	defaultMaxSize = 1 << 30
	defaultGzip    = 3
	openSuffix     = ".open"
)

// Writer writes captured exchanges into rotating gzip-compressed WARC files
// named PREFIX-YYYYMMDDhhmmssSSS-NNNNN-HOST.warc.gz (HOST: Options.Process
// when set), one gzip member per record. It is safe for concurrent use.
type Writer struct {
	opts Options
	host string // for file names

	now func() time.Time // the clock that names files; tests stop it

	mu     sync.Mutex
	closed bool
	serial int
	cur    *warcFile     // nil while no file is open
	member *memberWriter // reused across members: its deflate tables are costly to allocate
	buf    []byte        // copies blocks into member; io.Copy would allocate one per record
}

// NewWriter checks opts and creates the output folder. The first file is
// opened by the first WriteExchange, so a writer that writes nothing leaves
// no file behind.
func NewWriter(opts Options) (*Writer, error) {
	if opts.Prefix == "" {
		opts.Prefix = defaultPrefix
	}
	if opts.MaxSize == 0 {
		opts.MaxSize = defaultMaxSize
	}
	if opts.Version == "" {
		opts.Version = "1.1"
	}
	if opts.GzipLevel == 0 {
		opts.GzipLevel = defaultGzip
	}
	switch {
	case opts.Version != "1.0" && opts.Version != "1.1":
		return nil, fmt.Errorf("new warc writer: version %q is neither 1.0 nor 1.1", opts.Version)
	case opts.MaxSize < 0:
		return nil, fmt.Errorf("new warc writer: max size %d is negative", opts.MaxSize)
	case opts.GzipLevel < flate.BestSpeed || opts.GzipLevel > flate.BestCompression:
		return nil, fmt.Errorf("new warc writer: gzip level %d is not between %d and %d", opts.GzipLevel, flate.BestSpeed, flate.BestCompression)
	case strings.ContainsAny(opts.Prefix, `/\`):
		return nil, fmt.Errorf("new warc writer: prefix %q holds a path separator", opts.Prefix)
	}
	if err := checkInfo(opts.Info); err != nil {
		return nil, fmt.Errorf("new warc writer: %w", err)
	}
	host, err := os.Hostname()
	if err != nil {
		return nil, fmt.Errorf("new warc writer: look up hostname: %w", err)
	}
	if opts.Process != "" {
		host = opts.Process
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("new warc writer: create folder: %w", err)
	}
	member, err := newMemberWriter(opts.GzipLevel)
	if err != nil {
		return nil, fmt.Errorf("new warc writer: %w", err)
	}
	return &Writer{opts: opts, host: fileNameSafe(host), now: time.Now, member: member, buf: make([]byte, copyBufferSize)}, nil
}

// WriteExchange writes the response record and then the request record of
// ex into one file, each its own gzip member, and reports both. It is
// Prepare followed by WritePrepared.
func (w *Writer) WriteExchange(ex Exchange) (response, request Written, err error) {
	p, err := Prepare(ex)
	if err != nil {
		return Written{}, Written{}, err
	}
	return w.WritePrepared(p)
}

// WritePrepared writes p as a response record and then its request record,
// into one file, each its own gzip member, and reports both. Response first
// is Heritrix's order (WARCWriterChainProcessor): the response is the
// principal record that indexes point at, and the request is concurrent to
// it.
//
// Digests were computed by Prepare, before the writer's lock is taken, so
// only the copy into the file is serialized. On a failed write nothing of
// the exchange stays in the file. If the exchange fills the file and
// closing it fails, the error comes with the exchange's Written values: its
// records are in the file, which is left as ".open".
func (w *Writer) WritePrepared(p *Prepared) (response, request Written, err error) {
	resp, req, err := p.exchangeRecords(w.opts.Version)
	if err != nil {
		return Written{}, Written{}, err
	}
	return w.writeLocked(resp, req)
}

// writeLocked writes a principal record and its request under the lock and
// reports a file it closed once the lock is released.
func (w *Writer) writeLocked(principal, req *pendingRecord) (Written, Written, error) {
	w.mu.Lock()
	first, second, done, err := w.writePair(principal, req)
	w.mu.Unlock()
	w.notify(done)
	return first, second, err
}

// CurrentSize returns the bytes in the open file, 0 if none is open.
func (w *Writer) CurrentSize() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cur == nil {
		return 0
	}
	return w.cur.size
}

// Close closes and renames the open file. Later calls do nothing.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	var done *closedFile
	var err error
	if w.cur != nil {
		done, err = w.closeFile()
	}
	w.mu.Unlock()
	w.notify(done)
	return err
}

// closedFile is a file finished under the lock, reported once it is released.
type closedFile struct {
	path string
	size int64
}

func (w *Writer) notify(done *closedFile) {
	if done != nil && w.opts.OnFileClosed != nil {
		w.opts.OnFileClosed(done.path, done.size)
	}
}

// writePair appends both records, or neither: on any failure the file is cut
// back to where the pair began, so no later record follows a broken member.
// A file that has reached MaxSize is closed right after the pair, so it does
// not sit as .open until the next exchange, and a pair is never split.
func (w *Writer) writePair(resp, req *pendingRecord) (response, request Written, done *closedFile, err error) {
	if w.closed {
		return Written{}, Written{}, nil, ErrWriterClosed
	}
	if w.cur == nil {
		if err := w.openFile(); err != nil {
			return Written{}, Written{}, nil, err
		}
	}
	f := w.cur
	start := f.size
	response, err = w.writeMember(resp)
	if err == nil {
		request, err = w.writeMember(req)
	}
	if err == nil {
		err = f.buf.Flush()
	}
	if err != nil {
		err = fmt.Errorf("write %s of %s to %q: %w", resp.written.Type, resp.written.TargetURI, f.path+openSuffix, err)
		if rerr := f.rollback(start); rerr != nil {
			// The damaged tail cannot be cut: retire the file so nothing is
			// appended after it, and say so.
			retired, cerr := w.closeFile()
			return Written{}, Written{}, retired, errors.Join(err, rerr, cerr)
		}
		return Written{}, Written{}, nil, err
	}
	if f.size >= w.opts.MaxSize {
		done, err = w.closeFile()
	}
	return response, request, done, err
}

// writeMember writes r as one gzip member at the end of the open file.
func (w *Writer) writeMember(r *pendingRecord) (Written, error) {
	f := w.cur
	start := f.size
	if err := w.member.begin(f); err != nil {
		return Written{}, err
	}
	if err := writeRecord(w.member, w.opts.Version, f.warcinfoID, r, w.buf); err != nil {
		return Written{}, err
	}
	if err := w.member.end(); err != nil {
		return Written{}, err
	}
	written := r.written
	written.File = f.name
	written.Offset = start
	written.Length = f.size - start
	return written, nil
}

func (w *Writer) openFile() error {
	now := w.now().UTC()
	file, name, path, err := w.createFile(now)
	if err != nil {
		return err
	}
	f := &warcFile{file: file, buf: bufio.NewWriterSize(file, 256<<10), name: name, path: path}
	w.cur = f

	info, err := newWarcinfoRecord(w.opts.Info, w.opts.Version, name, now)
	if err == nil {
		_, err = w.writeMember(info)
	}
	if err == nil {
		err = f.buf.Flush()
	}
	if err != nil {
		// A file without its warcinfo is of no use: remove it.
		w.cur = nil
		return errors.Join(fmt.Errorf("write warcinfo to %q: %w", path+openSuffix, err),
			file.Close(), os.Remove(path+openSuffix))
	}
	f.warcinfoID = info.written.RecordID
	return nil
}

// closeFile flushes, syncs and renames the open file; the writer has no open
// file afterwards even when this fails.
func (w *Writer) closeFile() (*closedFile, error) {
	f := w.cur
	w.cur = nil
	err := f.buf.Flush()
	if err == nil {
		err = f.file.Sync()
	}
	// Where the writer locks its file, the rename comes first, under the
	// lock: a Repair in another process never finds the file unlocked
	// under its .open name. Elsewhere an open file may not be renamed.
	if err == nil && renameLocked {
		err = os.Rename(f.path+openSuffix, f.path)
	}
	err = errors.Join(err, f.file.Close())
	if err == nil && !renameLocked {
		err = os.Rename(f.path+openSuffix, f.path)
	}
	if err != nil {
		return nil, fmt.Errorf("close warc file %q: %w", f.path+openSuffix, err)
	}
	return &closedFile{path: f.path, size: f.size}, nil
}

// warcFile is the open file; size counts every byte handed to it, buffered
// or not, so it is the offset of the next member.
type warcFile struct {
	file       *os.File
	buf        *bufio.Writer
	name       string // final base name
	path       string // final path, without ".open"
	size       int64
	warcinfoID string
}

func (f *warcFile) Write(p []byte) (int, error) {
	n, err := f.buf.Write(p)
	f.size += int64(n)
	return n, err
}

// rollback drops everything after offset: the bytes still buffered and those
// already on disk.
func (f *warcFile) rollback(offset int64) error {
	f.buf.Reset(f.file)
	if err := f.file.Truncate(offset); err != nil {
		return fmt.Errorf("cut %q back to %d bytes: %w", f.path+openSuffix, offset, err)
	}
	if _, err := f.file.Seek(offset, io.SeekStart); err != nil {
		return fmt.Errorf("cut %q back to %d bytes: %w", f.path+openSuffix, offset, err)
	}
	f.size = offset
	return nil
}
