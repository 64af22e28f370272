package golden

import (
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// Diff returns unified-diff hunks (go-difflib, the diff testify prints), with context unchanged
// lines around each change, for the differences between expected and actual, cut after maxLines
// lines of hunks (0: no cut). It returns "" when they are equal.
func Diff(expected, actual []byte, context, maxLines int) string {
	diff, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        lines(expected),
		B:        lines(actual),
		FromFile: "expected",
		ToFile:   "actual",
		Context:  context,
	})
	if err != nil || diff == "" {
		return diff
	}
	out := lines([]byte(diff))
	if maxLines > 0 && len(out) > maxLines+2 {
		return strings.Join(out[:maxLines+2], "") + "(diff truncated)\n"
	}
	return diff
}

// lines splits b after every newline; a last line without one gets one (as difflib wants).
func lines(b []byte) []string {
	out := strings.SplitAfter(string(b), "\n")
	if out[len(out)-1] == "" {
		return out[:len(out)-1]
	}
	out[len(out)-1] += "\n"
	return out
}
