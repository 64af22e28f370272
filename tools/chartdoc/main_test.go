package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixtureValues is the values.yaml of the end-to-end fixture chart.
var fixtureValues = lines(
	"# Default values for demo.",
	"",
	"# -- How code reaches the pods.",
	"# @schema {\"enum\": [\"copy\", \"image-volume\"]}",
	"codeSharing: copy",
	"# -- Web tier.",
	"web:",
	"  # -- Number of pods.",
	"  replicas: 1",
	"  # -- Pod resources.",
	"  # @schema {\"x-passthrough\": true}",
	"  resources: {}",
)

// fixtureReadme has hand-written text around the generated block.
var fixtureReadme = lines("# demo", "", "Hand-written intro.", "", startMarker, endMarker, "", "## Hand-written footer")

func TestRunGeneratesAndIsIdempotent(t *testing.T) {
	dir := writeChart(t, map[string]string{"values.yaml": fixtureValues, "README.md": fixtureReadme})

	first := runChartdoc(t, dir)
	require.Equal(t, exitOK, first.code, first.stderr)
	readme := readFile(t, filepath.Join(dir, "README.md"))
	schema := readFile(t, filepath.Join(dir, "values.schema.json"))
	second := runChartdoc(t, dir)
	check := runChartdoc(t, "--check", dir)

	assert.Contains(t, first.stdout, "wrote "+filepath.Join(dir, "values.schema.json"))
	assert.Equal(t, lines(
		"# demo", "", "Hand-written intro.", "",
		startMarker, "",
		"| Key | Type | Default | Description |",
		"|-----|------|---------|-------------|",
		"| `codeSharing` | string | `\"copy\"` | How code reaches the pods. |",
		"| `web.replicas` | integer | `1` | Number of pods. |",
		"| `web.resources` | object | `{}` | Pod resources. |",
		"", endMarker,
		"", "## Hand-written footer",
	), readme)
	assert.Contains(t, schema, `"enum": [`+"\n"+`        "copy",`)
	assert.Equal(t, exitOK, second.code, second.stderr)
	assert.Empty(t, second.stdout, "a second run must not rewrite anything")
	assert.Equal(t, readme, readFile(t, filepath.Join(dir, "README.md")))
	assert.Equal(t, schema, readFile(t, filepath.Join(dir, "values.schema.json")))
	assert.Equal(t, exitOK, check.code, check.stderr)
}

func TestRunCheckDetectsDrift(t *testing.T) {
	dir := writeChart(t, map[string]string{"values.yaml": fixtureValues, "README.md": fixtureReadme})
	require.Equal(t, exitOK, runChartdoc(t, dir).code)
	readmePath := filepath.Join(dir, "README.md")
	before := readFile(t, readmePath)
	edited := lines(
		"# -- How code reaches the PHP pods.",
		"codeSharing: copy",
	)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "values.yaml"), []byte(edited), 0o644))

	got := runChartdoc(t, "--check", dir)

	assert.Equal(t, exitStale, got.code)
	assert.Contains(t, got.stderr, readmePath+": stale")
	assert.Contains(t, got.stderr, filepath.Join(dir, "values.schema.json")+": stale")
	assert.Contains(t, got.stderr, "- | `codeSharing` | string | `\"copy\"` | How code reaches the pods. |")
	assert.Contains(t, got.stderr, "+ | `codeSharing` | string | `\"copy\"` | How code reaches the PHP pods. |")
	assert.Equal(t, before, readFile(t, readmePath), "--check must not write")
}

func TestRunCheckReportsMissingFiles(t *testing.T) {
	dir := writeChart(t, map[string]string{"values.yaml": fixtureValues})

	got := runChartdoc(t, "--check", dir)

	assert.Equal(t, exitStale, got.code)
	assert.Contains(t, got.stderr, filepath.Join(dir, "README.md")+": missing")
	assert.NoFileExists(t, filepath.Join(dir, "README.md"))
}

func TestRunCreatesReadme(t *testing.T) {
	dir := writeChart(t, map[string]string{"values.yaml": fixtureValues})

	got := runChartdoc(t, dir)

	require.Equal(t, exitOK, got.code, got.stderr)
	readme := readFile(t, filepath.Join(dir, "README.md"))
	assert.Contains(t, readme, "# demo\n\nA demo chart.\n")
	assert.Contains(t, readme, startMarker)
	assert.Contains(t, readme, "| `web.replicas` | integer | `1` | Number of pods. |")
}

