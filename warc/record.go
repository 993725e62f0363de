package warc

import (
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/nlnwa/gowarc/v3"
)

// ErrEmptyResponse and ErrEmptyRequest are returned for an exchange with a
// message of no bytes at all. An empty response means nothing was received,
// so there is nothing to archive; an empty request means the recorder lost
// what it sent. Either would make an application/http block that gowarc and
// pywb's indexer cannot read.
var (
	ErrEmptyResponse = errors.New("exchange has an empty response")
	ErrEmptyRequest  = errors.New("exchange has an empty request")
)

const (
	contentTypeResponse = gowarc.ApplicationHttp + ";msgtype=response"
	contentTypeRequest  = gowarc.ApplicationHttp + ";msgtype=request"
)

// pendingRecord is one WARC record whose digests are known and whose header
// is ready, waiting for the file it will go into. The header is rendered by
// hand rather than by gowarc's RecordBuilder because the builder copies the
// block into its own buffer, may append CRLF to a response it finds
// malformed, and re-digests the payload with the chunk framing included.
type pendingRecord struct {
	fields      []headerField // in writing order; Warcinfo-ID, Content-Type and -Length come last
	contentType string
	block       Block
	// storeFrom, when above 0, is where in block the bytes begin that go
	// into the member uncompressed: the payload of a response whose
	// payload is already compressed (see alreadyCompressed).
	storeFrom int64
	written   Written // File, Offset and Length are filled in once written
}

type headerField struct{ name, value string }

func (r *pendingRecord) add(name, value string) {
	r.fields = append(r.fields, headerField{name, value})
}

// Prepared is an exchange whose messages have been read once for their
// digests and facts, ready to be written as a response or, when its payload
// is already archived, as a revisit. It holds on to the exchange's blocks,
// which must stay readable until it is written.
type Prepared struct {
	ex   Exchange
	date time.Time // ex.Date, or when Prepare ran if that was zero
	req  messageFacts
	resp messageFacts
}

// Prepare checks ex and reads both of its messages once in full, hashing
// them for the WARC digests. It takes no lock, so crawler goroutines hash
// in parallel and decide between WritePrepared and WriteRevisit on what it
// found.
func Prepare(ex Exchange) (*Prepared, error) {
	if err := checkExchange(ex); err != nil {
		return nil, err
	}
	// One copy buffer serves both messages: io.Copy would allocate 32 KiB
	// for each, mostly to hash a few KiB.
	buf := make([]byte, min(max(ex.Response.Size(), int64(len(ex.Request)), 512), copyBufferSize))
	reqFacts, err := scanRequest(bytes.NewReader(ex.Request), buf)
	if err != nil {
		return nil, fmt.Errorf("digest request of %s: %w", ex.TargetURI, err)
	}
	method := reqFacts.method
	if method == "" {
		method = http.MethodGet
	}
	respFacts, err := scanResponse(ex.Response, method, buf)
	if err != nil {
		return nil, fmt.Errorf("digest response of %s: %w", ex.TargetURI, err)
	}
	respFacts.method = reqFacts.method
	p := &Prepared{ex: ex, date: ex.Date, req: reqFacts, resp: respFacts}
	if p.date.IsZero() {
		p.date = time.Now()
	}
	return p, nil
}

// PayloadDigest is the response's "sha1:BASE32" payload digest, the key for
// deduplication; "" when the response has no payload that can be told
// apart (it does not parse as HTTP, or its chunk framing is broken).
func (p *Prepared) PayloadDigest() string { return p.resp.payloadDigest }

// PayloadSize is how many bytes of entity body PayloadDigest covers
// (de-chunked, content encoding kept); 0 when PayloadDigest is "".
func (p *Prepared) PayloadSize() int64 { return p.resp.payloadSize }

// HTTPStatus is the final response status, 0 when it does not parse.
func (p *Prepared) HTTPStatus() int { return p.resp.status }

// MIME is the response's Content-Type without parameters, "" if none.
func (p *Prepared) MIME() string { return p.resp.mime }

// Method is the request method, "" when the request does not parse.
func (p *Prepared) Method() string { return p.req.method }

// TargetURI is the exchange's target URI.
func (p *Prepared) TargetURI() string { return p.ex.TargetURI }

