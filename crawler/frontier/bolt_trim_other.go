//go:build !linux

package frontier

import bolt "go.etcd.io/bbolt"

// release is Linux-only; elsewhere the kernel alone decides.
func (s *boltKV) release(*bolt.Tx) error { return nil }
