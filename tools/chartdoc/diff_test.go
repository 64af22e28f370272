package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDiffHint(t *testing.T) {
	current := lines("a", "b", "old", "z")
	generated := lines("a", "b", "new1", "new2", "z")

	want := lines(
		"  @@ line 3: - on disk, + generated @@",
		"  - old",
		"  + new1",
		"  + new2",
	)
	assert.Equal(t, want, diffHint([]byte(current), []byte(generated)))
}

func TestDiffHintTruncates(t *testing.T) {
	generated := strings.Repeat("x\n", hintLines+3)

	hint := diffHint(nil, []byte(generated))

	assert.Contains(t, hint, "+ … 3 more line(s)")
}