// exchangeRecords returns the response and request records of p, linked to
// each other by WARC-Concurrent-To. Each call makes new record IDs, so a
// Prepared whose write failed can be written again.
func (p *Prepared) exchangeRecords(version string) (response, request *pendingRecord, err error) {
	respID, reqID, err := newRecordIDPair()
	if err != nil {
		return nil, nil, err
	}
	dateText, date := formatWarcDate(p.date, version)
	response = exchangeRecord(gowarc.Response, respID, reqID, p.ex, dateText, date, p.resp)
	response.contentType = contentTypeResponse
	response.block = p.ex.Response
	if alreadyCompressed(p.resp.mime, p.resp.contentCoding) && looksCompressed(p.ex.Response, p.resp.headEnd) {
		response.storeFrom = p.resp.headEnd
	}
	if p.ex.Truncated != "" {
		response.add(gowarc.WarcTruncated, p.ex.Truncated)
	}
	return response, p.requestRecord(reqID, respID, dateText, date), nil
}

func (p *Prepared) requestRecord(id, concurrentTo, dateText string, date time.Time) *pendingRecord {
	r := exchangeRecord(gowarc.Request, id, concurrentTo, p.ex, dateText, date, p.req)
	r.contentType = contentTypeRequest
	r.block = bytes.NewReader(p.ex.Request)
	return r
}

func exchangeRecord(typ gowarc.RecordType, id, concurrentTo string, ex Exchange, dateText string, date time.Time, facts messageFacts) *pendingRecord {
	r := &pendingRecord{written: Written{
		RecordID:      id,
		Type:          typ.String(),
		TargetURI:     ex.TargetURI,
		Date:          date,
		BlockDigest:   facts.blockDigest,
		PayloadDigest: facts.payloadDigest,
		HTTPStatus:    facts.status,
		MIME:          facts.mime,
		Method:        facts.method,
	}}
	r.add(gowarc.WarcType, typ.String())
	r.add(gowarc.WarcRecordID, id)
	r.add(gowarc.WarcDate, dateText)
	r.add(gowarc.WarcTargetURI, ex.TargetURI)
	if ex.IP != "" {
		r.add(gowarc.WarcIPAddress, ex.IP)
	}
	r.add(gowarc.WarcConcurrentTo, concurrentTo)
	r.add(gowarc.WarcBlockDigest, facts.blockDigest)
	if facts.payloadDigest != "" {
		r.add(gowarc.WarcPayloadDigest, facts.payloadDigest)
	}
	return r
}

// checkExchange refuses what would corrupt a WARC header: a value holding a
// line break would end the header early and turn the rest into garbage.
func checkExchange(ex Exchange) error {
	if ex.TargetURI == "" || strings.IndexFunc(ex.TargetURI, isSpaceOrControl) >= 0 {
		return fmt.Errorf("check exchange: target uri %q is empty or not escaped", ex.TargetURI)
	}
	if ex.IP != "" {
		if _, err := netip.ParseAddr(ex.IP); err != nil {
			return fmt.Errorf("check exchange of %s: ip address: %w", ex.TargetURI, err)
		}
	}
	switch ex.Truncated {
	case "", "length", "time", "disconnect", "unspecified":
	default:
		return fmt.Errorf("check exchange of %s: truncation reason %q is not one WARC defines", ex.TargetURI, ex.Truncated)
	}
	if ex.Response == nil || ex.Response.Size() == 0 {
		return fmt.Errorf("check exchange of %s: %w", ex.TargetURI, ErrEmptyResponse)
	}
	if len(ex.Request) == 0 {
		return fmt.Errorf("check exchange of %s: %w", ex.TargetURI, ErrEmptyRequest)
	}
	return nil
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }

// newWarcinfoRecord describes the file it opens. Fields follow the WARC 1.1
// annex names, so warcio and pywb show them.
func newWarcinfoRecord(info Info, version, fileName string, now time.Time) (*pendingRecord, error) {
	var block bytes.Buffer
	for _, f := range warcinfoFields(info, version) {
		fmt.Fprintf(&block, "%s: %s\r\n", f.name, f.value)
	}
	id, err := newRecordID()
	if err != nil {
		return nil, err
	}
	dateText, date := formatWarcDate(now, version)
	digest := sha1.Sum(block.Bytes())
	blockDigest := "sha1:" + base32.StdEncoding.EncodeToString(digest[:])
	r := &pendingRecord{
		contentType: gowarc.ApplicationWarcFields,
		block:       bytes.NewReader(block.Bytes()),
		written: Written{
			RecordID:    id,
			Type:        gowarc.Warcinfo.String(),
			Date:        date,
			BlockDigest: blockDigest,
		},
	}
	r.add(gowarc.WarcType, gowarc.Warcinfo.String())
	r.add(gowarc.WarcRecordID, id)
	r.add(gowarc.WarcDate, dateText)
	r.add(gowarc.WarcFilename, fileName)
	r.add(gowarc.WarcBlockDigest, blockDigest)
	return r, nil
}

