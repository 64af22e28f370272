package main

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileSchema compiles a generated schema as draft-07. The compiler checks
// it against the draft-07 meta-schema, which catches bad @schema keywords.
func compileSchema(schemaPath string, schema *Object) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(encodeSchemaFile(schema)))
	if err != nil {
		return nil, err
	}
	url, err := filepath.Abs(schemaPath)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	compiled, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("%s: generated schema is invalid (check the @schema annotations): %w", schemaPath, err)
	}
	return compiled, nil
}

// selfCheck validates the chart's values.yaml, then every ci/*-values.yaml
// merged over it the way Helm merges a values file, against the schema.
func selfCheck(dir string, schema *jsonschema.Schema, defaults *Object) error {
	errs := []error{validateValues(schema, filepath.Join(dir, "values.yaml"), defaults)}
	ciFiles, err := filepath.Glob(filepath.Join(dir, "ci", "*-values.yaml"))
	if err != nil {
		return err
	}
	for _, file := range ciFiles {
		override, err := readValues(file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, validateValues(schema, file, coalesce(defaults, override)))
	}
	return errors.Join(errs...)
}

// readValues reads a values file as a JSON object (empty for an empty file).
func readValues(file string) (*Object, error) {
	root, err := readYAML(file)
	if err != nil || root == nil {
		return NewObject(), err
	}
	values, err := mappingValue(root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return values, nil
}

// validateValues validates values (read from file) against the schema.
func validateValues(schema *jsonschema.Schema, file string, values *Object) error {
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(encodeCompact(values)))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := schema.Validate(inst); err != nil {
		return fmt.Errorf("%s: does not match values.schema.json: %w", file, err)
	}
	return nil
}
