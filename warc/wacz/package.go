package wacz

import (
	"archive/zip"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"time"

	"arkisto/warc"
)

// Version is the WACZ version the packages follow.
const Version = "1.1.1"

// Options say what goes into a package.
type Options struct {
	// WARCFiles are the finished WARC files, stored under archive/ by base
	// name (which must differ), in this order.
	WARCFiles []string
	// Pages is the crawl's page list (see PageList); "" or a missing file
	// gives a page list with no pages.
	Pages string
	// Title and Description describe the collection in datapackage.json.
	Title       string
	Description string
	// Software names what made the package, such as "arkisto 0.1.0".
	Software string
	// Created is when the package was made; zero means now.
	Created time.Time
	// TempDir holds the index while it is sorted and index.idx when it
	// grows; "" means os.TempDir().
	TempDir string
}

// Result says what a package holds.
type Result struct {
	Path         string
	Bytes        int64
	WARCFiles    int
	IndexLines   int
	IndexBlocks  int // gzip members of index.cdx.gz, one line each in index.idx
	Pages        int
	SkippedPages int // page list lines that did not read whole (a crash cuts the last one)
	// Skipped lists records the index left out (damaged, as warc.IndexFiles
	// says); the package is written all the same.
	Skipped error
}

// Write packages the WARC files as a WACZ file at path. It writes a
// temporary file beside path and renames it at the end, so path is either
// the whole package or what was there before.
func Write(ctx context.Context, path string, opts Options) (res Result, err error) {
	if len(opts.WARCFiles) == 0 {
		return res, errors.New("make wacz: no WARC files to package")
	}
	if err := checkNames(opts.WARCFiles); err != nil {
		return res, err
	}
	if opts.Created.IsZero() {
		opts.Created = time.Now()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return res, fmt.Errorf("make wacz: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	buf := bufio.NewWriterSize(tmp, 1<<20)
	p := &packer{zip: zip.NewWriter(buf), opts: opts}
	if res, err = p.write(ctx); err != nil {
		return res, err
	}
	if err := p.zip.Close(); err != nil {
		return res, fmt.Errorf("finish wacz %q: %w", path, err)
	}
	if err := buf.Flush(); err != nil {
		return res, fmt.Errorf("write wacz %q: %w", path, err)
	}
	// CreateTemp made it private; a package is for sharing.
	if err := tmp.Chmod(0o644); err != nil {
		return res, fmt.Errorf("write wacz %q: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return res, fmt.Errorf("write wacz %q: %w", path, err)
	}
	info, err := tmp.Stat()
	if err != nil {
		return res, fmt.Errorf("write wacz %q: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return res, fmt.Errorf("write wacz %q: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return res, fmt.Errorf("write wacz %q: %w", path, err)
	}
	res.Path, res.Bytes = path, info.Size()
	return res, nil
}

// checkNames refuses two WARC files of one base name: both would be
// archive/NAME, and the index could not tell them apart.
func checkNames(files []string) error {
	seen := map[string]string{}
	for _, f := range files {
		base := filepath.Base(f)
		if other, dup := seen[base]; dup {
			return fmt.Errorf("make wacz: %q and %q have the same name", other, f)
		}
		seen[base] = f
	}
	return nil
}

// resource is one file of the package as datapackage.json lists it.
type resource struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Hash  string `json:"hash"`
	Bytes int64  `json:"bytes"`
}

// packer writes the entries of one package, noting each as a resource.
type packer struct {
	zip       *zip.Writer
	opts      Options
	resources []resource
}

func (p *packer) write(ctx context.Context) (Result, error) {
	var res Result
	for _, f := range p.opts.WARCFiles {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if err := p.addFile(f); err != nil {
			return res, err
		}
		res.WARCFiles++
	}
	if err := p.addIndex(ctx, &res); err != nil {
		return res, err
	}
	err := p.add("pages/pages.jsonl", zip.Deflate, func(w io.Writer) error {
		var err error
		res.Pages, res.SkippedPages, err = copyPages(p.opts.Pages, w)
		return err
	})
	if err != nil {
		return res, err
	}
	return res, p.addDataPackage()
}

// addFile stores a WARC file as it is: it is gzipped already, and a reader
// seeks into it by the offsets of the index.
func (p *packer) addFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("package warc file: %w", err)
	}
	defer f.Close()
	return p.add("archive/"+filepath.Base(path), zip.Store, func(w io.Writer) error {
		if _, err := io.Copy(w, f); err != nil {
			return fmt.Errorf("package warc file %q: %w", path, err)
		}
		return nil
	})
}

// addIndex indexes the WARC files into index.cdx.gz (stored: its gzip
// members are what a reader seeks to) and index.idx, which says where
// each member starts.
func (p *packer) addIndex(ctx context.Context, res *Result) error {
	blocks := newBlockIndex(nil, p.opts.TempDir)
	defer blocks.close()
	err := p.add("indexes/index.cdx.gz", zip.Store, func(w io.Writer) error {
		blocks.out = w
		err := warc.IndexFiles(ctx, p.opts.WARCFiles, blocks)
		if errors.Is(err, warc.ErrSkippedRecords) {
			res.Skipped, err = err, nil
		}
		if err != nil {
			return fmt.Errorf("index warc files: %w", err)
		}
		return blocks.flush()
	})
	if err != nil {
		return err
	}
	res.IndexLines, res.IndexBlocks = blocks.total, blocks.blocks
	// Always, however small the index, as py-wacz does: ReplayWeb.page
	// (wabac.js 2.x) finds an index through index.idx, or in a plain .cdx
	// or .cdxj, and does not read a lone index.cdx.gz.
	return p.add("indexes/index.idx", zip.Deflate, blocks.writeIdx)
}

// add writes one entry with fill, hashing and counting what it writes.
func (p *packer) add(name string, method uint16, fill func(io.Writer) error) error {
	entry, err := p.zip.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: p.opts.Created})
	if err != nil {
		return fmt.Errorf("add %s to wacz: %w", name, err)
	}
	h := sha256.New()
	counted := &countingWriter{w: io.MultiWriter(entry, h)}
	if err := fill(counted); err != nil {
		return err
	}
	p.resources = append(p.resources, newResource(name, h, counted.n))
	return nil
}

func newResource(path string, h hash.Hash, size int64) resource {
	return resource{Name: resourceName(path), Path: path, Hash: "sha256:" + hex.EncodeToString(h.Sum(nil)), Bytes: size}
}

// resourceName is the file's base name as a Frictionless resource name
// (lower case letters, digits and "-._/"), as py-wacz names resources.
func resourceName(path string) string {
	name := []byte(filepath.Base(path))
	for i, c := range name {
		switch {
		case c >= 'A' && c <= 'Z':
			name[i] = c + 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '.', c == '_':
		default:
			name[i] = '-'
		}
	}
	return string(name)
}
