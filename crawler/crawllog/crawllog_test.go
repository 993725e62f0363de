package crawllog

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// A line reads back as it was written, whatever its URL holds.
func TestFormatParseRoundTrip(t *testing.T) {
	logged := time.Date(2026, 3, 4, 5, 6, 7, 890e6, time.UTC)
	tests := []Entry{
		{Status: 200, Size: 1234, URL: "http://a.example/x?y=1", Hops: "LE", Via: "http://a.example/", MIME: "image/png",
			Worker: 7, Start: time.Date(2026, 3, 4, 5, 6, 7, 123e6, time.UTC), Duration: 45 * time.Millisecond,
			Digest: "sha1:ABC", Annotations: []string{"duplicate:digest"}},
		{Status: StatusRobots, URL: "http://a.example/private/", Annotations: []string{"robots-denied"}},
		{Status: StatusDNS, URL: "http://gone.invalid/", Hops: "L", Annotations: []string{"no-such-host", "host-given-up"}},
	}
	for _, want := range tests {
		line := Format(logged, want)
		got, err := Parse(line)
		if err != nil {
			t.Fatalf("Parse(%q): %v", line, err)
		}
		want.Logged = logged
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(Format(e)) =\n%+v\nwant\n%+v\nline %q", got, want, line)
		}
	}
	spaced := Format(logged, Entry{Status: 200, URL: "http://a.example/a b", MIME: "text/html; charset=utf-8"})
	if f := strings.Fields(spaced); len(f) != 12 {
		t.Errorf("a space in a field splits the line: %q", spaced)
	}
	for _, bad := range []string{"", "too few fields", strings.Replace(spaced, "200", "OK", 1)} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted a bad line", bad)
		}
	}
}

func TestKind(t *testing.T) {
	tests := []struct {
		status int
		notes  []string
		want   Kind
		rule   bool
	}{
		{200, nil, KindFetched, false},
		{404, nil, KindFetched, false},
		{StatusDNS, []string{"dns"}, KindDNS, false},
		{StatusDNS, []string{"no-such-host"}, KindNoSuchHost, false},
		{StatusConnect, []string{"connect", "host-given-up"}, KindRefused, false},
		{StatusConnect, []string{"tls"}, KindTLS, false},
		{StatusReset, []string{"reset"}, KindReset, false},
		{StatusTimeout, []string{"timeout", "retry:1"}, KindTimeout, false},
		{StatusOther, []string{"warc-write-failed"}, KindOther, false},
		{StatusUnsupported, []string{"malformed-url"}, KindBadURL, true},
		{StatusRetriesExhausted, []string{"host-given-up"}, KindHostGivenUp, false},
		{StatusBlocked, []string{"blocked"}, KindBlocked, false},
		{StatusRobots, []string{"robots-denied"}, KindRobots, true},
		{StatusOutOfScope, []string{"out-of-scope"}, KindOutOfScope, true},
		{StatusOutOfScope, []string{"excluded"}, KindExcluded, true},
		{StatusOutOfScope, []string{"trap:calendar"}, KindTrap, true},
		{StatusOutOfScope, []string{"too-many-redirects"}, KindTrap, true},
		{StatusOutOfScope, []string{"max-pages-per-host"}, KindHostBudget, true},
	}
	for _, tt := range tests {
		e := Entry{Status: tt.status, Annotations: tt.notes}
		if got := e.Kind(); got != tt.want || got.ByRule() != tt.rule {
			t.Errorf("%d %v: Kind %q (by rule %v), want %q (%v)", tt.status, tt.notes, got, got.ByRule(), tt.want, tt.rule)
		}
	}
	if !(Entry{Status: StatusTimeout, Annotations: []string{"timeout", "retry:2"}}).Retried() {
		t.Error("a retried attempt is not seen as retried")
	}
	if !(Entry{Status: StatusConnect, Annotations: []string{"connect", "host-given-up"}}).GaveUpHost() ||
		(Entry{Status: StatusRetriesExhausted, Annotations: []string{"host-given-up"}}).GaveUpHost() {
		t.Error("GaveUpHost must tell the fetch that gave its host up from the URLs dropped with it")
	}
}

// Read hands every line over with its number, blank ones skipped, and a
// line that does not parse with its error; an error of the callback stops
// it.
func TestRead(t *testing.T) {
	logged := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	first := Format(logged, Entry{Status: 200, URL: "http://a.example/"})
	last := Format(logged, Entry{Status: 404, URL: "http://a.example/gone"})
	text := first + "\n  \n" + "cut by a cr" + "\n" + last
	type seen struct {
		n   int
		url string
		bad bool
	}
	var got []seen
	err := Read(strings.NewReader(text), func(n int, e Entry, err error) error {
		got = append(got, seen{n, e.URL, err != nil})
		return nil
	})
	want := []seen{{1, "http://a.example/", false}, {4, "", true}, {5, "http://a.example/gone", false}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Read saw %+v, err %v; want %+v", got, err, want)
	}
	stop := errors.New("stop")
	calls := 0
	err = Read(strings.NewReader(text), func(int, Entry, error) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Read went on after its callback failed: %d calls, err %v", calls, err)
	}
}
