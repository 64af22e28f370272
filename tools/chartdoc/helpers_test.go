package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// defaultChartYAML is the Chart.yaml of fixture charts that don't set one.
const defaultChartYAML = "apiVersion: v2\nname: demo\ndescription: A demo chart.\nversion: 0.1.0\n"

// writeChart writes a fixture chart (relative path → content) into a fresh
// temporary directory and returns the directory.
func writeChart(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if _, ok := files["Chart.yaml"]; !ok {
		files["Chart.yaml"] = defaultChartYAML
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
	return dir
}

// readFile returns the content of a file that must exist.
func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}

// runResult is what one chartdoc invocation returned and printed.
type runResult struct {
	code           int
	stdout, stderr string
}

// runChartdoc runs the command in-process.
func runChartdoc(t *testing.T, args ...string) runResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return runResult{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// parseValues parses values.yaml text into its root mapping.
func parseValues(t *testing.T, values string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(values), &doc))
	require.NotEmpty(t, doc.Content, "fixture values must not be empty")
	return doc.Content[0]
}

// schemaFor builds the schema of a values.yaml text and requires success.
func schemaFor(t *testing.T, values string) (*Object, []row) {
	t.Helper()
	schema, rows, err := buildSchema("values.yaml", parseValues(t, values), chartMeta{Name: "demo"})
	require.NoError(t, err)
	return schema, rows
}

// property returns the schema of a top-level property.
func property(t *testing.T, schema *Object, key string) *Object {
	t.Helper()
	props, ok := schema.Get("properties")
	require.True(t, ok, "schema has no properties")
	prop, ok := props.(*Object).Get(key)
	require.True(t, ok, "no property %q", key)
	return prop.(*Object)
}

// compactSchema renders a schema on one line, keywords in output order.
func compactSchema(schema *Object) string {
	e := encoder{}
	e.value(schema, roleSchema, 0)
	return e.buf.String()
}

// lines joins lines with newlines, ending with one.
func lines(ls ...string) string {
	return strings.Join(ls, "\n") + "\n"
}
