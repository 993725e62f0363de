package qa

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Replay is a pywb collection's replay address, such as
// http://localhost:8080/COLL/.
type Replay struct {
	prefix string // ends in "/"
	host   string // the replay server's host:port
}

// ParseReplay checks a replay address.
func ParseReplay(raw string) (Replay, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") == "" {
		return Replay{}, fmt.Errorf("replay address %q: want pywb's collection URL, such as http://localhost:8080/COLL/", raw)
	}
	prefix := u.Scheme + "://" + u.Host + "/" + strings.Trim(u.Path, "/") + "/"
	return Replay{prefix: prefix, host: u.Host}, nil
}

// PageURL is where pywb shows the capture of page at ts (the latest one
// when ts is zero), framed under its banner as a reader sees it.
func (r Replay) PageURL(page string, ts time.Time) string {
	if ts.IsZero() {
		return r.prefix + page
	}
	return r.prefix + ts.UTC().Format("20060102150405") + "/" + page
}

// modifiedURL is the part of a replay URL after the collection: an
// optional timestamp, an optional modifier (mp_, im_, js_, cs_, oe_...),
// and the archived URL.
var modifiedURL = regexp.MustCompile(`^([0-9]*)([a-z]{2}_)?/(.+)$`)

// Original returns the archived URL a replay request asks for, and false
// for requests that are not for an archived URL (pywb's own files).
func (r Replay) Original(requested string) (string, bool) {
	rest, ok := strings.CutPrefix(requested, r.prefix)
	if !ok {
		return "", false
	}
	if m := modifiedURL.FindStringSubmatch(rest); m != nil && (m[1] != "" || m[2] != "") {
		rest = m[3]
	}
	if !strings.HasPrefix(rest, "http://") && !strings.HasPrefix(rest, "https://") {
		return "", false
	}
	return rest, true
}

// escaped says whether a request went past the archive to the web: an
// http(s) request to another host than the replay server.
func (r Replay) escaped(requested string) bool {
	u, err := url.Parse(requested)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != r.host
}
