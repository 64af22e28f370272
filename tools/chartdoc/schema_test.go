package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func TestInferredSchemas(t *testing.T) {
	tests := []struct {
		name   string
		values string
		want   string // compact schema of property "v"
	}{
		{
			name:   "string",
			values: "# -- d\nv: copy\n",
			want:   `{"description":"d","type":"string"}`,
		},
		{
			name:   "quoted number is a string",
			values: "# -- d\nv: \"1.27\"\n",
			want:   `{"description":"d","type":"string"}`,
		},
		{
			name:   "integer",
			values: "# -- d\nv: 3\n",
			want:   `{"description":"d","type":"integer"}`,
		},
		{
			name:   "float",
			values: "# -- d\nv: 0.5\n",
			want:   `{"description":"d","type":"number"}`,
		},
		{
			name:   "boolean",
			values: "# -- d\nv: false\n",
			want:   `{"description":"d","type":"boolean"}`,
		},
		{
			name:   "timestamp stays a string",
			values: "# -- d\nv: 2024-01-31\n",
			want:   `{"description":"d","type":"string"}`,
		},
		{
			name:   "strict object in file order",
			values: lines("# -- d", "v:", "  # -- z", "  z: 1", "  # -- a", "  a: x"),
			want:   `{"description":"d","type":"object","properties":{"z":{"description":"z","type":"integer"},"a":{"description":"a","type":"string"}},"additionalProperties":false}`,
		},
		{
			name:   "array items from the first element",
			values: "# -- d\nv: [a, b]\n",
			want:   `{"description":"d","type":"array","items":{"type":"string"}}`,
		},
		{
			name:   "empty array accepts any items",
			values: "# -- d\nv: []\n",
			want:   `{"description":"d","type":"array","items":{}}`,
		},
		{
			name:   "array of mappings: strict items, descriptions optional",
			values: lines("# -- d", "v:", "  - name: a", "    # -- The value.", "    value: b"),
			want:   `{"description":"d","type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"value":{"description":"The value.","type":"string"}},"additionalProperties":false}}`,
		},
		{
			name:   "comment above the first item annotates items",
			values: lines("# -- d", "v:", "  # @schema {\"x-passthrough\": true}", "  - name: a"),
			want:   `{"description":"d","type":"array","items":{"type":"object"}}`,
		},
		{
			name:   "passthrough object",
			values: lines("# -- d", "# @schema {\"x-passthrough\": true}", "v:", "  limits:", "    cpu: 1"),
			want:   `{"description":"d","type":"object"}`,
		},
		{
			name:   "empty passthrough object",
			values: lines("# -- d", "# @schema {\"x-passthrough\": true}", "v: {}"),
			want:   `{"description":"d","type":"object"}`,
		},
		{
			name:   "passthrough array",
			values: lines("# -- d", "# @schema {\"x-passthrough\": true}", "v:", "  - name: A", "    value: b"),
			want:   `{"description":"d","type":"array","items":{}}`,
		},
		{
			name:   "enum merged over the inferred type",
			values: lines("# -- d", "# @schema {\"enum\": [\"copy\", \"image-volume\"]}", "v: copy"),
			want:   `{"description":"d","type":"string","enum":["copy","image-volume"]}`,
		},
		{
			name:   "several @schema lines merge in order",
			values: lines("# -- d", "# @schema {\"minimum\": 1, \"maximum\": 5}", "# @schema {\"maximum\": 9}", "v: 2"),
			want:   `{"description":"d","type":"integer","minimum":1,"maximum":9}`,
		},
		{
			name:   "@schema items replace inference",
			values: lines("# -- d", "# @schema {\"items\": {\"type\": \"integer\", \"minimum\": 1}}", "v: []"),
			want:   `{"description":"d","type":"array","items":{"type":"integer","minimum":1}}`,
		},
		{
			name:   "null with an explicit type",
			values: lines("# -- d", "# @schema {\"type\": [\"string\", \"null\"]}", "v: null"),
			want:   `{"description":"d","type":["string","null"]}`,
		},
		{
			name:   "x-required child",
			values: lines("# -- d", "v:", "  # -- a", "  # @schema {\"x-required\": true}", "  a: 1", "  # -- b", "  b: 2"),
			want:   `{"description":"d","type":"object","properties":{"a":{"description":"a","type":"integer"},"b":{"description":"b","type":"integer"}},"required":["a"],"additionalProperties":false}`,
		},
		{
			name:   "paragraphs",
			values: lines("# -- one", "# two", "#", "# three", "v: 1"),
			want:   `{"description":"one two\n\nthree","type":"integer"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schema, _ := schemaFor(t, tt.values)
			assert.Equal(t, tt.want, compactSchema(property(t, schema, "v")))
		})
	}
}

func TestRootSchema(t *testing.T) {
	schema, _ := schemaFor(t, lines("# -- b", "# @schema {\"x-required\": true}", "b: 1", "# -- a", "a: x"))

	assert.Equal(t,
		`{"$schema":"http://json-schema.org/draft-07/schema#","title":"demo","type":"object","properties":{"b":{"description":"b","type":"integer"},"a":{"description":"a","type":"string"},"global":{"description":"Global values, which Helm adds when this chart is used as a dependency.","type":"object"}},"required":["b"],"additionalProperties":false}`,
		compactSchema(schema))
}

func TestRootSchemaKeepsDeclaredGlobal(t *testing.T) {
	schema, _ := schemaFor(t, lines("# -- Shared.", "# @schema {\"x-passthrough\": true}", "global: {}"))

	assert.Equal(t, `{"description":"Shared.","type":"object"}`, compactSchema(property(t, schema, "global")))
}

func TestBuildSchemaErrors(t *testing.T) {
	tests := []struct {
		name    string
		values  string
		wantErr []string
	}{
		{
			name:    "missing description names the dotted path",
			values:  lines("# -- w", "web:", "  # -- n", "  nginx:", "    # -- i", "    image:", "      # not the dialect", "      tag: \"1\""),
			wantErr: []string{`values.yaml:8: web.nginx.image.tag: missing "# --" description`},
		},
		{
			name:    "every missing description is reported",
			values:  lines("a: 1", "b: 2"),
			wantErr: []string{`a: missing "# --" description`, `b: missing "# --" description`},
		},
		{
			name:    "comment separated by a blank line does not count",
			values:  lines("# -- a", "a: 1", "# -- b", "", "b: 2"),
			wantErr: []string{`b: missing "# --" description`},
		},
		{
			name:    "null needs a type",
			values:  lines("# -- d", "domain: null"),
			wantErr: []string{`domain: null default needs an explicit type`},
		},
		{
			name:    "empty mapping suggests passthrough",
			values:  lines("# -- d", "affinity: {}"),
			wantErr: []string{`affinity: empty mapping {}`, `x-passthrough`},
		},
		{
			name:    "unknown extension",
			values:  lines("# -- d", "# @schema {\"x-passthru\": true}", "v: {}"),
			wantErr: []string{`v: @schema: unknown extension "x-passthru"`},
		},
		{
			name:    "invalid @schema JSON",
			values:  lines("# -- d", "# @schema {enum: [a]}", "v: a"),
			wantErr: []string{`v: @schema: invalid JSON`},
		},
		{
			name:    "@schema must be an object",
			values:  lines("# -- d", "# @schema [1]", "v: a"),
			wantErr: []string{`v: @schema: must be a JSON object`},
		},
		{
			name:    "remote $ref",
			values:  lines("# -- d", "# @schema {\"$ref\": \"https://example.com/s.json\"}", "v: a"),
			wantErr: []string{`v: @schema: remote $ref`},
		},
		{
			name:    "properties without passthrough",
			values:  lines("# -- d", "# @schema {\"properties\": {}}", "v:", "  # -- a", "  a: 1"),
			wantErr: []string{`v: @schema "properties" needs "x-passthrough": true`},
		},
		{
			name:    "x-required on an array item",
			values:  lines("# -- d", "v:", "  # @schema {\"x-required\": true}", "  - a"),
			wantErr: []string{`v[0]: "x-required" is only valid on mapping keys`},
		},
		{
			name:    "nested item keys are checked with their path",
			values:  lines("# -- d", "v:", "  - name: a", "    extra: null"),
			wantErr: []string{`v[0].extra: null default needs an explicit type`},
		},
		{
			name:    "duplicate key",
			values:  lines("# -- a", "a: 1", "# -- a", "a: 2"),
			wantErr: []string{`duplicate key "a"`},
		},
		{
			name:    "empty description",
			values:  lines("# --", "a: 1"),
			wantErr: []string{`a: empty "# --" description`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := buildSchema("values.yaml", parseValues(t, tt.values), chartMeta{Name: "demo"})

			require.Error(t, err)
			for _, want := range tt.wantErr {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

func TestReadmeRows(t *testing.T) {
	values := lines(
		"# -- Mode.",
		"codeSharing: copy",
		"# -- Web.",
		"web:",
		"  # -- Tag.",
		"  tag: \"1.27\"",
		"  # -- Resources.",
		"  # @schema {\"x-passthrough\": true}",
		"  resources:",
		"    limits: {cpu: 1}",
		"# -- Hosts.",
		"hosts: [a, b]",
		"# -- Env.",
		"env:",
		"  - name: A",
		"    # -- not a row",
		"    value: b",
		"# -- Domain.",
		"# @schema {\"type\": [\"string\", \"null\"]}",
		"domain: ~",
	)
	_, rows := schemaFor(t, values)

	assert.Equal(t, []row{
		{key: "codeSharing", typ: "string", def: `"copy"`, desc: "Mode."},
		{key: "web.tag", typ: "string", def: `"1.27"`, desc: "Tag."},
		{key: "web.resources", typ: "object", def: `{"limits":{"cpu":1}}`, desc: "Resources."},
		{key: "hosts", typ: "array", def: `["a","b"]`, desc: "Hosts."},
		{key: "env", typ: "array", def: `[{"name":"A","value":"b"}]`, desc: "Env."},
		{key: "domain", typ: "string | null", def: `null`, desc: "Domain."},
	}, rows)
}

func TestJoinPath(t *testing.T) {
	tests := []struct{ path, key, want string }{
		{"", "web", "web"},
		{"web", "tag", "web.tag"},
		{"podAnnotations", "example.com/x", `podAnnotations."example.com/x"`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, joinPath(tt.path, tt.key))
	}
}

func TestRootSchemaDeclaresDependencies(t *testing.T) {
	var meta chartMeta
	require.NoError(t, yaml.Unmarshal([]byte(lines(
		"name: demo",
		"dependencies:",
		"  - name: magento-common",
		"  - name: redis",
		"    alias: cache",
		"  - name: declared",
	)), &meta))
	values := lines("# -- Declared in values.yaml.", "# @schema {\"x-passthrough\": true}", "declared: {}")

	schema, rows, err := buildSchema("values.yaml", parseValues(t, values), meta)

	require.NoError(t, err)
	props, _ := schema.Get("properties")
	assert.Equal(t, []string{"declared", "global", "magento-common", "cache"}, props.(*Object).Keys())
	assert.Equal(t, `{"description":"Values of the cache dependency (Chart.yaml), validated by its own schema.","type":"object"}`,
		compactSchema(property(t, schema, "cache")))
	assert.Len(t, rows, 1, "Helm's keys get no README row")
}
