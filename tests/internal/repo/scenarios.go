package repo

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// DefaultScenario is the name of the scenario used for a chart that has no
// ci/*-values.yaml files: it renders the chart's default values, as
// chart-testing does.
const DefaultScenario = "default"

// Scenario is one ci/<name>-values.yaml file of a chart.
type Scenario struct {
	// Name is the file name without the "-values.yaml" suffix, e.g. "minimal".
	Name string
	// File is the absolute path of the values file; empty for DefaultScenario.
	File string
}

// ValuesFiles returns the values files to pass to helm for this scenario
// (none for DefaultScenario).
func (s Scenario) ValuesFiles() []string {
	if s.File == "" {
		return nil
	}
	return []string{s.File}
}

// Scenarios returns the scenarios of the chart in chartDir (absolute, or
// relative to the repository root), sorted by name. A chart without
// ci/*-values.yaml files has the single scenario DefaultScenario.
func Scenarios(tb testing.TB, chartDir string) []Scenario {
	tb.Helper()
	s, err := ScenariosE(chartDir)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// ScenariosE is like Scenarios but returns an error instead of failing the test.
func ScenariosE(chartDir string) ([]Scenario, error) {
	if !filepath.IsAbs(chartDir) {
		root, err := RootE()
		if err != nil {
			return nil, err
		}
		chartDir = filepath.Join(root, chartDir)
	}
	files, err := filepath.Glob(filepath.Join(chartDir, "ci", "*-values.yaml"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return []Scenario{{Name: DefaultScenario}}, nil
	}
	out := make([]Scenario, 0, len(files))
	for _, f := range files {
		out = append(out, Scenario{Name: strings.TrimSuffix(filepath.Base(f), "-values.yaml"), File: f})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
