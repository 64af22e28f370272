package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// chartMeta is the part of Chart.yaml chartdoc reads.
type chartMeta struct {
	Name         string `yaml:"name"`
	Description  string `yaml:"description"`
	Type         string `yaml:"type"`
	Dependencies []struct {
		Name  string `yaml:"name"`
		Alias string `yaml:"alias"`
	} `yaml:"dependencies"`
}

// dependencyKeys returns the values keys of the chart's dependencies: the
// alias, or else the name.
func (m chartMeta) dependencyKeys() []string {
	keys := make([]string, 0, len(m.Dependencies))
	for _, dep := range m.Dependencies {
		if dep.Alias != "" {
			keys = append(keys, dep.Alias)
		} else {
			keys = append(keys, dep.Name)
		}
	}
	return keys
}

// output is one generated file with the content it should have.
type output struct {
	path    string
	content []byte
}

// readChartMeta reads CHART_DIR/Chart.yaml.
func readChartMeta(dir string) (chartMeta, error) {
	var meta chartMeta
	path := filepath.Join(dir, "Chart.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		return meta, fmt.Errorf("%s: not a chart directory: %w", dir, err)
	}
	if err := yaml.Unmarshal(data, &meta); err != nil {
		return meta, fmt.Errorf("%s: %w", path, err)
	}
	if meta.Name == "" {
		return meta, fmt.Errorf("%s: missing name", path)
	}
	return meta, nil
}

// generate returns the files chartdoc generates for the chart in dir, after
// checking that the chart's values files match the new schema. A non-empty
// skip explains why the chart has nothing to generate.
func generate(dir string) (outs []output, skip string, err error) {
	meta, err := readChartMeta(dir)
	if err != nil {
		return nil, "", err
	}
	valuesPath := filepath.Join(dir, "values.yaml")
	if meta.Type == "library" {
		return nil, "library chart", nil
	}
	if _, err := os.Stat(valuesPath); errors.Is(err, fs.ErrNotExist) {
		return nil, "no values.yaml", nil
	}
	root, err := readYAML(valuesPath)
	if err != nil {
		return nil, "", err
	}
	schema, rows, err := buildSchema(valuesPath, root, meta)
	if err != nil {
		return nil, "", err
	}
	schemaPath := filepath.Join(dir, "values.schema.json")
	if err := checkSchema(dir, schemaPath, schema, meta.dependencyKeys()); err != nil {
		return nil, "", err
	}
	readmePath := filepath.Join(dir, "README.md")
	readme, err := readmeContent(readmePath, meta, renderTable(rows))
	if err != nil {
		return nil, "", err
	}
	return []output{
		{path: schemaPath, content: encodeSchemaFile(schema)},
		{path: readmePath, content: []byte(readme)},
	}, "", nil
}

// checkSchema compiles the schema and validates the chart's values files.
func checkSchema(dir, schemaPath string, schema *Object, depKeys []string) error {
	compiled, err := compileSchema(schemaPath, schema)
	if err != nil {
		return err
	}
	defaults, err := readValues(filepath.Join(dir, "values.yaml"))
	if err != nil {
		return err
	}
	return selfCheck(dir, compiled, withDependencyKeys(defaults, depKeys))
}

// readmeContent returns the README with a fresh values table: the existing
// README with its marked block replaced, or a new one.
func readmeContent(path string, meta chartMeta, table string) (string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newReadme(meta, table), nil
	}
	if err != nil {
		return "", err
	}
	readme, err := updateReadme(string(data), table)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return readme, nil
}
