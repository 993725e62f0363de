package wacz

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"

	"arkisto/warc/spool"
)

// BlockLines is how many CDXJ lines go into one gzip member of
// index.cdx.gz: the size py-wacz and ArchiveWeb.page use, so a reader
// that finds a URL in index.idx inflates about 1,024 lines to reach it.
const BlockLines = 1024

// idxMemory is how much of index.idx stays in memory before it spills to
// a temporary file: one line per BlockLines index lines, so this covers
// some ten million captures.
const idxMemory = 1 << 20

// blockIndex cuts the CDXJ lines written to it into gzip members of
// BlockLines lines, written to out, and keeps index.idx's line for each
// member: its first line's key and timestamp, its offset, length and
// sha256, as cdxj-indexer (which py-wacz uses) writes them.
type blockIndex struct {
	out    io.Writer
	block  bytes.Buffer // the lines of the member being filled
	lines  int          // lines in block
	total  int          // lines in all
	offset int64        // where the next member starts in out
	idx    *spool.Buffer
	blocks int
	gz     *gzip.Writer
}

func newBlockIndex(out io.Writer, tempDir string) *blockIndex {
	return &blockIndex{out: out, idx: spool.New(tempDir, idxMemory)}
}

// Write takes CDXJ lines, whole or in pieces.
func (b *blockIndex) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			b.block.Write(p)
			break
		}
		b.block.Write(p[:i+1])
		p = p[i+1:]
		b.lines++
		b.total++
		if b.lines == BlockLines {
			if err := b.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// flush writes the lines kept so far as one gzip member.
func (b *blockIndex) flush() error {
	if b.block.Len() == 0 {
		return nil
	}
	first, _, _ := bytes.Cut(b.block.Bytes(), []byte("\n"))
	key, _, _ := bytes.Cut(first, []byte(" {"))
	sum := sha256.New()
	counted := &countingWriter{w: io.MultiWriter(b.out, sum)}
	if b.gz == nil {
		b.gz = gzip.NewWriter(counted)
	} else {
		b.gz.Reset(counted)
	}
	if _, err := b.gz.Write(b.block.Bytes()); err != nil {
		return fmt.Errorf("compress index block: %w", err)
	}
	if err := b.gz.Close(); err != nil {
		return fmt.Errorf("compress index block: %w", err)
	}
	// As Python's json.dumps spells it, like the rest of a pywb index.
	line := fmt.Sprintf("%s {\"offset\": %s, \"length\": %s, \"digest\": \"sha256:%s\"}\n",
		key, strconv.FormatInt(b.offset, 10), strconv.FormatInt(counted.n, 10), hex.EncodeToString(sum.Sum(nil)))
	if _, err := b.idx.Write([]byte(line)); err != nil {
		return fmt.Errorf("keep index.idx line: %w", err)
	}
	b.offset += counted.n
	b.blocks++
	b.block.Reset()
	b.lines = 0
	return nil
}

// writeIdx writes index.idx: a header naming the data file, then a line
// per member.
func (b *blockIndex) writeIdx(out io.Writer) error {
	header := `!meta 0 {"format": "cdxj-gzip-1.0", "filename": "index.cdx.gz"}` + "\n"
	if _, err := io.WriteString(out, header); err != nil {
		return fmt.Errorf("write index.idx: %w", err)
	}
	if _, err := io.Copy(out, b.idx.Reader()); err != nil {
		return fmt.Errorf("write index.idx: %w", err)
	}
	return nil
}

func (b *blockIndex) close() error { return b.idx.Close() }

// countingWriter counts what passes through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
