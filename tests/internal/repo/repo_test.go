package repo

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoot(t *testing.T) {
	t.Parallel()
	root := Root(t)
	assert.FileExists(t, filepath.Join(root, "go.mod"))
	assert.DirExists(t, filepath.Join(root, "tests", "internal", "repo"))
}

func TestCharts(t *testing.T) {
	t.Parallel()
	for _, c := range Charts(t) {
		assert.FileExists(t, filepath.Join(c.Dir, "Chart.yaml"), c.Rel)
		assert.Contains(t, []string{TypeApplication, TypeLibrary}, c.Type, c.Rel)
		assert.NotEmpty(t, c.Name, c.Rel)
	}
}

func TestScenarios(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "ci"), 0o755))
	for _, f := range []string{"minimal-values.yaml", "gke-values.yaml", "notes.yaml"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "ci", f), nil, 0o644))
	}
	assert.Equal(t, []Scenario{
		{Name: "gke", File: filepath.Join(dir, "ci", "gke-values.yaml")},
		{Name: "minimal", File: filepath.Join(dir, "ci", "minimal-values.yaml")},
	}, Scenarios(t, dir))
	assert.Equal(t, []Scenario{{Name: DefaultScenario}}, Scenarios(t, t.TempDir()))
	assert.Nil(t, Scenario{Name: DefaultScenario}.ValuesFiles())
}

func TestLoadChart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte(
		"apiVersion: v2\nname: lib\nversion: 1.0.0\ntype: library\n"), 0o644))
	c := LoadChart(t, dir)
	assert.Equal(t, "lib", c.Name)
	assert.True(t, c.IsLibrary())
	assert.False(t, c.HasDependencies())

	require.NoError(t, os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte(
		"apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: lib\n    version: 1.0.0\n    repository: file://../lib\n"), 0o644))
	c = LoadChart(t, dir)
	assert.Equal(t, TypeApplication, c.Type)
	assert.True(t, c.HasDependencies())

	_, err := LoadChartE(filepath.Join(dir, "missing"))
	assert.Error(t, err)
}

func TestFindUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	deep := filepath.Join(dir, "a", "b")
	require.NoError(t, os.MkdirAll(deep, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "marker"), nil, 0o644))
	got, err := findUp(deep, "marker")
	require.NoError(t, err)
	assert.Equal(t, dir, got)
	_, err = findUp(deep, "no-such-marker-file")
	assert.Error(t, err)
}

func TestDependenciesCurrent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(rel, content string, age time.Duration) {
		t.Helper()
		p := filepath.Join(dir, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		when := time.Now().Add(-age)
		require.NoError(t, os.Chtimes(p, when, when))
		require.NoError(t, os.Chtimes(filepath.Dir(p), when, when))
	}
	write("lib/templates/_x.tpl", "", 3*time.Hour)
	write("lib/Chart.yaml", "apiVersion: v2\nname: lib\nversion: 1.0.0\ntype: library\n", 3*time.Hour)
	write("app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: lib\n    version: 1.0.0\n    repository: file://../lib\n", 3*time.Hour)
	app := LoadChart(t, filepath.Join(dir, "app"))

	assert.False(t, dependenciesCurrent(app), "no Chart.lock, no archive")
	write("app/Chart.lock", "", 3*time.Hour)
	assert.False(t, dependenciesCurrent(app), "no archive")
	write("app/charts/lib-1.0.0.tgz", "", 2*time.Hour)
	assert.True(t, dependenciesCurrent(app))
	write("lib/templates/_x.tpl", "changed", time.Hour)
	assert.False(t, dependenciesCurrent(app), "library changed after packaging")
	write("app/charts/lib-1.0.0.tgz", "", 0)
	assert.True(t, dependenciesCurrent(app))
	write("app/charts/lib-0.9.0.tgz", "", 0)
	assert.False(t, dependenciesCurrent(app), "two archives of one dependency")
}
