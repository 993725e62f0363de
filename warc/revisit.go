package warc

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// ErrNoPayloadDigest is returned by WriteRevisit for an exchange without a
// payload digest: there is nothing to say the payload is identical to.
var ErrNoPayloadDigest = errors.New("exchange has no payload digest")

// Ref names the earlier capture whose payload a revisit stands for, as the
// Written of its response record gave it.
type Ref struct {
	TargetURI string    // WARC-Target-URI of the original response
	Date      time.Time // its WARC-Date
	RecordID  string    // its WARC-Record-ID ("<urn:uuid:...>"); "" leaves WARC-Refers-To out
}

// WriteRevisit writes p as a revisit record of original under the
// identical-payload-digest profile, then p's request record, into one file,
// and reports both. The revisit keeps the final response's status line and
// header as received, up to and including the blank line, and leaves the
// body out: pywb replays those headers with the original's payload, which it
// finds by WARC-Refers-To-Target-URI, WARC-Refers-To-Date and the payload
// digest. Write failures behave as in WritePrepared.
func (w *Writer) WriteRevisit(p *Prepared, original Ref) (revisit, request Written, err error) {
	rev, req, err := p.revisitRecords(w.opts.Version, original)
	if err != nil {
		return Written{}, Written{}, err
	}
	return w.writeLocked(rev, req)
}

// revisitProfile is the profile URI of WARC 1.1 section 6.7.2 (and its 1.0
// counterpart), as Heritrix, warcio and gowarc write it.
func revisitProfile(version string) string {
	if version == "1.0" {
		return gowarc.ProfileIdenticalPayloadDigestV1_0
	}
	return gowarc.ProfileIdenticalPayloadDigestV1_1
}

func (p *Prepared) revisitRecords(version string, original Ref) (revisit, request *pendingRecord, err error) {
	if p.resp.payloadDigest == "" {
		return nil, nil, fmt.Errorf("write revisit of %s: %w", p.ex.TargetURI, ErrNoPayloadDigest)
	}
	if err := checkRef(original); err != nil {
		return nil, nil, fmt.Errorf("write revisit of %s: %w", p.ex.TargetURI, err)
	}
	head := io.NewSectionReader(p.ex.Response, p.resp.headStart, p.resp.headEnd-p.resp.headStart)
	headFacts := p.resp
	headFacts.blockDigest, err = digestBlock(head)
	if err != nil {
		return nil, nil, fmt.Errorf("digest revisit header of %s: %w", p.ex.TargetURI, err)
	}
	revID, reqID, err := newRecordIDPair()
	if err != nil {
		return nil, nil, err
	}
	dateText, date := formatWarcDate(p.date, version)
	revisit = exchangeRecord(gowarc.Revisit, revID, reqID, p.ex, dateText, date, headFacts)
	revisit.contentType = contentTypeResponse
	revisit.block = head
	revisit.add(gowarc.WarcProfile, revisitProfile(version))
	// The block stops where the payload would start. Heritrix and gowarc
	// say so with WARC-Truncated: length; pywb and warcio ignore the field,
	// so it costs nothing on replay and tells other readers why the body
	// that the HTTP header announces is missing.
	revisit.add(gowarc.WarcTruncated, "length")
	if original.RecordID != "" {
		revisit.add(gowarc.WarcRefersTo, original.RecordID)
	}
	revisit.add(gowarc.WarcRefersToTargetURI, original.TargetURI)
	refDate, _ := formatWarcDate(original.Date, version)
	revisit.add(gowarc.WarcRefersToDate, refDate)
	return revisit, p.requestRecord(reqID, revID, dateText, date), nil
}

// checkRef refuses what would break the revisit's header or leave pywb
// unable to find the original.
func checkRef(ref Ref) error {
	if ref.TargetURI == "" || strings.IndexFunc(ref.TargetURI, isSpaceOrControl) >= 0 {
		return fmt.Errorf("check original: target uri %q is empty or not escaped", ref.TargetURI)
	}
	if ref.Date.IsZero() {
		return errors.New("check original: date is zero")
	}
	id := ref.RecordID
	if id != "" && (len(id) < 3 || id[0] != '<' || id[len(id)-1] != '>' || strings.IndexFunc(id, isSpaceOrControl) >= 0) {
		return fmt.Errorf("check original: record id %q is not of the form <uri>", id)
	}
	return nil
}

func digestBlock(b Block) (string, error) {
	h := sha1.New()
	n, err := io.Copy(h, io.NewSectionReader(b, 0, b.Size()))
	if err == nil && n != b.Size() {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return "", err
	}
	return formatSHA1(h), nil
}
