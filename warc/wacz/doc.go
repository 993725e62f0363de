// Package wacz packages WARC files as a WACZ 1.1.1 file (Web Archive
// Collection Zipped, specs.webrecorder.net/wacz/1.1.1), the form in which
// ReplayWeb.page opens a crawl with no server and pywb's wb-manager adds
// it to a collection. It also keeps the page list a crawl writes as it
// goes (PageList), which becomes the package's pages/pages.jsonl.
//
// A package holds, as py-wacz writes them:
//
//	archive/NAME.warc.gz         the WARC files, stored (not recompressed), so readers can seek
//	indexes/index.cdx.gz         the CDXJ index, in gzip members of BlockLines lines each
//	indexes/index.idx            one line per member, with its first key (a "zipnum" index)
//	pages/pages.jsonl            a header line, then one line per captured page: id, url, ts, title
//	datapackage.json             every file above with its path, size and sha256
//	datapackage-digest.json      the sha256 of datapackage.json
//
// Write streams: each file goes through the ZIP writer and a hash once, and
// the index is sorted on disk by warc.IndexFiles, so packaging holds no
// file in memory whatever the collection's size.
package wacz
