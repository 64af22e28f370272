// Package golden compares test output with files under testdata/ and
// normalises rendered manifests so that golden files change only when the
// rendered objects do.
//
// Run the tests with -update to rewrite the golden files:
//
//	go test ./tests/render -run TestGolden -update
package golden