func TestRunValidatesCIValues(t *testing.T) {
	tests := []struct {
		name     string
		ciValues string
		wantCode int
		wantErr  []string
	}{
		{
			name:     "valid override",
			ciValues: lines("web:", "  replicas: 3", "  resources: {limits: {cpu: 1}}"),
			wantCode: exitOK,
		},
		{
			name:     "null removes a default, as in Helm",
			ciValues: lines("web:", "  resources: null"),
			wantCode: exitOK,
		},
		{
			name:     "typo in a key",
			ciValues: lines("web:", "  replicsa: 3"),
			wantCode: exitError,
			wantErr:  []string{"typo-values.yaml", "replicsa"},
		},
		{
			name:     "value outside the enum",
			ciValues: lines("codeSharing: nfs"),
			wantCode: exitError,
			wantErr:  []string{"typo-values.yaml", "/codeSharing"},
		},
		{
			name:     "wrong type",
			ciValues: lines("web:", "  replicas: two"),
			wantCode: exitError,
			wantErr:  []string{"typo-values.yaml", "/web/replicas"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeChart(t, map[string]string{"values.yaml": fixtureValues, "ci/typo-values.yaml": tt.ciValues})

			got := runChartdoc(t, dir)

			assert.Equal(t, tt.wantCode, got.code, got.stderr)
			for _, want := range tt.wantErr {
				assert.Contains(t, got.stderr, want)
			}
		})
	}
}

func TestRunAcceptsHelmDependencyKeys(t *testing.T) {
	chartYAML := defaultChartYAML + lines("dependencies:", "  - name: common", "    version: 0.1.0")
	dir := writeChart(t, map[string]string{
		"Chart.yaml":            chartYAML,
		"values.yaml":           fixtureValues,
		"ci/parent-values.yaml": lines("common:", "  anything: 1", "global:", "  imageRegistry: mirror"),
	})

	got := runChartdoc(t, dir)

	assert.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, readFile(t, filepath.Join(dir, "values.schema.json")), `"common": {`)
}

func TestRunRejectsInvalidSchemaKeyword(t *testing.T) {
	values := lines("# -- D.", "# @schema {\"type\": \"strng\"}", "v: x")
	dir := writeChart(t, map[string]string{"values.yaml": values})

	got := runChartdoc(t, dir)

	assert.Equal(t, exitError, got.code)
	assert.Contains(t, got.stderr, "generated schema is invalid")
	assert.Contains(t, got.stderr, "/properties/v/type")
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string
	}{
		{
			name:    "README without markers",
			files:   map[string]string{"values.yaml": fixtureValues, "README.md": "# demo\n"},
			wantErr: "README.md: missing the " + startMarker,
		},
		{
			name:    "missing description",
			files:   map[string]string{"values.yaml": lines("# -- Web.", "web:", "  port: 80")},
			wantErr: `web.port: missing "# --" description`,
		},
		{
			name:    "values.yaml does not match its own schema",
			files:   map[string]string{"values.yaml": lines("# -- D.", "# @schema {\"minimum\": 2}", "v: 1")},
			wantErr: "values.yaml: does not match values.schema.json",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeChart(t, tt.files)

			got := runChartdoc(t, dir)

			assert.Equal(t, exitError, got.code)
			assert.Contains(t, got.stderr, tt.wantErr)
			assert.NoFileExists(t, filepath.Join(dir, "values.schema.json"))
		})
	}
}

func TestRunSkips(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		wantNote string
	}{
		{
			name:     "library chart",
			files:    map[string]string{"Chart.yaml": "apiVersion: v2\nname: lib\ntype: library\nversion: 0.1.0\n", "values.yaml": "a: 1\n"},
			wantNote: "library chart",
		},
		{
			name:     "no values.yaml",
			files:    map[string]string{},
			wantNote: "no values.yaml",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeChart(t, tt.files)

			got := runChartdoc(t, "--check", dir)

			assert.Equal(t, exitOK, got.code)
			assert.Contains(t, got.stderr, "skipping "+dir+": "+tt.wantNote)
			assert.NoFileExists(t, filepath.Join(dir, "values.schema.json"))
		})
	}
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no chart", nil},
		{"unknown flag", []string{"--fix", "."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runChartdoc(t, tt.args...)

			assert.Equal(t, exitError, got.code)
			assert.Contains(t, got.stderr, "usage: chartdoc [--check] CHART_DIR...")
		})
	}
}

func TestRunNotAChart(t *testing.T) {
	got := runChartdoc(t, t.TempDir())

	assert.Equal(t, exitError, got.code)
	assert.Contains(t, got.stderr, "not a chart directory")
}
