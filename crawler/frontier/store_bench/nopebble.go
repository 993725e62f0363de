//go:build !pebble

package main

import (
	"errors"

	"arkisto/crawler/frontier"
)

func openPebble(string, frontier.Options) (frontier.Frontier, error) {
	return nil, errors.New("built without -tags pebble")
}
