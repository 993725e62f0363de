package wacz

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// dataPackage is datapackage.json: a Frictionless data package listing
// every other file of the WACZ, with the WACZ fields.
type dataPackage struct {
	Profile     string     `json:"profile"`
	WACZVersion string     `json:"wacz_version"`
	Title       string     `json:"title,omitempty"`
	Description string     `json:"description,omitempty"`
	Created     string     `json:"created"`
	Software    string     `json:"software,omitempty"`
	Resources   []resource `json:"resources"`
}

// digest is datapackage-digest.json, which fixes datapackage.json and,
// through its hashes, everything else.
type digest struct {
	Path string `json:"path"`
	Hash string `json:"hash"`
}

// addDataPackage writes datapackage.json from the resources written so
// far, then datapackage-digest.json.
func (p *packer) addDataPackage() error {
	pkg := dataPackage{
		Profile:     "data-package",
		WACZVersion: Version,
		Title:       p.opts.Title,
		Description: p.opts.Description,
		Created:     p.opts.Created.UTC().Format(time.RFC3339),
		Software:    p.opts.Software,
		Resources:   p.resources,
	}
	data, err := json.MarshalIndent(pkg, "", "  ")
	if err != nil {
		return fmt.Errorf("encode datapackage.json: %w", err)
	}
	sum := sha256.Sum256(data)
	dig, err := json.MarshalIndent(digest{Path: "datapackage.json", Hash: "sha256:" + hex.EncodeToString(sum[:])}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode datapackage-digest.json: %w", err)
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{"datapackage.json", data}, {"datapackage-digest.json", dig}} {
		w, err := p.zip.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: p.opts.Created})
		if err != nil {
			return fmt.Errorf("add %s to wacz: %w", f.name, err)
		}
		if _, err := w.Write(f.data); err != nil {
			return fmt.Errorf("add %s to wacz: %w", f.name, err)
		}
	}
	return nil
}
