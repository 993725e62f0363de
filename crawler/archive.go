package crawler

import (
	"context"
	"fmt"

	"arkisto/crawler/capture"
	"arkisto/warc"
)

// archive writes one exchange to WARC: as a revisit record when the
// collection already holds its payload, as a full response otherwise.
func (c *Crawler) archive(ctx context.Context, ex *capture.Exchange) (response, request warc.Written, err error) {
	p, err := warc.Prepare(warc.Exchange{
		TargetURI: ex.Request.URL.String(),
		IP:        ex.IP,
		Date:      ex.Start,
		Request:   ex.RawRequest,
		Response:  ex.Response,
		Truncated: ex.Truncated,
	})
	if err != nil {
		return response, request, err
	}
	if !c.deduplicates(p, ex) {
		return c.writer.WritePrepared(p)
	}
	original, found, err := c.dedup.Lookup(ctx, p.PayloadDigest())
	if err != nil {
		return response, request, err
	}
	if found {
		return c.writer.WriteRevisit(p, original)
	}
	if response, request, err = c.writer.WritePrepared(p); err != nil {
		return response, request, err
	}
	ref := warc.Ref{TargetURI: response.TargetURI, Date: response.Date, RecordID: response.RecordID}
	if err := c.dedup.Add(ctx, p.PayloadDigest(), ref); err != nil {
		return response, request, fmt.Errorf("remember payload of %s: %w", response.TargetURI, err)
	}
	return response, request, nil
}

// deduplicates says whether p may be stored as, or serve as the original of,
// a revisit: whole 2xx payloads of at least --dedup-min-size bytes. A cut
// body's digest is not its payload's, so it never takes part.
func (c *Crawler) deduplicates(p *warc.Prepared, ex *capture.Exchange) bool {
	return c.dedup != nil && ex.Truncated == "" && p.PayloadDigest() != "" &&
		p.HTTPStatus() >= 200 && p.HTTPStatus() < 300 && p.PayloadSize() >= c.cfg.DedupMinSize
}
