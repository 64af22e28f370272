// Package kv turns maps into the sorted key=value lists that processes and Helm's --set style
// flags take.
package kv

import (
	"maps"
	"slices"
)

// Pairs returns m as "key=value" strings sorted by key, so that an environment or a list of
// --set flags is the same on every run.
func Pairs(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+"="+m[k])
	}
	return out
}
