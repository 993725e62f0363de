package capture

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
)

// errNoCertificate is the CertError of a TLS server that sent no certificate.
var errNoCertificate = errors.New("the server presented no certificate")

// checkCertificate says why the certificate chain a server presented
// would not verify, nil when it would. A handshake that verified (cfg
// without InsecureSkipVerify) needs no second look; one that skipped the
// check, as archives do to record sites with bad certificates, is checked
// here as the handshake would have: against cfg.RootCAs (nil: the system
// roots) for cfg.ServerName, the chain's other certificates as
// intermediates. Nothing is refused: the caller notes the answer.
func checkCertificate(cfg *tls.Config, state tls.ConnectionState) error {
	if !cfg.InsecureSkipVerify {
		return nil
	}
	certs := state.PeerCertificates
	if len(certs) == 0 {
		return errNoCertificate
	}
	opts := x509.VerifyOptions{Roots: cfg.RootCAs, DNSName: cfg.ServerName, Intermediates: x509.NewCertPool()}
	for _, c := range certs[1:] {
		opts.Intermediates.AddCert(c)
	}
	_, err := certs[0].Verify(opts)
	return err
}
