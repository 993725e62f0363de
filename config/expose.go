package config

import (
	"fmt"
	"net"
	"strings"
)

// Listener is a metrics listener as configured: its address, whether an API
// token guards what it serves besides /metrics, and whether the user
// acknowledged that it may be reached from other machines. It is the one
// rule for arkisto crawl and arkisto serve alike.
type Listener struct {
	Addr   string
	Token  bool // an API token is set (arkisto serve's /api)
	Public bool // --metrics-public / metrics_public: exposure acknowledged
}

// Check refuses an address reachable from other machines unless a token
// guards it or the user said it may be public; field names the setting in
// the error.
func (l Listener) Check(field string) error {
	if l.Addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(l.Addr)
	if err != nil {
		return fieldError(field, err.Error())
	}
	if IsLoopbackHost(host) || l.Token || l.Public {
		return nil
	}
	return fieldError(field, fmt.Sprintf("%s is reachable from other machines, which could then read the crawl's metrics: "+
		"listen on loopback (127.0.0.1:PORT), or say it is meant with --metrics-public (metrics_public: true)", l.Addr))
}

// Exposure says who can reach the listener and what it serves them, for
// the line a command prints when it starts listening. api tells whether
// the listener also serves arkisto serve's /api.
func (l Listener) Exposure(api bool) string {
	host, _, _ := net.SplitHostPort(l.Addr)
	if IsLoopbackHost(host) {
		return "loopback only: this machine alone can reach it"
	}
	parts := []string{"reachable from other machines: /metrics and /healthz need no token"}
	switch {
	case api && l.Token:
		parts = append(parts, "/api needs the bearer token")
	case api:
		parts = append(parts, "/api answers this machine only (no api_token)")
	}
	return strings.Join(parts, "; ")
}

// IsLoopbackHost says whether host (an IP or a name) reaches only this
// machine. An empty host means every interface.
func IsLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
