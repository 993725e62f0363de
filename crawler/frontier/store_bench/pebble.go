//go:build pebble

package main

import "arkisto/crawler/frontier"

func openPebble(dir string, opts frontier.Options) (frontier.Frontier, error) {
	return frontier.OpenPebble(dir, opts)
}
