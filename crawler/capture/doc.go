// Package capture records HTTP exchanges byte for byte for the WARC writer.
//
// Its one job is the http.RoundTripper that the crawler's colly collector
// fetches through: every connection it dials is wrapped so that the bytes
// written (the request) and the bytes read (the response, 1xx interim
// responses included) are kept exactly as they crossed the wire, in
// plaintext even over TLS. When the caller is done with a response body the
// transport hands one Exchange to Options.OnExchange.
//
// The transport speaks HTTP/1.1 only and never follows redirects. By
// default it never reuses a connection, so that one connection holds one
// exchange; with Options.KeepAlive a connection carries one exchange after
// the other, never two at once, and each exchange records the bytes of its
// turn. The record keeps a body's content
// coding; the caller gets gzip and deflate bodies decoded, up to
// Options.MaxDecodedSize, and of any body no more than Options.ReadLimit
// allows: what the caller does not read streams into the record, never
// into memory whole.
//
// With Options.AllowDial set the transport resolves each host itself and
// dials only the addresses the guard allows, as IP literals, so that the
// address checked is the address dialed.
//
// By default a TLS handshake accepts any certificate, as archives do; the
// chain is then checked against the root certificates all the same, and
// Exchange.CertError says why one would not verify.
package capture
