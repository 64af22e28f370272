package main

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

const draft07 = "http://json-schema.org/draft-07/schema#"

// scalarTypes maps YAML scalar tags to JSON schema types. Timestamps and
// binary data reach templates as strings.
var scalarTypes = map[string]string{
	"!!str":       "string",
	"!!timestamp": "string",
	"!!binary":    "string",
	"!!int":       "integer",
	"!!float":     "number",
	"!!bool":      "boolean",
}

// row is one line of the README values table.
type row struct {
	key, typ, def, desc string
}

// generator walks values.yaml and builds the schema and the README rows,
// collecting every problem so that authors see them all at once.
type generator struct {
	file string // values.yaml path, for messages
	rows []row
	errs []error
}

// buildSchema returns the root schema of a chart's values.yaml (root may be
// nil for an empty file) and the README rows, in file order.
func buildSchema(file string, root *yaml.Node, meta chartMeta) (*Object, []row, error) {
	g := &generator{file: file}
	props, required := NewObject(), []any(nil)
	if root != nil {
		props, required = g.properties("", root, true)
	}
	addHelmKeys(props, meta.dependencyKeys())
	schema := strictObject(props, required)
	schema.Set("$schema", draft07)
	schema.Set("title", meta.Name)
	return schema, g.rows, errors.Join(g.errs...)
}

// addHelmKeys declares the top-level keys Helm adds to the values before it
// validates them, unless values.yaml declares them itself; the strict root
// would reject them otherwise. They get no README row.
//   - "global", added when the chart is used as a dependency
//     (helm/helm#10392);
//   - one key per dependency in Chart.yaml (its alias or name), always added
//     by Helm's coalescing, library charts included; the dependency's own
//     schema validates its content.
func addHelmKeys(props *Object, depKeys []string) {
	declare := func(key, description string) {
		if props.Has(key) {
			return
		}
		schema := NewObject()
		schema.Set("description", description)
		schema.Set("type", "object")
		props.Set(key, schema)
	}
	declare("global", "Global values, which Helm adds when this chart is used as a dependency.")
	for _, key := range depKeys {
		declare(key, fmt.Sprintf("Values of the %s dependency (Chart.yaml), validated by its own schema.", key))
	}
}

// strictObject is an object schema that accepts only the given properties.
func strictObject(props *Object, required []any) *Object {
	schema := NewObject()
	schema.Set("type", "object")
	schema.Set("properties", props)
	if len(required) > 0 {
		schema.Set("required", required)
	}
	schema.Set("additionalProperties", false)
	return schema
}

// errorf records a problem with the key at path, declared on line.
func (g *generator) errorf(line int, path, format string, args ...any) {
	g.errs = append(g.errs, fmt.Errorf("%s:%d: %s: %s", g.file, line, path, fmt.Sprintf(format, args...)))
}

// properties builds the schemas of a mapping's keys and the names of those
// marked x-required. documented is false inside array items (see node).
func (g *generator) properties(path string, m *yaml.Node, documented bool) (*Object, []any) {
	props, required := NewObject(), []any(nil)
	kvs, err := pairs(m)
	if err != nil {
		g.errs = append(g.errs, fmt.Errorf("%s: %s", g.file, err))
		return props, nil
	}
	for _, kv := range kvs {
		key, val := kv[0], kv[1]
		schema, ann := g.node(joinPath(path, key.Value), key.HeadComment, key.Line, val, documented)
		props.Set(key.Value, schema)
		if ann.required {
			required = append(required, key.Value)
		}
	}
	return props, required
}

// node builds the schema of one value from its default and the annotation in
// its head comment. When documented, the value needs a "# --" description
// and gets a README row; array items are not documented: their keys are
// described only when they carry a "# --" comment, and get no rows.
func (g *generator) node(path, comment string, line int, val *yaml.Node, documented bool) (*Object, annotation) {
	ann, err := parseAnnotation(comment)
	if err != nil {
		g.errorf(line, path, "%v", err)
	} else if documented && !ann.hasDescription() {
		g.errorf(line, path, `missing "# --" description`)
	}
	schema := g.infer(path, line, val, ann, documented)
	if ann.hasDescription() {
		schema.Set("description", ann.schemaText())
	}
	mergeSchema(schema, ann.schema)
	if documented && isRow(val, ann) {
		g.addRow(path, line, val, schema, ann)
	}
	return schema, ann
}

