package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/token"
)

// MaxFileSize bounds a config file, crawl or serve. Long seed lists belong
// in seeds_file, which is read a line at a time.
const MaxFileSize = 1 << 20

var (
	// ErrFileTooLarge is returned for a config file over MaxFileSize.
	ErrFileTooLarge = fmt.Errorf("larger than %d bytes (put long seed lists in seeds_file)", MaxFileSize)
	// ErrAlias is returned for a config that uses YAML anchors or aliases.
	// The YAML library expands aliases without bound, so that ten lines
	// nesting them ("billion laughs") take gigabytes; a config never needs
	// them.
	ErrAlias = errors.New("YAML anchors and aliases (&name, *name) are not accepted in a config")
)

// decodeFile decodes the YAML file at path into v, unknown keys refused.
// what names the kind of file in errors ("config", "serve config"). A file
// holding no document returns io.EOF itself.
func decodeFile(path, what string, v any) error {
	data, err := readBounded(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	return decode(data, what+" "+path, v)
}

// decode decodes a YAML text into v, unknown keys refused; source names it
// in errors. A text holding no document returns io.EOF itself.
func decode(data []byte, source string, v any) error {
	if err := refuseAliases(data); err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	err := yaml.NewDecoder(bytes.NewReader(data), yaml.DisallowUnknownField()).Decode(v)
	if err == nil || errors.Is(err, io.EOF) {
		return err
	}
	return fmt.Errorf("%s: %s", source, yaml.FormatError(err, false, true))
}

// readBounded reads the file at path, refusing one over MaxFileSize
// without reading more of it.
func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: %w", path, ErrFileTooLarge)
	}
	return data, nil
}

// refuseAliases finds the first anchor or alias in a YAML text. It reads
// tokens only, which takes time in proportion to the text: aliases are
// expanded later, by the decoder.
func refuseAliases(data []byte) error {
	for _, tk := range lexer.Tokenize(string(data)) {
		if tk.Type == token.AnchorType || tk.Type == token.AliasType {
			return fmt.Errorf("line %d: %w", tk.Position.Line, ErrAlias)
		}
	}
	return nil
}
