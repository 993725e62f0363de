package config

import (
	"fmt"
	"slices"
	"strings"
)

// RobotsPolicy says how a crawl treats robots.txt.
type RobotsPolicy string

const (
	// RobotsObey fetches nothing robots.txt disallows.
	RobotsObey RobotsPolicy = "obey"
	// RobotsIgnore fetches robots.txt (it is archived and names sitemaps)
	// but follows none of its rules, nor meta robots or X-Robots-Tag.
	RobotsIgnore RobotsPolicy = "ignore"
	// RobotsObeyPages obeys robots.txt for pages but fetches the page
	// requisites it disallows, so archived pages replay whole.
	RobotsObeyPages RobotsPolicy = "obey-pages"
)

// RobotsPolicies are the valid robots policies.
var RobotsPolicies = []RobotsPolicy{RobotsObey, RobotsIgnore, RobotsObeyPages}

// ScopeMode says how far a seed reaches: crawler/scope gives each its
// meaning.
type ScopeMode string

const (
	// ScopeHost keeps the crawl on each seed's host.
	ScopeHost ScopeMode = "host"
	// ScopeDomain keeps the crawl on each seed's registrable domain (eTLD+1,
	// such as bbc.co.uk) and its subdomains.
	ScopeDomain ScopeMode = "domain"
	// ScopePrefix keeps the crawl under each seed's folder: the seed URL up
	// to the last '/' of its path.
	ScopePrefix ScopeMode = "prefix"
)

// ScopeModes are the valid scope modes.
var ScopeModes = []ScopeMode{ScopeHost, ScopeDomain, ScopePrefix}

// DedupMode says whether a payload the collection already holds is stored
// again.
type DedupMode string

const (
	// DedupDigest stores a payload whose digest the collection holds as a
	// revisit record.
	DedupDigest DedupMode = "digest"
	// DedupOff stores every body whole.
	DedupOff DedupMode = "off"
)

// DedupModes are the valid dedup modes.
var DedupModes = []DedupMode{DedupDigest, DedupOff}

// oneOf checks that v is one of valid, and says which they are when not.
func oneOf[T ~string](v T, valid []T) error {
	if slices.Contains(valid, v) {
		return nil
	}
	words := make([]string, len(valid))
	for i, w := range valid {
		words[i] = string(w)
	}
	return fmt.Errorf("%q is not one of %s", v, strings.Join(words, ", "))
}

// EmbedsMode says which hosts page requisites (images, CSS, scripts) may
// come from.
type EmbedsMode string

const (
	// EmbedsAny fetches a page's requisites from any host, even beyond
	// max_depth, so archived pages replay whole (Heritrix's
	// TransclusionDecideRule).
	EmbedsAny EmbedsMode = "any"
	// EmbedsScope fetches only the requisites the scope admits: the crawl
	// stays on its own hosts.
	EmbedsScope EmbedsMode = "scope"
)

// EmbedsModes are the valid embeds modes.
var EmbedsModes = []EmbedsMode{EmbedsAny, EmbedsScope}
