package main

import (
	"errors"
	"fmt"
	"strings"
)

// The comment dialect, read from the comment block directly above a key
// (yaml.v3 HeadComment of the key node; only the last block when blank lines
// separate several):
//
//	# -- Description, continued on the following "# " lines (joined
//	# with spaces). A line "#" alone starts a new paragraph.
//	# @schema {"enum": ["copy", "image-volume"]}
//
// Lines of the block before "# --" are ordinary comments and are ignored.
const (
	descriptionMarker = "--"
	schemaMarker      = "@schema"
	extPassthrough    = "x-passthrough"
	extRequired       = "x-required"
)

// annotation is what the comment above one key says about it.
type annotation struct {
	// paragraphs of the "# --" description; empty when there is none.
	paragraphs []string
	// schema is the merge of all "# @schema" objects, extensions removed.
	schema *Object
	// passthrough: "x-passthrough": true — children are owned by
	// Kubernetes or the user and are not enumerated.
	passthrough bool
	// required: "x-required": true — listed in the parent's "required".
	required bool
}

// hasDescription reports whether the key carries a "# --" description.
func (a annotation) hasDescription() bool { return len(a.paragraphs) > 0 }

// schemaText is the description as stored in values.schema.json.
func (a annotation) schemaText() string { return strings.Join(a.paragraphs, "\n\n") }

// parseAnnotation reads the dialect from a yaml.v3 head comment.
func parseAnnotation(comment string) (annotation, error) {
	ann := annotation{schema: NewObject()}
	var desc descriptionBuilder
	for _, line := range lastBlock(comment) {
		body := strings.TrimPrefix(strings.TrimSpace(line), "#")
		trimmed := strings.TrimSpace(body)
		switch {
		case strings.HasPrefix(trimmed, schemaMarker):
			if err := ann.addSchema(strings.TrimPrefix(trimmed, schemaMarker)); err != nil {
				return ann, err
			}
		case trimmed == descriptionMarker || strings.HasPrefix(trimmed, descriptionMarker+" "):
			if desc.started {
				return ann, errors.New(`more than one "# --" description`)
			}
			desc.started = true
			desc.add(strings.TrimPrefix(trimmed, descriptionMarker))
		case desc.started:
			desc.add(trimmed)
		}
	}
	if desc.started && len(desc.paragraphs()) == 0 {
		return ann, errors.New(`empty "# --" description`)
	}
	ann.paragraphs = desc.paragraphs()
	return ann, ann.takeExtensions()
}

// lastBlock returns the lines of the last blank-line-separated block of a
// comment: the comment lines directly above the key.
func lastBlock(comment string) []string {
	lines := strings.Split(comment, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) == "" {
			return lines[i+1:]
		}
	}
	return lines
}

// descriptionBuilder joins description lines into paragraphs.
type descriptionBuilder struct {
	started bool
	done    []string
	current []string
}

// add appends one comment line; an empty line ends the current paragraph.
func (d *descriptionBuilder) add(text string) {
	text = strings.TrimSpace(text)
	if text != "" {
		d.current = append(d.current, text)
		return
	}
	d.flush()
}

func (d *descriptionBuilder) flush() {
	if len(d.current) > 0 {
		d.done = append(d.done, strings.Join(d.current, " "))
		d.current = nil
	}
}

func (d *descriptionBuilder) paragraphs() []string {
	d.flush()
	return d.done
}

// addSchema parses one "# @schema" JSON object and merges it over the
// previous ones.
func (a *annotation) addSchema(text string) error {
	v, err := parseJSON(text)
	if err != nil {
		return fmt.Errorf("@schema: invalid JSON: %w", err)
	}
	obj, ok := v.(*Object)
	if !ok {
		return errors.New("@schema: must be a JSON object")
	}
	if err := checkRefs(obj); err != nil {
		return err
	}
	mergeSchema(a.schema, obj)
	return nil
}

// takeExtensions moves the x-* keywords out of the schema into the
// annotation. Unknown x-* keywords are errors, so that a typo such as
// "x-passtrough" cannot silently produce a strict object.
func (a *annotation) takeExtensions() error {
	for _, k := range a.schema.Keys() {
		if !strings.HasPrefix(k, "x-") {
			continue
		}
		v, _ := a.schema.Get(k)
		b, isBool := v.(bool)
		switch {
		case k != extPassthrough && k != extRequired:
			return fmt.Errorf("@schema: unknown extension %q (known: %s, %s)", k, extPassthrough, extRequired)
		case !isBool:
			return fmt.Errorf("@schema: %q must be true or false", k)
		case k == extPassthrough:
			a.passthrough = b
		default:
			a.required = b
		}
		a.schema.Delete(k)
	}
	return nil
}

// checkRefs rejects "$ref"s that are not local ("#…"): the schema must be
// self-contained so that Helm never fetches anything.
func checkRefs(v any) error {
	switch v := v.(type) {
	case *Object:
		for _, k := range v.keys {
			if ref, ok := v.vals[k].(string); ok && k == "$ref" && !strings.HasPrefix(ref, "#") {
				return fmt.Errorf("@schema: remote $ref %q is not allowed", ref)
			}
			if err := checkRefs(v.vals[k]); err != nil {
				return err
			}
		}
	case []any:
		for _, item := range v {
			if err := checkRefs(item); err != nil {
				return err
			}
		}
	}
	return nil
}

// mergeSchema merges src over dst, keyword by keyword: src replaces dst,
// except "required", whose lists are joined without duplicates.
func mergeSchema(dst, src *Object) {
	for _, k := range src.keys {
		v := src.vals[k]
		if k == "required" {
			v = unionRequired(dst.vals[k], v)
		}
		dst.Set(k, v)
	}
}

// unionRequired joins two "required" values, keeping the first occurrence.
func unionRequired(a, b any) any {
	aList, aOK := a.([]any)
	bList, bOK := b.([]any)
	if !aOK || !bOK {
		return b // not both lists: let the schema compiler judge b
	}
	out := append([]any{}, aList...)
	for _, name := range bList {
		if !containsValue(out, name) {
			out = append(out, name)
		}
	}
	return out
}

func containsValue(list []any, v any) bool {
	key := encodeCompact(v) // values may be uncomparable ([]any, *Object)
	for _, item := range list {
		if encodeCompact(item) == key {
			return true
		}
	}
	return false
}
