package warc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ValidateOptions tune ValidateFile. The zero value checks digests the way
// arkisto writes them.
type ValidateOptions struct {
	// RawPayloadDigest checks WARC-Payload-Digest over the raw bytes after
	// the HTTP header, chunk framing included, the way warcio and wget do,
	// instead of over the de-chunked entity body (WARC 1.1, Heritrix).
	RawPayloadDigest bool
	// SpoolDir is where blocks too large for memory are kept while checked;
	// "" means os.TempDir().
	SpoolDir string
}

var warcDateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$`)

// ValidateFile checks every record of one .warc or .warc.gz file and reports
// the records that have problems. The error is for a file that cannot be
// read at all; faults in its content are in the report.
func ValidateFile(ctx context.Context, path string, opts ValidateOptions) (FileReport, error) {
	rep := FileReport{Path: path}
	f, err := os.Open(path)
	if err != nil {
		return rep, fmt.Errorf("open warc file %q: %w", path, err)
	}
	defer f.Close()
	rd := NewReader(f, ReaderOptions{SpoolDir: opts.SpoolDir})
	rep.checkFile(f, rd.Compressed())
	v := &validator{opts: opts, methods: map[string]string{}}
	for {
		if err := ctx.Err(); err != nil {
			return rep, errors.Join(err, rd.Close())
		}
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rep, errors.Join(fmt.Errorf("validate %q: %w", path, err), rd.Close())
		}
		if rec.Version != "" {
			rep.Records++
		}
		problems := append(slices.Clip(rec.Problems), v.check(rec)...)
		if len(problems) == 0 {
			continue
		}
		rep.Problems += len(problems)
		rep.Bad = append(rep.Bad, RecordReport{
			Offset:    rec.Offset,
			Length:    rec.Length,
			Type:      rec.Header.Get("WARC-Type"),
			RecordID:  rec.Header.Get("WARC-Record-ID"),
			TargetURI: rec.Header.Get("WARC-Target-URI"),
			Problems:  problems,
		})
	}
	if err := rd.Close(); err != nil {
		return rep, fmt.Errorf("validate %q: %w", path, err)
	}
	return rep, nil
}

// validator carries what one file's records tell about later ones.
type validator struct {
	opts ValidateOptions
	// methods maps request record IDs to their HTTP method, so a response
	// to HEAD is known to have no body.
	methods map[string]string
}

func (v *validator) check(rec Record) []Problem {
	if rec.Version == "" || rec.Truncated || hasProblem(rec.Problems, ProblemHeaderSize) {
		return nil // nothing to check, or the reader's problem says it all
	}
	var out []Problem
	h := rec.Header
	for _, name := range []string{"WARC-Record-ID", "Content-Length", "WARC-Date", "WARC-Type"} {
		if _, ok := h.Lookup(name); !ok {
			out = addProblem(out, ProblemMissingHeader, "no %s header", name)
		}
	}
	typ := h.Get("WARC-Type")
	switch typ {
	case "response", "request", "revisit", "resource":
		if _, ok := h.Lookup("WARC-Target-URI"); !ok {
			out = addProblem(out, ProblemMissingHeader, "no WARC-Target-URI header in a %s record", typ)
		}
	}
	if d, ok := h.Lookup("WARC-Date"); ok && !validWARCDate(d) {
		out = addProblem(out, ProblemDate, "WARC-Date %q is not a UTC time of the form 2006-01-02T15:04:05Z", clip(d))
	}
	if typ == "revisit" {
		for _, name := range []string{"WARC-Refers-To-Target-URI", "WARC-Refers-To-Date"} {
			if _, ok := h.Lookup(name); !ok {
				out = addProblem(out, ProblemRevisit, "revisit record without %s", name)
			}
		}
	}
	if typ == "request" {
		v.rememberMethod(h.Get("WARC-Record-ID"), rec)
	}
	if hasProblem(rec.Problems, ProblemContentLength) {
		return out // the block is not what the digests were made from
	}
	if want, ok := h.Lookup("WARC-Block-Digest"); ok {
		if msg := checkDigest(want, rec.BlockReader()); msg != "" {
			out = addProblem(out, ProblemBlockDigest, "WARC-Block-Digest %s", msg)
		}
	}
	if want, ok := h.Lookup("WARC-Payload-Digest"); ok && typ != "revisit" {
		// A revisit's payload digest names the earlier capture's payload.
		if msg := v.checkPayload(rec, typ, want); msg != "" {
			out = addProblem(out, ProblemPayloadDigest, "WARC-Payload-Digest %s", msg)
		}
	}
	return out
}

func validWARCDate(s string) bool {
	if !warcDateRe.MatchString(s) {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

func hasProblem(ps []Problem, code ProblemCode) bool {
	return slices.ContainsFunc(ps, func(p Problem) bool { return p.Code == code })
}

func (v *validator) rememberMethod(id string, rec Record) {
	if id == "" {
		return
	}
	if len(v.methods) > 10000 {
		clear(v.methods) // requests and responses are written side by side
	}
	line := make([]byte, 16)
	n, _ := io.ReadFull(rec.BlockReader(), line)
	method, _, _ := strings.Cut(string(line[:n]), " ")
	v.methods[id] = method
}

// methodFor finds the method of the request a response belongs to.
func (v *validator) methodFor(h Fields) string {
	for _, id := range h.Values("WARC-Concurrent-To") {
		if m, ok := v.methods[id]; ok {
			return m
		}
	}
	return "GET"
}
