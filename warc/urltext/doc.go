// Package urltext holds the byte-level rules of URL text that several parts
// of arkisto must apply alike: percent escapes (RFC 3986 sections 2.1 and
// 6.2.2), and the plain forms of bytes, hosts and ports that both the WHATWG
// URL parser and net/url leave as they are. The crawler's canonicalizer and
// fast link resolver, its robots.txt matcher and the SURT keys of the WARC
// index use it. It lives under warc/ because warc/ may import nothing from
// crawler/, and it imports nothing but the standard library.
package urltext