func warcinfoFields(info Info, version string) []headerField {
	all := []headerField{
		{"software", info.Software},
		{"format", "WARC File Format " + version},
		{"conformsTo", conformsTo(version)},
		{"hostname", info.Hostname},
		{"operator", info.Operator},
		{"robots", info.RobotsPolicy},
		{"http-header-user-agent", info.UserAgent},
		{"isPartOf", info.JobName},
		{"description", info.Description},
	}
	var set []headerField
	for _, f := range all {
		if f.value != "" {
			set = append(set, f)
		}
	}
	return set
}

// conformsTo names the specification text, as Heritrix and warcio do.
func conformsTo(version string) string {
	if version == "1.0" {
		return "http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf"
	}
	return "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
}

func checkInfo(info Info) error {
	for _, f := range warcinfoFields(info, "1.1") {
		if strings.ContainsAny(f.value, "\r\n") {
			return fmt.Errorf("check warcinfo: field %s holds a line break", f.name)
		}
	}
	return nil
}

// copyBufferSize is the largest buffer a block is copied or hashed through,
// io.Copy's own size.
const copyBufferSize = 32 << 10

// writeRecord renders r after the warcinfoID of its file ("" for the
// warcinfo itself). It copies the block byte for byte through buf and fails
// if the block yields fewer or more bytes than its Size, as Content-Length
// promised.
func writeRecord(w *memberWriter, version, warcinfoID string, r *pendingRecord, buf []byte) error {
	size := r.block.Size()
	var head strings.Builder
	headSize := 160 + len(warcinfoID) + len(r.contentType) // the fixed lines, generously
	for _, f := range r.fields {
		headSize += len(f.name) + len(f.value) + 4
	}
	head.Grow(headSize)
	for _, s := range [...]string{"WARC/", version, "\r\n"} {
		head.WriteString(s)
	}
	for _, f := range r.fields {
		writeField(&head, f.name, f.value)
	}
	if warcinfoID != "" {
		writeField(&head, gowarc.WarcWarcinfoID, warcinfoID)
	}
	writeField(&head, gowarc.ContentType, r.contentType)
	writeField(&head, gowarc.ContentLength, strconv.FormatInt(size, 10))
	head.WriteString("\r\n")
	if _, err := io.WriteString(w, head.String()); err != nil {
		return err
	}
	var n int64
	if r.storeFrom > 0 && r.storeFrom < size {
		head, err := io.CopyBuffer(w, io.NewSectionReader(r.block, 0, r.storeFrom), buf)
		n += head
		if err != nil {
			return err
		}
		if err := w.storeRest(); err != nil {
			return err
		}
	}
	rest, err := io.CopyBuffer(w, io.NewSectionReader(r.block, n, size-n), buf)
	n += rest
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("block of %s ended after %d of %d bytes", r.written.RecordID, n, size)
	}
	_, err = io.WriteString(w, "\r\n\r\n")
	return err
}

// writeField appends one "Name: value" header line.
func writeField(b *strings.Builder, name, value string) {
	b.WriteString(name)
	b.WriteString(": ")
	b.WriteString(value)
	b.WriteString("\r\n")
}

func newRecordIDPair() (string, string, error) {
	a, err := newRecordID()
	if err != nil {
		return "", "", err
	}
	b, err := newRecordID()
	return a, b, err
}

func newRecordID() (string, error) {
	// Not uuid.NewRandom: it reads uuid's process-wide pool switch, which
	// gowarc sets (EnableRandPool) at every reader it makes, a data race
	// in a program that writes WARC files while it reads some with gowarc
	// (our tests do). The bytes come from the same crypto/rand either way.
	id, err := uuid.NewRandomFromReader(rand.Reader)
	if err != nil {
		return "", fmt.Errorf("make record id: %w", err)
	}
	return "<urn:uuid:" + id.String() + ">", nil
}

// formatWarcDate returns WARC-Date's text and the instant it denotes. WARC
// 1.0 allows whole seconds only; under 1.1 microseconds are what warcio
// parses fully.
func formatWarcDate(t time.Time, version string) (string, time.Time) {
	t = t.UTC()
	if version == "1.0" {
		t = t.Truncate(time.Second)
		return t.Format("2006-01-02T15:04:05Z"), t
	}
	t = t.Truncate(time.Microsecond)
	return t.Format("2006-01-02T15:04:05.000000Z"), t
}
