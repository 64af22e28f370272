package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAnnotation(t *testing.T) {
	tests := []struct {
		name        string
		comment     string
		paragraphs  []string
		schema      string
		passthrough bool
		required    bool
	}{
		{
			name:    "no comment",
			comment: "",
			schema:  `{}`,
		},
		{
			name:       "description continues on following lines",
			comment:    "# -- First line\n# second line.",
			paragraphs: []string{"First line second line."},
			schema:     `{}`,
		},
		{
			name:       "hash alone breaks paragraphs",
			comment:    "# -- One.\n#\n# Two.",
			paragraphs: []string{"One.", "Two."},
			schema:     `{}`,
		},
		{
			name:       "ordinary comments before the marker are ignored",
			comment:    "# TODO: tune\n# -- Replicas.",
			paragraphs: []string{"Replicas."},
			schema:     `{}`,
		},
		{
			name:       "only the block directly above counts",
			comment:    "## Section\n# -- Not this.\n\n# -- This.",
			paragraphs: []string{"This."},
			schema:     `{}`,
		},
		{
			name:        "schema lines merge in order, extensions removed",
			comment:     "# -- D.\n# @schema {\"minimum\": 1, \"x-passthrough\": true}\n# @schema {\"minimum\": 2, \"x-required\": true}",
			paragraphs:  []string{"D."},
			schema:      `{"minimum":2}`,
			passthrough: true,
			required:    true,
		},
		{
			name:    "required lists are joined",
			comment: "# @schema {\"required\": [\"a\"]}\n# @schema {\"required\": [\"b\", \"a\"]}",
			schema:  `{"required":["a","b"]}`,
		},
		{
			name:       "schema without space after the hash",
			comment:    "#-- D.\n#@schema {\"format\": \"uri\"}",
			paragraphs: []string{"D."},
			schema:     `{"format":"uri"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ann, err := parseAnnotation(tt.comment)

			require.NoError(t, err)
			assert.Equal(t, tt.paragraphs, ann.paragraphs)
			assert.Equal(t, tt.schema, compactSchema(ann.schema))
			assert.Equal(t, tt.passthrough, ann.passthrough)
			assert.Equal(t, tt.required, ann.required)
		})
	}
}

func TestParseAnnotationErrors(t *testing.T) {
	tests := []struct {
		name    string
		comment string
		wantErr string
	}{
		{"empty description", "# --", `empty "# --" description`},
		{"two descriptions", "# -- a\n# -- b", `more than one "# --" description`},
		{"trailing JSON", "# @schema {} {}", "invalid JSON"},
		{"extension not a boolean", `# @schema {"x-required": "yes"}`, `"x-required" must be true or false`},
		{"nested remote ref", `# @schema {"items": {"$ref": "other.json"}}`, `remote $ref "other.json"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseAnnotation(tt.comment)

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestParseAnnotationSchemaText(t *testing.T) {
	ann, err := parseAnnotation("# -- One.\n#\n# Two.")
	require.NoError(t, err)

	assert.Equal(t, "One.\n\nTwo.", ann.schemaText())
}
