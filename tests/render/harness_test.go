package render_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/magento-k8s/charts/tests/internal/existing"
	"github.com/magento-k8s/charts/tests/internal/golden"
	"github.com/magento-k8s/charts/tests/internal/policy"
	"github.com/magento-k8s/charts/tests/internal/render"
	"github.com/magento-k8s/charts/tests/internal/repo"
)

// renders memoises one render per chart × scenario for all tests of the
// process.
var renders render.Cache

// scenarioCase is one chart rendered with one scenario's values.
type scenarioCase struct {
	Chart    repo.Chart
	Scenario repo.Scenario
}

// String returns "chart/scenario" for messages.
func (c scenarioCase) String() string { return c.Chart.Name + "/" + c.Scenario.Name }

// Options returns the render options of the case.
func (c scenarioCase) Options() render.Options {
	return render.Options{ValuesFiles: c.Scenario.ValuesFiles()}
}

// Render renders the case once per process.
func (c scenarioCase) Render(tb testing.TB) *render.Manifests {
	tb.Helper()
	return renders.Render(tb, c.Chart.Dir, c.Options())
}

// applicationCharts returns every chart that can be rendered (library charts
// cannot, by design), failing when discovery finds none.
func applicationCharts(t *testing.T) []repo.Chart {
	t.Helper()
	charts := slices.DeleteFunc(repo.Charts(t), repo.Chart.IsLibrary)
	require.NotEmpty(t, charts, "no application chart found under %s", repo.Root(t))
	return charts
}

// forEachScenario runs fn as a parallel subtest <chart>/<scenario> for every
// application chart and every one of its scenarios.
func forEachScenario(t *testing.T, fn func(t *testing.T, c scenarioCase)) {
	t.Helper()
	for _, chart := range applicationCharts(t) {
		t.Run(chart.Name, func(t *testing.T) {
			t.Parallel()
			for _, s := range repo.Scenarios(t, chart.Dir) {
				t.Run(s.Name, func(t *testing.T) {
					t.Parallel()
					fn(t, scenarioCase{Chart: chart, Scenario: s})
				})
			}
		})
	}
}

// TestScenariosRender renders every chart × scenario, decodes it strictly and
// checks it produced objects and no helm warnings.
func TestScenariosRender(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, c scenarioCase) {
		m := c.Render(t)
		assert.NotEmpty(t, m.Objects, "%s rendered no objects", c)
		assert.Empty(t, strings.TrimSpace(m.Stderr), "%s: helm printed warnings", c)
	})
}

// TestPodSecurityRestricted checks that every pod template of every chart ×
// scenario passes Pod Security "restricted" (latest).
func TestPodSecurityRestricted(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, c scenarioCase) {
		for _, p := range c.Render(t).PodTemplates() {
			for _, f := range policy.CheckRestricted(p.Meta, p.Spec) {
				t.Errorf("%s %s (%s): restricted: %s", c, p, p.Source, f)
			}
		}
	})
}

// TestBestPractices checks every pod template of every chart × scenario
// against the project's best-practice rules.
func TestBestPractices(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, c scenarioCase) {
		for _, p := range c.Render(t).PodTemplates() {
			for _, f := range policy.CheckBestPractice(p.Kind, p.Name, p.Spec) {
				t.Errorf("%s (%s): %s", c, p.Source, f)
			}
		}
	})
}

// TestReferencesResolve: every Secret, key, ConfigMap and claim the pods of every chart ×
// scenario reference is rendered or declared as pre-existing for the scenario
// (tests/testdata/existing), with the keys the pods read: a kubelet would refuse to start a
// container otherwise, and the config and deploy tiers use exactly these, nothing made up.
func TestReferencesResolve(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, c scenarioCase) {
		pre := existing.For(t, c.Chart.Dir, c.Scenario.ValuesFiles())
		assert.Empty(t, pre.Missing(c.Render(t)), "%s: declare what the user brings in tests/testdata/existing/%s/%s.yaml", c, c.Chart.Name, c.Scenario.Name)
	})
}

// TestGolden compares every chart × scenario's normalised render with
// testdata/<chart>/<scenario>.yaml (-update rewrites them), and reports golden
// files left over from scenarios that no longer exist (-update removes them).
func TestGolden(t *testing.T) {
	t.Parallel()
	want := map[string]bool{}
	for _, chart := range applicationCharts(t) {
		for _, s := range repo.Scenarios(t, chart.Dir) {
			want[goldenName(scenarioCase{Chart: chart, Scenario: s})] = true
		}
	}
	files, err := filepath.Glob(golden.Path("*/*.yaml"))
	require.NoError(t, err)
	for _, f := range files {
		name := filepath.ToSlash(strings.TrimPrefix(f, golden.Dir+string(filepath.Separator)))
		if want[name] {
			continue
		}
		if golden.Updating() {
			require.NoError(t, os.Remove(f))
			continue
		}
		t.Errorf("stale golden file %s has no chart scenario: rerun with -update to remove it", f)
	}
	forEachScenario(t, func(t *testing.T, c scenarioCase) {
		golden.Assert(t, goldenName(c), golden.Normalize(t, c.Render(t).Raw))
	})
}

// goldenName is the golden file of a case, relative to testdata/.
func goldenName(c scenarioCase) string { return c.Chart.Name + "/" + c.Scenario.Name + ".yaml" }

// TestHelmLintStrict runs `helm lint --strict` on every application chart
// with each scenario's values, and on every library chart as it is.
func TestHelmLintStrict(t *testing.T) {
	t.Parallel()
	for _, chart := range repo.Charts(t) {
		if chart.IsLibrary() {
			t.Run(chart.Name, func(t *testing.T) {
				t.Parallel()
				render.Lint(t, chart.Dir, render.Options{})
			})
		}
	}
	forEachScenario(t, func(t *testing.T, c scenarioCase) {
		render.Lint(t, c.Chart.Dir, c.Options())
	})
}

// BenchmarkRenderAll renders every chart × scenario once per iteration,
// uncached and one after another, and reports the time per render.
func BenchmarkRenderAll(b *testing.B) {
	var cases []scenarioCase
	for _, chart := range repo.Charts(b) {
		if chart.IsLibrary() {
			continue
		}
		for _, s := range repo.Scenarios(b, chart.Dir) {
			cases = append(cases, scenarioCase{Chart: chart, Scenario: s})
		}
	}
	require.NotEmpty(b, cases, "no application chart to render")
	b.ResetTimer()
	for b.Loop() {
		for _, c := range cases {
			render.Render(b, c.Chart.Dir, c.Options())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cases)), "ns/render")
	b.ReportMetric(float64(len(cases)), "renders/op")
}

// notesCase is one NOTES.txt rendering: a scenario with --set overrides, and the lines it must and
// must not print.
type notesCase struct {
	name     string
	scenario string
	set      map[string]string
	want     []string
	notWant  []string
}

// checkNotes renders the chart's NOTES.txt for every case, as `helm install` prints it.
func checkNotes(t *testing.T, chart string, cases []notesCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			notes := render.Notes(t, chart, render.Options{
				ValuesFiles: []string{fmt.Sprintf("%s/ci/%s-values.yaml", chart, tc.scenario)},
				SetValues:   tc.set,
			})
			for _, want := range tc.want {
				assert.Contains(t, notes, want)
			}
			for _, notWant := range tc.notWant {
				assert.NotContains(t, notes, notWant)
			}
		})
	}
}
