package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderTable(t *testing.T) {
	rows := []row{
		{key: "a", typ: "string | null", def: `"x|y"`, desc: "Pipe | here.<br>Next."},
		{key: "b", typ: "string", def: "\"`tick`\"", desc: "Tick."},
	}

	want := lines(
		"| Key | Type | Default | Description |",
		"|-----|------|---------|-------------|",
		"| `a` | string \\| null | `\"x\\|y\"` | Pipe \\| here.<br>Next. |",
		"| `b` | string | `` \"`tick`\" `` | Tick. |",
	)
	assert.Equal(t, want, renderTable(rows))
}

func TestReadmeDescription(t *testing.T) {
	tests := []struct {
		name       string
		paragraphs []string
		want       string
	}{
		{"paragraphs", []string{"One.", "Two."}, "One.<br>Two."},
		{"HTML escaped", []string{`Default: "<release>-web" & more.`}, `Default: "&lt;release&gt;-web" &amp; more.`},
		{"code spans kept", []string{"Set `<name>` or <name>."}, "Set `<name>` or &lt;name&gt;."},
		{"unmatched backtick", []string{"a <b> `c <d>"}, "a &lt;b&gt; `c &lt;d&gt;"},
		{"no text", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, readmeDescription(tt.paragraphs))
		})
	}
}

func TestUpdateReadme(t *testing.T) {
	readme := lines("# demo", "", "Intro.", "", startMarker, "old table", endMarker, "", "## After")
	table := "| new |\n"

	got, err := updateReadme(readme, table)
	require.NoError(t, err)

	assert.Equal(t, lines("# demo", "", "Intro.", "", startMarker, "", "| new |", "", endMarker, "", "## After"), got)
	again, err := updateReadme(got, table)
	require.NoError(t, err)
	assert.Equal(t, got, again, "replacement must be idempotent")
}

func TestUpdateReadmeErrors(t *testing.T) {
	tests := []struct {
		name    string
		readme  string
		wantErr string
	}{
		{"no markers", "# demo\n", "missing the " + startMarker},
		{"only start", startMarker + "\n", "missing the"},
		{"reversed", endMarker + "\n" + startMarker + "\n", "must come before"},
		{"twice", startMarker + endMarker + startMarker + endMarker, "only once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := updateReadme(tt.readme, "| t |\n")

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestNewReadme(t *testing.T) {
	got := newReadme(chartMeta{Name: "demo", Description: "A demo chart."}, "| t |\n")

	assert.Equal(t, lines("# demo", "", "A demo chart.", "", "## Values", "", startMarker, "", "| t |", "", endMarker), got)
}
