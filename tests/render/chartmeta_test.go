package render_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/magento-k8s/charts/tests/internal/repo"
)

// chartFile is the part of Chart.yaml that publishing on a chart repository and Artifact Hub needs
// (ct's yamale-based chart schema check is off: yamale is not available offline).
type chartFile struct {
	APIVersion  string            `json:"apiVersion"`
	Name        string            `json:"name"`
	Version     string            `json:"version"`
	KubeVersion string            `json:"kubeVersion"`
	Description string            `json:"description"`
	Home        string            `json:"home"`
	Sources     []string          `json:"sources"`
	Keywords    []string          `json:"keywords"`
	Maintainers []map[string]any  `json:"maintainers"`
	Annotations map[string]string `json:"annotations"`
}

func TestChartMetadata(t *testing.T) {
	t.Parallel()
	for _, c := range repo.Charts(t) {
		t.Run(c.Rel, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(filepath.Join(c.Dir, "Chart.yaml"))
			require.NoError(t, err)
			var meta chartFile
			require.NoError(t, yaml.Unmarshal(raw, &meta), "Chart.yaml")
			assert.Equal(t, "v2", meta.APIVersion)
			assert.Equal(t, filepath.Base(c.Dir), meta.Name, "chart name matches its directory (chart-testing expects it)")
			assert.Regexp(t, `^\d+\.\d+\.\d+$`, meta.Version)
			assert.NotEmpty(t, meta.KubeVersion, "kubeVersion range")
			assert.NotEmpty(t, meta.Description)
			assert.NotEmpty(t, meta.Home)
			assert.NotEmpty(t, meta.Sources)
			assert.NotEmpty(t, meta.Keywords)
			assert.NotEmpty(t, meta.Maintainers)
			assert.NotEmpty(t, meta.Annotations["artifacthub.io/changes"], "every version says what changed")
		})
	}
}

// maxTemplateLines is how long a template file may grow (about 200 lines, docs/architecture.md):
// past it a file holds more than one topic and is split by topic.
const maxTemplateLines = 210

// TestTemplateFilesStaySmall keeps every template file of every chart short enough to hold one
// topic.
func TestTemplateFilesStaySmall(t *testing.T) {
	t.Parallel()
	for _, c := range repo.Charts(t) {
		files, err := filepath.Glob(filepath.Join(c.Dir, "templates", "*"))
		require.NoError(t, err)
		more, err := filepath.Glob(filepath.Join(c.Dir, "templates", "*", "*"))
		require.NoError(t, err)
		require.NotEmpty(t, files, c.Rel)
		for _, f := range append(files, more...) {
			if info, err := os.Stat(f); err != nil || info.IsDir() {
				continue
			}
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			lines := strings.Count(string(raw), "\n")
			assert.LessOrEqual(t, lines, maxTemplateLines, "%s: %d lines, more than one topic: split it", f, lines)
		}
	}
}

// TestChartTestingFindsEveryChart checks ct.yaml: chart-testing only discovers charts that are
// direct children of a chart-dirs entry.
func TestChartTestingFindsEveryChart(t *testing.T) {
	t.Parallel()
	root := repo.Root(t)
	raw, err := os.ReadFile(filepath.Join(root, "ct.yaml"))
	require.NoError(t, err)
	var ct struct {
		ChartDirs      []string `json:"chart-dirs"`
		ExcludedCharts []string `json:"excluded-charts"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &ct))
	var found []string
	for _, dir := range ct.ChartDirs {
		matches, err := filepath.Glob(filepath.Join(root, dir, "*", "Chart.yaml"))
		require.NoError(t, err)
		for _, m := range matches {
			rel, err := filepath.Rel(root, filepath.Dir(m))
			require.NoError(t, err)
			found = append(found, rel)
		}
	}
	sort.Strings(found)
	var want []string
	for _, c := range repo.Charts(t) {
		want = append(want, c.Rel)
	}
	sort.Strings(want)
	assert.Equal(t, want, found)
	assert.Empty(t, ct.ExcludedCharts)
}

// TestChartTestingLint runs chart-testing itself as contributors and users run it: `ct lint` over
// every chart with ct.yaml (yamllint of Chart.yaml and values.yaml with ct's own lintconf.yaml,
// helm lint of every ci/*-values.yaml scenario). The version-increment check compares with the
// target branch, which a clone in CI need not have, so it is off here; dependencies are already
// built by TestMain.
func TestChartTestingLint(t *testing.T) {
	t.Parallel()
	root := repo.Root(t)
	ct := filepath.Join(repo.ToolsBinDir(), "ct")
	etc := filepath.Join(filepath.Dir(mustEvalSymlinks(t, ct)), "etc")
	for _, need := range []string{ct, filepath.Join(etc, "lintconf.yaml")} {
		_, err := os.Stat(need)
		require.NoError(t, err, "built by scripts/build-tools.sh (scripts/setup.sh)")
	}
	_, err := exec.LookPath("yamllint")
	require.NoError(t, err, "yamllint is installed by scripts/packages.sh (scripts/setup.sh)")
	cmd := exec.Command(ct, "lint", "--config", "ct.yaml", "--all",
		"--check-version-increment=false", "--skip-helm-dependencies",
		"--lint-conf", filepath.Join(etc, "lintconf.yaml"),
		"--chart-yaml-schema", filepath.Join(etc, "chart_schema.yaml"))
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "ct lint:\n%s", out)
	for _, c := range repo.Charts(t) {
		assert.Contains(t, string(out), "✔︎ "+c.Meta.Name+" => ", "ct linted %s", c.Rel)
	}
}

func mustEvalSymlinks(t *testing.T, path string) string {
	t.Helper()
	p, err := filepath.EvalSymlinks(path)
	require.NoError(t, err, "%s (built by scripts/build-tools.sh)", path)
	return p
}
