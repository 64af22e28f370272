package main

import (
	"fmt"
	"strings"
)

// hintLines is how many changed lines of each side a diff hint shows.
const hintLines = 6

// diffHint shows, in a few lines, where a file on disk (current) differs from
// what chartdoc generates: the first changed region, found by trimming the
// lines both versions share at the start and at the end.
func diffHint(current, generated []byte) string {
	a, b := strings.Split(string(current), "\n"), strings.Split(string(generated), "\n")
	prefix := commonPrefix(a, b)
	a, b = a[prefix:], b[prefix:]
	suffix := commonSuffix(a, b)
	var sb strings.Builder
	fmt.Fprintf(&sb, "  @@ line %d: - on disk, + generated @@\n", prefix+1)
	writeHintLines(&sb, "-", a[:len(a)-suffix])
	writeHintLines(&sb, "+", b[:len(b)-suffix])
	return sb.String()
}

func commonPrefix(a, b []string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func commonSuffix(a, b []string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

func writeHintLines(sb *strings.Builder, sign string, lines []string) {
	for i, line := range lines {
		if i == hintLines {
			fmt.Fprintf(sb, "  %s … %d more line(s)\n", sign, len(lines)-i)
			return
		}
		fmt.Fprintf(sb, "  %s %s\n", sign, line)
	}
}
