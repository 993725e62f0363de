package config

import (
	"net/url"
	"path/filepath"
	"strings"
)

// defaultJob names a crawl whose config names none. The job name is the
// crawl_job label of its metrics and the Pushgateway's grouping key, so it
// must differ between collections: the collection folder's name when one
// was given (pywb knows a collection by that name), else the first seed's
// host with its port when that is not the scheme's default, so crawls of
// 127.0.0.1:8082 and 127.0.0.1:8083 get collections of their own.
func defaultJob(output, firstSeed string) string {
	if output != "" {
		if abs, err := filepath.Abs(output); err == nil {
			if name := jobWord(filepath.Base(abs)); name != "" {
				return name
			}
		}
	}
	u, err := url.Parse(firstSeed)
	if err != nil {
		return "crawl"
	}
	name := u.Hostname()
	if port := u.Port(); port != "" && !(u.Scheme == "http" && port == "80") && !(u.Scheme == "https" && port == "443") {
		name += "-" + port
	}
	if name = jobWord(name); name == "" {
		return "crawl"
	}
	return name
}

// jobWord keeps s usable as a folder name, a URL path segment and a label
// value: letters, digits, '.', '_' and '-', starting with a letter or
// digit (the rule of serve's job names). Other characters become '-'.
func jobWord(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		}
		return '-'
	}, s)
	return strings.TrimLeft(s, "._-")
}
