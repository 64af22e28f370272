package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNodeValue(t *testing.T) {
	tests := []struct {
		name   string
		values string
		want   string
	}{
		{"scalars", "s: x\ni: 0x10\nf: 1.5\nb: yes\nt: true\nn: ~\nd: 2024-01-31\n", `{"s":"x","i":16,"f":1.5,"b":"yes","t":true,"n":null,"d":"2024-01-31"}`},
		{"file order", "z: 1\na: {y: 1, b: 2}\n", `{"z":1,"a":{"y":1,"b":2}}`},
		{"aliases", "a: &x [1]\nb: *x\n", `{"a":[1],"b":[1]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := nodeValue(parseValues(t, tt.values))

			require.NoError(t, err)
			assert.Equal(t, tt.want, encodeCompact(v))
		})
	}
}

func TestNodeValueRejectsMergeKeys(t *testing.T) {
	_, err := nodeValue(parseValues(t, "a: &x {b: 1}\nc:\n  <<: *x\n"))

	require.Error(t, err)
	assert.Contains(t, err.Error(), "merge keys")
}

func TestCoalesce(t *testing.T) {
	defaults := mustObject(t, `{"a": 1, "web": {"replicas": 1, "tag": "x"}, "list": [1, 2], "gone": {"x": 1}}`)
	override := mustObject(t, `{"web": {"replicas": 3, "tag": null}, "list": [9], "gone": null, "new": true}`)

	got := coalesce(defaults, override)

	assert.Equal(t, `{"a":1,"web":{"replicas":3},"list":[9],"new":true}`, encodeCompact(got))
	assert.Equal(t, `{"a":1,"web":{"replicas":1,"tag":"x"},"list":[1,2],"gone":{"x":1}}`, encodeCompact(defaults), "defaults must not change")
}

// mustObject parses a JSON object.
func mustObject(t *testing.T, text string) *Object {
	t.Helper()
	v, err := parseJSON(text)
	require.NoError(t, err)
	obj, ok := v.(*Object)
	require.True(t, ok, "not a JSON object: %s", text)
	return obj
}
