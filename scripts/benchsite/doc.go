// Command benchsite writes a static news site into a folder for a web
// server (nginx in scripts/bench-real.sh) to serve, so crawlers can be
// compared on a real server: section listings with numbered pages, articles
// of about 20 KB of HTML that link each other, each with a lead image (and
// a smaller srcset variant) and inline PNG or WebP figures, one stylesheet
// whose url() references name fonts and images, robots.txt with a Disallow
// and a Sitemap line, and a sitemap. Some articles embed images and scripts
// from outside hosts (cdn.example-news.com and others), as real sites do.
//
//	go run ./scripts/benchsite -out /tmp/site -base http://127.0.0.1:8080
//
// The same -seed and -articles give the same bytes. -base only appears in
// robots.txt and sitemap.xml, which need absolute URLs; every page links
// with root-relative paths. With -memory the folder holds instead one page
// linking -videos video files of -video-size bytes each (sparse files with a
// distinct head, so each has its own digest), for memory benchmarks.
//
// It is a benchmark tool: nothing in the arkisto binary imports it.
package main
