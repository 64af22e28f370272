package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEncodeSchemaFile(t *testing.T) {
	v, err := parseJSON(`{"zeta": 1, "additionalProperties": false, "type": "object", "alpha": {"b": 1, "a": 2},
		"properties": {"z": {"type": "string", "description": "Z."}, "a": {}}, "$schema": "s", "enum": []}`)
	require.NoError(t, err)

	want := lines(
		`{`,
		`  "$schema": "s",`,
		`  "type": "object",`,
		`  "enum": [],`,
		`  "properties": {`,
		`    "z": {`,
		`      "description": "Z.",`,
		`      "type": "string"`,
		`    },`,
		`    "a": {}`,
		`  },`,
		`  "additionalProperties": false,`,
		`  "alpha": {`,
		`    "b": 1,`,
		`    "a": 2`,
		`  },`,
		`  "zeta": 1`,
		`}`,
	)
	assert.Equal(t, want, string(encodeSchemaFile(v.(*Object))))
}

func TestEncodeCompact(t *testing.T) {
	v, err := parseJSON(`{"b": [1, 2.50, "<x>"], "a": {"n": null, "t": true}}`)
	require.NoError(t, err)

	assert.Equal(t, `{"b":[1,2.50,"<x>"],"a":{"n":null,"t":true}}`, encodeCompact(v))
}

func TestObjectDelete(t *testing.T) {
	o := NewObject()
	o.Set("a", 1)
	o.Set("b", 2)
	o.Set("a", 3)
	o.Delete("a")
	o.Delete("missing")

	assert.Equal(t, []string{"b"}, o.Keys())
	assert.False(t, o.Has("a"))
}
