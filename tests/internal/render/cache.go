package render

import (
	"fmt"
	"sync"
	"testing"
)

// Cache memoises renders by chart directory and options, so that several
// tests asserting on the same scenario run helm once per process. The zero
// value is ready to use and safe for concurrent use.
//
// Cached Manifests are shared: callers must not modify the objects (DeepCopy
// them first).
type Cache struct {
	mu      sync.Mutex
	entries map[string]*cacheEntry
}

// cacheEntry holds one memoised render.
type cacheEntry struct {
	once sync.Once
	m    *Manifests
	err  error
}

// Render is like the package-level Render but renders each chart and options
// combination at most once.
func (c *Cache) Render(tb testing.TB, chartDir string, opts Options) *Manifests {
	tb.Helper()
	m, err := c.RenderE(tb, chartDir, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// RenderE is like the package-level RenderE but renders each chart and
// options combination at most once; a failed render returns the same error
// to every caller.
func (c *Cache) RenderE(tb testing.TB, chartDir string, opts Options) (*Manifests, error) {
	tb.Helper()
	// %#v prints maps with sorted keys, so equal options give equal keys.
	key := fmt.Sprintf("%s\x00%#v", chartDir, opts.withDefaults())
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]*cacheEntry{}
	}
	e, ok := c.entries[key]
	if !ok {
		e = &cacheEntry{}
		c.entries[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.m, e.err = RenderE(tb, chartDir, opts) })
	return e.m, e.err
}
