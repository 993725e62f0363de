package crawler

import (
	"net/http"
)

// locationKeeper stands between colly's http.Client and the recording
// transport. net/http's client parses a redirect's Location before it asks
// CheckRedirect, and on one it cannot parse ("http://[::1", "ht!tp://x/")
// fails the request, so that colly would hand over no response and the
// Location would vanish unlogged. locationKeeper takes such a Location out
// of the response colly sees and keeps it for the worker, which logs it as
// it logs a malformed link. The record has the response as it came: the
// transport recorded it below.
type locationKeeper struct {
	next http.RoundTripper
	w    *worker
}

func (k locationKeeper) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := k.next.RoundTrip(req)
	if err != nil || !followedByNetHTTP(resp.StatusCode) {
		return resp, err
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		if _, perr := req.URL.Parse(loc); perr != nil {
			k.w.badLocation = loc
			resp.Header.Del("Location")
		}
	}
	return resp, nil
}

// followedByNetHTTP lists the statuses whose Location net/http's client
// reads (http.Client.Do, redirectBehavior).
func followedByNetHTTP(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// location is the raw Location of a fetched redirect, "" when it has none.
func (f fetched) location() string {
	if f.badLocation != "" {
		return f.badLocation
	}
	if f.response == nil {
		return ""
	}
	return f.response.Headers.Get("Location")
}

// isRedirect says whether the fetch got a 3xx response.
func (f fetched) isRedirect() bool {
	return f.response != nil && f.response.StatusCode >= 300 && f.response.StatusCode < 400
}
