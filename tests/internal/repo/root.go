package repo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var (
	rootOnce sync.Once
	rootDir  string
	rootErr  error
)

// Root returns the absolute path of the repository root: the nearest
// directory at or above the working directory that holds a go.mod.
func Root(tb testing.TB) string {
	tb.Helper()
	dir, err := RootE()
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// RootE is like Root but returns an error instead of failing the test.
// The result is computed once per process.
func RootE() (string, error) {
	rootOnce.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			rootErr = fmt.Errorf("repo root: %w", err)
			return
		}
		rootDir, rootErr = findUp(wd, "go.mod")
	})
	return rootDir, rootErr
}

// findUp walks from dir towards the filesystem root and returns the first
// directory that contains name.
func findUp(dir, name string) (string, error) {
	start := dir
	for {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return dir, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("repo root: %w", err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("repo root: no %s at or above %s", name, start)
		}
		dir = parent
	}
}
