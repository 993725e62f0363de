package frontier_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"arkisto/crawler/frontier"
	"arkisto/crawler/frontier/frontiertest"
	"arkisto/crawler/frontier/redistest"
)

// rediss:// speaks TLS, checking the server's certificate against the
// roots given, and carries a password too.
func TestRedisTLS(t *testing.T) {
	cert, key, roots := selfSigned(t)
	srv := redistest.Start(t, redistest.Options{TLSCert: cert, TLSKey: key, Password: "tls-pw"})
	url := srv.URL(0)
	if !strings.HasPrefix(url, "rediss://") {
		t.Fatalf("URL %s, want rediss://", url)
	}
	// Not in a bubble: its clock, in 2000, would find the certificate not yet valid.
	f := openRedis(t, url, "tls", frontier.RedisOptions{TLSConfig: &tls.Config{RootCAs: roots}})
	frontiertest.Push(t, f, frontiertest.Page(hostA, "/"))
	frontiertest.Done(t, f, frontiertest.Next(t, f), time.Time{})
	// Without the roots the certificate does not verify: no silent fallback.
	if _, err := frontier.OpenRedis(t.Context(), url, "tls", frontier.RedisOptions{}); err == nil {
		t.Fatal("OpenRedis trusted an unknown certificate")
	} else if strings.Contains(err.Error(), "tls-pw") {
		t.Errorf("error shows the password: %v", err)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths and a pool trusting it.
func selfSigned(t *testing.T) (certPath, keyPath string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "redis test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certPath, keyPath = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(certPath, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	roots = x509.NewCertPool()
	roots.AppendCertsFromPEM(certPEM)
	return certPath, keyPath, roots
}
