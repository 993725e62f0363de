package capture

import (
	"io"

	"arkisto/warc/spool"
)

// Spool holds one exchange's response bytes as read from the connection,
// in a spool.Buffer: in memory up to a limit, then in an unlinked temporary
// file. Only the transport writes it (write, reset, seal are unexported for
// that reason); once the exchange is handed to OnExchange it no longer
// changes and can be read many times, as the WARC writer does (one pass for
// digests, one for the record).
type Spool struct {
	buf *spool.Buffer
}

func newSpool(dir string, limit int64) *Spool {
	return &Spool{buf: spool.New(dir, limit)}
}

// write appends p, spilling to a temporary file once the memory limit is
// passed. After seal it drops p: late reads of a torn-down connection.
func (s *Spool) write(p []byte) error {
	_, err := s.buf.Write(p)
	return err
}

// reset drops everything recorded, for a request net/http sends again on
// another connection.
func (s *Spool) reset() error { return s.buf.Reset() }

func (s *Spool) seal() { s.buf.Seal() }

// spilled tells whether the bytes went to the temporary file.
func (s *Spool) spilled() bool { return s.buf.Spilled() }

// Size reports how many bytes the spool holds.
func (s *Spool) Size() int64 { return s.buf.Size() }

// ReadAt reads recorded bytes at off, as io.ReaderAt.
func (s *Spool) ReadAt(p []byte, off int64) (int, error) { return s.buf.ReadAt(p, off) }

// Bytes returns a copy of everything recorded. Meant for small spools; for
// large ones read through ReadAt or Reader.
func (s *Spool) Bytes() ([]byte, error) { return s.buf.Bytes() }

// Reader returns a fresh reader over the whole spool.
func (s *Spool) Reader() *io.SectionReader { return s.buf.Reader() }

// Close releases the bytes and the temporary file, if any.
func (s *Spool) Close() error { return s.buf.Close() }
