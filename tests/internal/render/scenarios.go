package render

import (
	"testing"

	"github.com/magento-k8s/charts/tests/internal/repo"
)

// RenderedScenario is one ci/<name>-values.yaml scenario of a chart, rendered.
type RenderedScenario struct {
	repo.Scenario
	// Options are the render options of the scenario (its values files).
	Options Options
	// Manifests are the scenario's rendered objects.
	Manifests *Manifests
}

// Scenarios renders every scenario of the chart in chartDir with its values files, in the
// order of repo.Scenarios.
func Scenarios(tb testing.TB, chartDir string) []RenderedScenario {
	tb.Helper()
	var out []RenderedScenario
	for _, s := range repo.Scenarios(tb, chartDir) {
		opts := Options{ValuesFiles: s.ValuesFiles()}
		out = append(out, RenderedScenario{Scenario: s, Options: opts, Manifests: Render(tb, chartDir, opts)})
	}
	return out
}
