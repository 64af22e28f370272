package golden

import (
	"fmt"
	"strings"
)

// maxLCS bounds the lines per side of the changed region that Diff aligns
// line by line; larger regions are shown as one removed and one added block.
const maxLCS = 2000

// op is one line of an edit script: ' ' kept, '-' removed, '+' added.
type op struct {
	kind byte
	line string
}

// Diff returns unified-style hunks, with context unchanged lines around each
// change, for the differences between expected and actual, stopping after
// about maxLines lines of output. It returns "" when they are equal.
func Diff(expected, actual []byte, context, maxLines int) string {
	a := splitLines(string(expected))
	b := splitLines(string(actual))
	ops := editScript(a, b)

	var sb strings.Builder
	sb.WriteString("--- expected\n+++ actual\n")
	written := 0
	// ai, bi are 1-based line numbers of ops[i] in a and b.
	ai, bi := make([]int, len(ops)+1), make([]int, len(ops)+1)
	ai[0], bi[0] = 1, 1
	for i, o := range ops {
		ai[i+1], bi[i+1] = ai[i], bi[i]
		if o.kind != '+' {
			ai[i+1]++
		}
		if o.kind != '-' {
			bi[i+1]++
		}
	}
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// Hunk: from context lines before the change to context lines
		// after the last change that is at most 2*context lines away.
		start := max(0, i-context)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j + 1
			} else if j-end >= 2*context {
				break
			}
		}
		end = min(len(ops), end+context)
		aLen, bLen := ai[end]-ai[start], bi[end]-bi[start]
		fmt.Fprintf(&sb, "@@ -%d,%d +%d,%d @@\n", ai[start], aLen, bi[start], bLen)
		for _, o := range ops[start:end] {
			if maxLines > 0 && written >= maxLines {
				sb.WriteString("... (diff truncated)\n")
				return sb.String()
			}
			sb.WriteByte(o.kind)
			sb.WriteString(o.line + "\n")
			written++
		}
		i = end
	}
	if written == 0 {
		return ""
	}
	return sb.String()
}

// editScript returns the line edit script from a to b: common prefix and
// suffix kept, the middle aligned by longest common subsequence when small
// enough.
func editScript(a, b []string) []op {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []op
	for _, l := range a[:pre] {
		ops = append(ops, op{' ', l})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(ma) <= maxLCS && len(mb) <= maxLCS {
		ops = append(ops, lcsScript(ma, mb)...)
	} else {
		for _, l := range ma {
			ops = append(ops, op{'-', l})
		}
		for _, l := range mb {
			ops = append(ops, op{'+', l})
		}
	}
	for _, l := range a[len(a)-suf:] {
		ops = append(ops, op{' ', l})
	}
	return ops
}

// lcsScript aligns a and b by their longest common subsequence.
func lcsScript(a, b []string) []op {
	n, m := len(a), len(b)
	// l[i][j] is the LCS length of a[i:] and b[j:].
	l := make([][]int32, n+1)
	for i := range l {
		l[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	var ops []op
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			ops = append(ops, op{' ', a[i]})
			i++
			j++
		case l[i+1][j] >= l[i][j+1]:
			ops = append(ops, op{'-', a[i]})
			i++
		default:
			ops = append(ops, op{'+', b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		ops = append(ops, op{'-', a[i]})
	}
	for ; j < m; j++ {
		ops = append(ops, op{'+', b[j]})
	}
	return ops
}

// splitLines splits s into lines without their terminators; a final
// newline does not start an extra line.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
