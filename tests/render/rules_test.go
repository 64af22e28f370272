package render_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/magento-k8s/charts/tests/internal/render"
	"github.com/magento-k8s/charts/tests/internal/repo"
)

// TestPrometheusRules hands every chart's rendered PrometheusRule to Prometheus' own promtool
// (scripts/build-tools.sh builds the version scripts/tools/promtool/go.mod pins): `promtool check
// rules` parses every expression and template, and `promtool test rules` runs the unit tests in
// tests/testdata/rules/<chart>.yaml against it: each alert fires on the series the real exporters and
// kube-state-metrics export in the failure it names, with its labels and annotations, and stays
// quiet on the series around it (another release, a suspended CronJob, a cache that is meant to
// be full). Every alert of a rule has a test.
func TestPrometheusRules(t *testing.T) {
	t.Parallel()
	promtool := filepath.Join(repo.ToolsBinDir(), "promtool")
	require.FileExists(t, promtool, "scripts/build-tools.sh builds promtool")
	for _, tc := range []struct{ chart, scenario string }{
		{m2Chart, "everything"},
		{m1Chart, "everything"},
		{ssChart, "production"},
	} {
		t.Run(tc.chart, func(t *testing.T) {
			t.Parallel()
			m := render.Render(t, tc.chart, render.Options{ValuesFiles: []string{tc.chart + "/ci/" + tc.scenario + "-values.yaml"}})
			var spec map[string]any
			for _, u := range m.AllUnstructured() {
				if u.GetKind() == "PrometheusRule" {
					require.Nil(t, spec, "one PrometheusRule")
					spec = u.Object["spec"].(map[string]any)
				}
			}
			require.NotNil(t, spec, "the %s scenario renders a PrometheusRule", tc.scenario)
			dir := t.TempDir()
			rules := filepath.Join(dir, "rules.yaml")
			writeYAML(t, rules, spec)
			out, err := exec.Command(promtool, "check", "rules", rules).CombinedOutput()
			require.NoError(t, err, "promtool check rules:\n%s", out)

			var alerts []string
			for _, g := range spec["groups"].([]any) {
				for _, r := range g.(map[string]any)["rules"].([]any) {
					alerts = append(alerts, r.(map[string]any)["alert"].(string))
				}
			}
			raw, err := os.ReadFile(filepath.Join(repo.Root(t), "tests", "testdata", "rules", tc.chart+".yaml"))
			require.NoError(t, err)
			var unit map[string]any
			require.NoError(t, yaml.Unmarshal(raw, &unit))
			var tested []string
			for _, test := range unit["tests"].([]any) {
				for _, a := range test.(map[string]any)["alert_rule_test"].([]any) {
					if name := a.(map[string]any)["alertname"].(string); !slices.Contains(tested, name) {
						tested = append(tested, name)
					}
				}
			}
			assert.ElementsMatch(t, alerts, tested, "every alert has a unit test, every test an alert")
			unit["rule_files"] = []string{rules}
			tests := filepath.Join(dir, "tests.yaml")
			writeYAML(t, tests, unit)
			out, err = exec.Command(promtool, "test", "rules", tests).CombinedOutput()
			require.NoError(t, err, "promtool test rules:\n%s", out)
		})
	}
}

func writeYAML(t *testing.T, path string, v any) {
	t.Helper()
	out, err := yaml.Marshal(v)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, out, 0o600))
}
