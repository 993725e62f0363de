package config

import (
	"fmt"

	"github.com/spf13/pflag"
)

// BindFlags registers one flag per crawl setting on fs, writing into c.
// The defaults shown in --help are c's current values.
func BindFlags(fs *pflag.FlagSet, c *Config) {
	fs.StringVar(&c.SeedsFile, "seeds-file", c.SeedsFile, "file of seed URLs, one per line, # starts a comment")
	fs.StringVar(&c.Job, "job", c.Job, "job name, in warcinfo and the metrics' crawl_job label (default: the --output folder's name, else the first seed's host, with its port if not the default)")
	fs.StringVar(&c.Output, "output", c.Output, "collection folder (default: collections/<job>)")
	fs.BoolVar(&c.WACZ, "wacz", c.WACZ, "when the crawl ends, package the collection as <output>.wacz (WACZ 1.1.1, as arkisto wacz does)")
	fs.StringVar((*string)(&c.Scope), "scope", string(c.Scope), "which links to follow: host, domain (registrable domain and subdomains; an IP seed scopes to that address) or prefix")
	fs.StringArrayVar(&c.Include, "include", c.Include, "regexp: URLs matching it are in scope too (repeatable)")
	fs.StringArrayVar(&c.Exclude, "exclude", c.Exclude, "regexp: URLs matching it are never fetched (repeatable)")
	fs.IntVar(&c.MaxDepth, "max-depth", c.MaxDepth, "link hops from a seed; page requisites may go two hops further")
	fs.StringVar((*string)(&c.Embeds), "embeds", string(c.Embeds), "where page requisites (images, CSS, scripts) may come from: any (any host, so pages replay whole) or scope (only what the scope admits)")
	fs.IntVar(&c.MaxPages, "max-pages", c.MaxPages, "stop cleanly after this many fetches (0 = no limit)")
	fs.DurationVar(&c.Delay, "delay", c.Delay, "minimum gap between two requests to one host")
	fs.IntVar(&c.HostConcurrency, "host-concurrency", c.HostConcurrency, "requests at once to one host (at most 100)")
	fs.IntVar(&c.Workers, "workers", c.Workers, "fetches in flight in total (at most 1000)")
	fs.StringVar(&c.UserAgent, "user-agent", c.UserAgent, "User-Agent header (default: arkisto/"+Version+" (+<contact>))")
	fs.StringVar(&c.Contact, "contact", c.Contact, "URL or e-mail put in the default user agent (default: "+ProjectURL+")")
	fs.StringVar(&c.Operator, "operator", c.Operator, "who runs the crawl, recorded in warcinfo")
	fs.DurationVar(&c.Timeout, "timeout", c.Timeout, "limit for one whole request and response")
	fs.Int64Var(&c.MaxBodySize, "max-body-size", c.MaxBodySize, "bytes of a response body kept; longer ones are cut and marked WARC-Truncated")
	fs.DurationVar(&c.GracePeriod, "grace-period", c.GracePeriod, "after SIGINT/SIGTERM, how long in-flight fetches may finish")
	fs.BoolVar(&c.KeepAlive, "keep-alive", c.KeepAlive, "reuse a host's connection for its next request (each exchange is still recorded on its own); --keep-alive=false opens one connection per exchange")
	fs.Float64Var(&c.DelayFactor, "delay-factor", c.DelayFactor, "wait at least this many times a host's last response time before its next request (0 = off; Heritrix uses 5)")
	fs.DurationVar(&c.MaxDelay, "max-delay", c.MaxDelay, "cap on the adaptive delay of --delay-factor")
	fs.IntVar(&c.Retries, "retries", c.Retries, "retries of a URL after 429, 503 or a transient failure")
	fs.DurationVar(&c.RetryDelay, "retry-delay", c.RetryDelay, "first pause of a host after a transient failure; it doubles with each failure in a row")
	fs.DurationVar(&c.MaxRetryAfter, "max-retry-after", c.MaxRetryAfter, "cap on a server's Retry-After")
	fs.IntVar(&c.MaxRedirects, "max-redirects", c.MaxRedirects, "longest redirect chain followed")
	fs.IntVar(&c.MaxPagesPerHost, "max-pages-per-host", c.MaxPagesPerHost, "fetches per host at most (0 = no limit)")
	fs.StringVar((*string)(&c.Robots), "robots", string(c.Robots), "robots.txt policy: obey, ignore, or obey-pages (obey, but fetch page requisites robots.txt disallows so pages replay whole)")
	fs.IntVar(&c.MaxURLLength, "max-url-length", c.MaxURLLength, "longer URLs are refused as traps")
	fs.IntVar(&c.MaxPathDepth, "max-path-depth", c.MaxPathDepth, "URLs with more path segments are refused as traps")
	fs.IntVar(&c.MaxQueryParams, "max-query-params", c.MaxQueryParams, "URLs with more query parameters are refused as traps")
	fs.BoolVar(&c.AllowPrivateNetworks, "allow-private-networks", c.AllowPrivateNetworks, "follow links into loopback, private and link-local addresses (seed hosts are always allowed)")
	fs.StringVar((*string)(&c.Dedup), "dedup", string(c.Dedup), "digest: store a payload the collection already holds as a revisit record; off: store every body")
	fs.Int64Var(&c.DedupMinSize, "dedup-min-size", c.DedupMinSize, "payloads smaller than this many bytes are always stored whole")
	fs.StringVar(&c.DedupDB, "dedup-db", c.DedupDB, "deduplication index shared between collections (default: <output>/state/dedup.db)")
	fs.BoolVar(&c.DryRun, "dry-run", c.DryRun, "fetch, parse and follow links, logging to crawl.log, but write no WARC files, index or dedup entries (to try a scope)")
	fs.Int64Var(&c.WARCMaxSize, "warc-max-size", c.WARCMaxSize, "start a new WARC file once one reaches this many bytes")
	fs.StringVar(&c.WARCPrefix, "warc-prefix", c.WARCPrefix, "WARC file name prefix: letters, digits, '.', '_' or '-'")
	fs.StringVar(&c.WARCVersion, "warc-version", c.WARCVersion, "WARC format version, 1.1 or 1.0")
	fs.StringArrayVar(&c.Sitemaps, "sitemap", c.Sitemaps, "sitemap or sitemap index URL to take article URLs from (repeatable)")
	fs.StringArrayVar(&c.Feeds, "feed", c.Feeds, "RSS or Atom feed URL to take article URLs from (repeatable)")
	fs.BoolVar(&c.RobotsSitemaps, "robots-sitemaps", c.RobotsSitemaps, "follow the Sitemap: lines of robots.txt")
	fs.BoolVar(&c.GuessSitemap, "guess-sitemap", c.GuessSitemap, "also try /sitemap.xml on every host")
	fs.StringVar(&c.Since, "since", c.Since, `only take sitemap and feed entries newer than this date ("2026-01-02", RFC 3339) or age ("36h", "7d"); undated entries are taken`)
	fs.StringVar(&c.MetricsAddr, "metrics-addr", c.MetricsAddr, `serve /metrics and /healthz here ("" disables); when the default port is busy, the next free one is taken`)
	fs.BoolVar(&c.MetricsPublic, "metrics-public", c.MetricsPublic, "allow a --metrics-addr that other machines can reach (anyone reaching it reads the metrics)")
	fs.StringVar(&c.Pushgateway, "pushgateway", c.Pushgateway, "Prometheus Pushgateway URL to push metrics to during and at the end of the crawl")
	fs.StringVar(&c.Frontier, "frontier", c.Frontier, "redis://[:password@]host:port/db (rediss:// for TLS): crawl on a frontier shared with other arkisto processes, here or on other machines, instead of the collection's own")
	fs.StringVar(&c.CrawlID, "crawl-id", c.CrawlID, "the crawl's name in the shared frontier: every process of the crawl gives the same one")
}

// ApplyChanged copies the flags the user set on src onto dst, so flags win
// over a config file loaded after parsing. On error dst is left as it was.
func ApplyChanged(src *pflag.FlagSet, dst *Config) error {
	// Work on a copy: pflag's Set stores a zero value even when parsing fails.
	next := *dst
	into := pflag.NewFlagSet("apply", pflag.ContinueOnError)
	BindFlags(into, &next)
	var err error
	src.Visit(func(f *pflag.Flag) {
		target := into.Lookup(f.Name)
		if target == nil || err != nil {
			return
		}
		if slice, ok := f.Value.(pflag.SliceValue); ok {
			err = target.Value.(pflag.SliceValue).Replace(slice.GetSlice())
		} else {
			err = target.Value.Set(f.Value.String())
		}
		if err != nil {
			err = fmt.Errorf("flag --%s: %w", f.Name, err)
		}
	})
	if err != nil {
		return err
	}
	*dst = next
	return nil
}
