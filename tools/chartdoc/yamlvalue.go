package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"

	"gopkg.in/yaml.v3"
)

// readYAML parses a YAML file and returns its top-level node: the root
// mapping, or nil for an empty document.
func readYAML(path string) (*yaml.Node, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil // empty file
	}
	root := resolve(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil, nil // file holding only comments or "~"
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: the top level must be a mapping", path, root.Line)
	}
	return root, nil
}

// resolve follows YAML aliases (*anchor) to the node they refer to.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// pairs returns the key/value node pairs of a mapping, rejecting what Helm
// would treat differently from what we see: merge keys, non-string keys and
// duplicates.
func pairs(m *yaml.Node) ([][2]*yaml.Node, error) {
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := resolve(m.Content[i]), m.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
			return nil, fmt.Errorf("line %d: mapping keys must be scalars", k.Line)
		case k.ShortTag() == "!!merge":
			return nil, fmt.Errorf("line %d: YAML merge keys (<<) are not supported", k.Line)
		case seen[k.Value]:
			return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, resolve(v)})
	}
	return out, nil
}

// nodeValue converts a YAML node into a JSON value (see Object), keeping
// mapping order. Timestamps and binary scalars stay strings, as Helm sees them.
func nodeValue(n *yaml.Node) (any, error) {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		return mappingValue(n)
	case yaml.SequenceNode:
		arr := make([]any, 0, len(n.Content))
		for _, item := range n.Content {
			v, err := nodeValue(item)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		return arr, nil
	case yaml.ScalarNode:
		return scalarValue(n)
	default:
		return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
	}
}

func mappingValue(n *yaml.Node) (*Object, error) {
	kvs, err := pairs(n)
	if err != nil {
		return nil, err
	}
	obj := NewObject()
	for _, kv := range kvs {
		v, err := nodeValue(kv[1])
		if err != nil {
			return nil, err
		}
		obj.Set(kv[0].Value, v)
	}
	return obj, nil
}

func scalarValue(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!int":
		var i any
		if err := n.Decode(&i); err != nil {
			return nil, err
		}
		return json.Number(fmt.Sprint(i)), nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, err
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("line %d: %s cannot be represented in JSON", n.Line, n.Value)
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
	default: // !!str, !!timestamp, !!binary
		return n.Value, nil
	}
}

// coalesce merges override over defaults the way Helm merges a user values
// file over the chart's values.yaml: mappings merge recursively, a null
// override deletes the key, anything else replaces. defaults is not modified.
func coalesce(defaults, override *Object) *Object {
	out := NewObject()
	for _, k := range defaults.keys {
		out.Set(k, defaults.vals[k])
	}
	for _, k := range override.keys {
		ov := override.vals[k]
		dv, _ := out.Get(k)
		dObj, dIsObj := dv.(*Object)
		oObj, oIsObj := ov.(*Object)
		switch {
		case ov == nil:
			out.Delete(k)
		case dIsObj && oIsObj:
			out.Set(k, coalesce(dObj, oObj))
		default:
			out.Set(k, ov)
		}
	}
	return out
}

// withDependencyKeys returns values with an empty object under each
// dependency key it lacks, as Helm's coalescing adds them before validation.
func withDependencyKeys(values *Object, depKeys []string) *Object {
	out := coalesce(values, NewObject()) // a copy
	for _, key := range depKeys {
		if !out.Has(key) {
			out.Set(key, NewObject())
		}
	}
	return out
}