// infer derives a schema from a default value.
func (g *generator) infer(path string, line int, val *yaml.Node, ann annotation, documented bool) *Object {
	switch val.Kind {
	case yaml.MappingNode:
		return g.inferObject(path, line, val, ann, documented)
	case yaml.SequenceNode:
		return g.inferArray(path, line, val, ann)
	default:
		return g.inferScalar(path, line, val, ann)
	}
}

func (g *generator) inferScalar(path string, line int, val *yaml.Node, ann annotation) *Object {
	schema := NewObject()
	tag := val.ShortTag()
	if tag == "!!null" {
		if !ann.schema.Has("type") {
			g.errorf(line, path, `null default needs an explicit type: # @schema {"type": ["string", "null"]}`)
		}
		return schema
	}
	typ, ok := scalarTypes[tag]
	if !ok {
		typ = "string" // custom tags: Helm reads the scalar as a string
	}
	schema.Set("type", typ)
	return schema
}

// inferObject builds a strict object schema from a mapping, or a plain
// "type": "object" for a passthrough mapping.
func (g *generator) inferObject(path string, line int, val *yaml.Node, ann annotation, documented bool) *Object {
	schema := NewObject()
	schema.Set("type", "object")
	switch {
	case ann.passthrough:
		return schema
	case len(val.Content) == 0:
		g.errorf(line, path, `empty mapping {} would only accept {}: add # @schema {"x-passthrough": true} if Kubernetes or the user owns its keys`)
		return schema
	case ann.schema.Has("properties"):
		g.errorf(line, path, `@schema "properties" needs "x-passthrough": true; otherwise document the child keys in values.yaml`)
	}
	props, required := g.properties(path, val, documented)
	return strictObject(props, required)
}

// inferArray builds an array schema whose items are inferred from the first
// element, unless @schema sets "items" or the array is passthrough or empty
// (then items is {}: anything).
func (g *generator) inferArray(path string, line int, val *yaml.Node, ann annotation) *Object {
	schema := NewObject()
	schema.Set("type", "array")
	switch {
	case ann.schema.Has("items"):
		// Taken as is from @schema by the merge.
	case ann.passthrough || len(val.Content) == 0:
		schema.Set("items", NewObject())
	default:
		first := val.Content[0]
		items, itemAnn := g.node(path+"[0]", first.HeadComment, first.Line, resolve(first), false)
		if itemAnn.required {
			g.errorf(first.Line, path+"[0]", `"x-required" is only valid on mapping keys`)
		}
		schema.Set("items", items)
	}
	return schema
}

// isRow reports whether a documented value gets a README row: leaves and
// passthrough or empty objects do; objects with documented children don't.
func isRow(val *yaml.Node, ann annotation) bool {
	return val.Kind != yaml.MappingNode || ann.passthrough || len(val.Content) == 0
}

func (g *generator) addRow(path string, line int, val *yaml.Node, schema *Object, ann annotation) {
	def, err := nodeValue(val)
	if err != nil {
		g.errorf(line, path, "%v", err)
		return
	}
	g.rows = append(g.rows, row{key: path, typ: typeLabel(schema), def: encodeCompact(def), desc: readmeDescription(ann.paragraphs)})
}

// typeLabel renders a schema's "type" for the README: "string",
// "string | null"…
func typeLabel(schema *Object) string {
	switch t, _ := schema.Get("type"); t := t.(type) {
	case string:
		return t
	case []any:
		names := make([]string, 0, len(t))
		for _, name := range t {
			names = append(names, fmt.Sprint(name))
		}
		return strings.Join(names, " | ")
	default:
		return "any"
	}
}

// joinPath appends key to a dotted path, quoting keys that contain dots or
// spaces so that the path stays unambiguous.
func joinPath(path, key string) string {
	if strings.ContainsAny(key, ". ") || key == "" {
		key = quoteJSON(key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}
