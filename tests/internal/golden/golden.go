package golden

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Dir is the directory, relative to the test's package directory, that holds
// golden files.
const Dir = "testdata"

var update = flag.Bool("update", false, "rewrite golden files under testdata/ with the current output")

// Updating reports whether the test binary runs with -update.
func Updating() bool { return *update }

// Path returns the golden file path for name (a slash-separated path relative
// to Dir, e.g. "magento2/minimal.yaml").
func Path(name string) string { return filepath.Join(Dir, filepath.FromSlash(name)) }

// Assert compares actual with the golden file testdata/<name>. With -update
// it writes actual to the file instead (creating directories). On a mismatch
// it reports a unified-style diff of the first differing lines.
func Assert(tb testing.TB, name string, actual []byte) {
	tb.Helper()
	file := Path(name)
	if *update {
		if err := writeIfChanged(file, actual); err != nil {
			tb.Fatal(err)
		}
		return
	}
	expected, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		tb.Fatalf("golden file %s is missing: rerun the test with -update to create it", file)
	}
	if err != nil {
		tb.Fatal(err)
	}
	if bytes.Equal(expected, actual) {
		return
	}
	tb.Errorf("output differs from golden file %s (rerun with -update if the change is intended):\n%s",
		file, Diff(expected, actual, 3, 40))
}

// writeIfChanged writes data to file unless the file already holds it.
func writeIfChanged(file string, data []byte) error {
	if old, err := os.ReadFile(file); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return fmt.Errorf("update golden file: %w", err)
	}
	return nil
}
