package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Object is a JSON object that remembers the order in which keys were first
// set. Generated files are deterministic and follow values.yaml order because
// every object we emit is an *Object, never a Go map.
//
// JSON values in this package are: nil, bool, string, json.Number, []any and
// *Object.
type Object struct {
	keys []string
	vals map[string]any
}

// NewObject returns an empty Object.
func NewObject() *Object {
	return &Object{vals: map[string]any{}}
}

// Set stores v under key, keeping the key's original position if it exists.
func (o *Object) Set(key string, v any) {
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

// Get returns the value stored under key.
func (o *Object) Get(key string) (any, bool) {
	v, ok := o.vals[key]
	return v, ok
}

// Has reports whether key is set.
func (o *Object) Has(key string) bool {
	_, ok := o.vals[key]
	return ok
}

// Delete removes key.
func (o *Object) Delete(key string) {
	if _, ok := o.vals[key]; !ok {
		return
	}
	delete(o.vals, key)
	o.keys = slices.DeleteFunc(o.keys, func(k string) bool { return k == key })
}

// Keys returns the keys in insertion order.
func (o *Object) Keys() []string { return slices.Clone(o.keys) }

// parseJSON decodes one JSON document, keeping object key order (objects
// become *Object) and number literals (json.Number).
func parseJSON(text string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

// decodeValue reads the next complete value from dec.
func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		obj := NewObject()
		for dec.More() {
			keyTok, err := dec.Token()
			if err != nil {
				return nil, err
			}
			val, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			obj.Set(keyTok.(string), val)
		}
		_, err := dec.Token() // '}'
		return obj, err
	case json.Delim('['):
		arr := []any{}
		for dec.More() {
			val, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			arr = append(arr, val)
		}
		_, err := dec.Token() // ']'
		return arr, err
	default:
		return tok, nil // nil, bool, string or json.Number
	}
}

// role tells the encoder how to order the keys of an object.
type role int

const (
	// roleData: plain data (enum values, defaults); keys in insertion order.
	roleData role = iota
	// roleSchema: a schema object; keywords in keywordOrder.
	roleSchema
	// roleSchemaMap: an object whose values are schemas (properties…);
	// keys in insertion order.
	roleSchemaMap
)

// keywordOrder is the fixed order of well-known schema keywords. Any other
// keyword follows, sorted.
var keywordOrder = []string{
	"$schema", "title", "description", "type", "enum", "const", "pattern",
	"minimum", "maximum", "minLength", "minItems", "format", "items",
	"properties", "required", "additionalProperties",
}

// keywordRoles lists the draft-07 keywords whose values are schemas (or maps
// or arrays of schemas); every other keyword holds plain data.
var keywordRoles = map[string]role{
	"items": roleSchema, "additionalItems": roleSchema, "contains": roleSchema,
	"additionalProperties": roleSchema, "propertyNames": roleSchema,
	"not": roleSchema, "if": roleSchema, "then": roleSchema, "else": roleSchema,
	"allOf": roleSchema, "anyOf": roleSchema, "oneOf": roleSchema,
	"properties": roleSchemaMap, "patternProperties": roleSchemaMap,
	"definitions": roleSchemaMap, "dependencies": roleSchemaMap,
}

// schemaKeys returns the keys of a schema object in output order.
func schemaKeys(o *Object) []string {
	var known, others []string
	for _, k := range keywordOrder {
		if o.Has(k) {
			known = append(known, k)
		}
	}
	for _, k := range o.keys {
		if !slices.Contains(keywordOrder, k) {
			others = append(others, k)
		}
	}
	slices.Sort(others)
	return append(known, others...)
}

// encoder writes JSON values, either indented (indent != "") or compact.
type encoder struct {
	buf    bytes.Buffer
	indent string
}

// encodeSchemaFile renders a root schema as a values.schema.json file:
// 2-space indent, keyword order, trailing newline.
func encodeSchemaFile(schema *Object) []byte {
	e := encoder{indent: "  "}
	e.value(schema, roleSchema, 0)
	e.buf.WriteByte('\n')
	return e.buf.Bytes()
}

// encodeCompact renders a data value on one line without spaces.
func encodeCompact(v any) string {
	e := encoder{}
	e.value(v, roleData, 0)
	return e.buf.String()
}

func (e *encoder) value(v any, r role, depth int) {
	switch v := v.(type) {
	case *Object:
		e.object(v, r, depth)
	case []any:
		e.array(v, r, depth)
	case string:
		e.buf.WriteString(quoteJSON(v))
	case json.Number:
		e.buf.WriteString(v.String())
	case bool:
		fmt.Fprint(&e.buf, v)
	case nil:
		e.buf.WriteString("null")
	default:
		panic(fmt.Sprintf("chartdoc: unexpected JSON value type %T", v))
	}
}

func (e *encoder) object(o *Object, r role, depth int) {
	keys := o.keys
	if r == roleSchema {
		keys = schemaKeys(o)
	}
	e.buf.WriteByte('{')
	for i, k := range keys {
		e.element(i, depth+1)
		e.buf.WriteString(quoteJSON(k))
		e.buf.WriteByte(':')
		if e.indent != "" {
			e.buf.WriteByte(' ')
		}
		e.value(o.vals[k], childRole(r, k), depth+1)
	}
	e.close('}', len(keys), depth)
}

func (e *encoder) array(a []any, r role, depth int) {
	// An array in schema position (allOf, tuple items) holds schemas.
	e.buf.WriteByte('[')
	for i, v := range a {
		e.element(i, depth+1)
		e.value(v, r, depth+1)
	}
	e.close(']', len(a), depth)
}

// childRole is the role of the value stored under key in an object of role r.
func childRole(r role, key string) role {
	switch r {
	case roleSchema:
		return keywordRoles[key] // roleData when absent
	case roleSchemaMap:
		return roleSchema
	default:
		return roleData
	}
}

// element writes the separator and line break before element i.
func (e *encoder) element(i, depth int) {
	if i > 0 {
		e.buf.WriteByte(',')
	}
	e.newline(depth)
}

func (e *encoder) close(delim byte, n, depth int) {
	if n > 0 {
		e.newline(depth)
	}
	e.buf.WriteByte(delim)
}

func (e *encoder) newline(depth int) {
	if e.indent == "" {
		return
	}
	e.buf.WriteByte('\n')
	e.buf.WriteString(strings.Repeat(e.indent, depth))
}

// quoteJSON returns s as a JSON string literal without HTML escaping.
func quoteJSON(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	return strings.TrimSuffix(b.String(), "\n")
}
