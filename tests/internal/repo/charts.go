package repo

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"sigs.k8s.io/yaml"
)

// Chart types as written in Chart.yaml's `type` field.
const (
	TypeApplication = "application"
	TypeLibrary     = "library"
)

// storeChartDirs are the top-level chart directories (relative to the
// repository root) that hold one umbrella chart each, when they exist.
var storeChartDirs = []string{"magento2", "magento1", "shared-services"}

// Dependency is one entry of Chart.yaml's `dependencies` list.
type Dependency struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	Repository string `json:"repository"`
	Condition  string `json:"condition,omitempty"`
	Alias      string `json:"alias,omitempty"`
}

// ChartMeta is the subset of Chart.yaml the tests need.
type ChartMeta struct {
	APIVersion   string       `json:"apiVersion"`
	Name         string       `json:"name"`
	Version      string       `json:"version"`
	AppVersion   string       `json:"appVersion,omitempty"`
	KubeVersion  string       `json:"kubeVersion,omitempty"`
	Type         string       `json:"type,omitempty"`
	Dependencies []Dependency `json:"dependencies,omitempty"`
}

// Chart is a chart directory in the repository.
type Chart struct {
	// Name is the chart's name from Chart.yaml.
	Name string
	// Dir is the absolute path of the chart directory.
	Dir string
	// Rel is Dir relative to the repository root, e.g. "charts/magento-common".
	Rel string
	// Type is TypeApplication or TypeLibrary (an empty Chart.yaml type means application).
	Type string
	// Meta is the parsed Chart.yaml.
	Meta ChartMeta
}

// IsLibrary reports whether the chart is a library chart, which cannot be
// installed or rendered on its own.
func (c Chart) IsLibrary() bool { return c.Type == TypeLibrary }

// HasDependencies reports whether Chart.yaml declares dependencies.
func (c Chart) HasDependencies() bool { return len(c.Meta.Dependencies) > 0 }

// Charts lists every chart of the repository: each direct child of charts/
// that holds a Chart.yaml, plus the umbrella charts magento2, magento1 and
// shared-services where they exist. The result is sorted by Rel.
func Charts(tb testing.TB) []Chart {
	tb.Helper()
	charts, err := ChartsE()
	if err != nil {
		tb.Fatal(err)
	}
	return charts
}

// ChartsE is like Charts but returns an error instead of failing the test.
func ChartsE() ([]Chart, error) {
	root, err := RootE()
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(root, "charts", "*", "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	for _, d := range storeChartDirs {
		f := filepath.Join(root, d, "Chart.yaml")
		if _, err := os.Stat(f); err == nil {
			files = append(files, f)
		}
	}
	charts := make([]Chart, 0, len(files))
	for _, f := range files {
		c, err := LoadChartE(filepath.Dir(f))
		if err != nil {
			return nil, err
		}
		charts = append(charts, c)
	}
	sort.Slice(charts, func(i, j int) bool { return charts[i].Rel < charts[j].Rel })
	return charts, nil
}

// LoadChart reads the chart in dir (absolute, or relative to the repository
// root).
func LoadChart(tb testing.TB, dir string) Chart {
	tb.Helper()
	c, err := LoadChartE(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// LoadChartE is like LoadChart but returns an error instead of failing the test.
func LoadChartE(dir string) (Chart, error) {
	root, err := RootE()
	if err != nil {
		return Chart{}, err
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	dir = filepath.Clean(dir)
	raw, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return Chart{}, fmt.Errorf("load chart: %w", err)
	}
	var meta ChartMeta
	if err := yaml.Unmarshal(raw, &meta); err != nil {
		return Chart{}, fmt.Errorf("load chart %s: Chart.yaml: %w", dir, err)
	}
	if meta.Name == "" {
		return Chart{}, fmt.Errorf("load chart %s: Chart.yaml has no name", dir)
	}
	typ := meta.Type
	if typ == "" {
		typ = TypeApplication
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		rel = dir
	}
	return Chart{Name: meta.Name, Dir: dir, Rel: filepath.ToSlash(rel), Type: typ, Meta: meta}, nil
}
