// Package warc writes, reads, validates and indexes WARC files. It knows
// nothing about crawling or Prometheus: callers hand it captured exchanges
// and learn what was written from return values.
//
// # gowarc, and the one reader
//
// gowarc (github.com/nlnwa/gowarc/v3) is the project's WARC library: the
// writer takes its field names, record types and profile URIs from it, and
// tests read our files back with it as an independent reader. Reading goes
// through one reader of our own, Reader, used by the validator, the index
// (IndexFiles, RebuildIndex), Repair and ReadRecords. gowarc's reader
// cannot serve there, as gowarc v3.1.0's source shows and
// TestGowarcReadingTraps records:
//
//   - It reads a version line, WARC header lines, the HTTP header of a
//     block, a whole revisit block and a whole warc-fields block into
//     memory with no bound: a 16 MiB header line costs it 50 MB, and the
//     hostile probe's 1 GiB line took 3.2 GB (issue 16).
//   - It hides framing faults: after the first record of a gzip member it
//     drains the rest unread (a second record vanishes), a Content-Length
//     beyond the data passes without a word, and a negative one makes the
//     record swallow the rest of a .warc. The index must take only records
//     that read whole, exactly those the validator accepts, so both need
//     the same framing check, member by member, with compressed offsets.
//   - It checks WARC-Payload-Digest over the raw, still chunked bytes and
//     calls a correct de-chunked (WARC 1.1) digest wrong; the validator
//     has its own digest check for that reason (validate_digest.go).
//   - Unless it caches a block (which turns on that digest check), it has
//     drained the block by the time Next returns.
//
// Reader bounds every header it reads (ReaderOptions.MaxHeader, and the
// same bound for an HTTP header in the validator), reads each gzip member
// on its own, reports faults as Problems on the record instead of failing,
// and keeps as much of each block as its caller needs (BlockMode): the
// validator the whole block in a spool.Buffer, the index its head, Repair
// nothing. Record.Whole is the one rule for a record that reads whole.
//
// # Several writers, one collection
//
// The processes of one crawl may write into one folder, or have their
// collections copied together: Options.Process puts each writer's name in
// its file names, a Writer holds an advisory lock on the file it writes
// (Repair leaves a locked file alone, so a process starting beside a live
// one repairs only what dead ones left), MergeInto and RebuildIndex hold a
// lock on the index's folder, and MergeIndexes merges the indexes of
// collections whose files were copied together into the index a rebuild
// from all of them would give. An IndexWriter keeps its lines in spill
// files until the crawl ends; SpillFiles finds those a dead process left.
// Dedup is the revisit decision's index of payload digests: DedupIndex in
// a file of the collection, or one the crawler keeps where all the crawl's
// processes reach it.
package warc
