// Package spool provides Buffer, the one memory-then-disk byte buffer of
// arkisto: the recording transport keeps each response in one while it is
// read from the network, and the WARC reader keeps each record's block in
// one while it is checked. Small contents stay in memory; past a limit they
// move to an unlinked temporary file, so a large body costs disk, not
// memory, and a killed process leaves no file behind.
package spool
