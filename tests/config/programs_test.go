package config_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
	"github.com/magento-k8s/charts/tests/internal/repo"
)

// TestChartPrograms: the programs the charts carry in their files/ folders are checked by the
// tools that read them: every shell program by shellcheck (all its findings, style included), every
// PHP file by php -l, and the VCL every scenario renders (with Varnish on) compiled by Debian's
// varnishd -C, as the Varnish pods compile it.
func TestChartPrograms(t *testing.T) {
	t.Parallel()
	for _, chart := range repo.Charts(t) {
		files, err := filepath.Glob(filepath.Join(chart.Dir, "files", "*"))
		require.NoError(t, err)
		for _, f := range files {
			rel := chart.Name + "/files/" + filepath.Base(f)
			switch filepath.Ext(f) {
			case ".sh":
				t.Run(rel, func(t *testing.T) {
					t.Parallel()
					out, err := exec.Command("shellcheck", "--severity=style", f).CombinedOutput()
					assert.NoError(t, err, "shellcheck %s:\n%s", rel, out)
				})
			case ".php":
				t.Run(rel, func(t *testing.T) {
					t.Parallel()
					out, err := exec.Command(programs["php"], "-l", f).CombinedOutput()
					assert.NoError(t, err, "php -l %s:\n%s", rel, out)
				})
			}
		}
	}
	variants := map[string]render.Options{
		"minimal+varnish": {ValuesFiles: []string{m2Chart + "/ci/minimal-values.yaml"}, SetValues: map[string]string{"varnish.enabled": "true"}},
	}
	for _, s := range repo.Scenarios(t, m2Chart) {
		variants[s.Name] = render.Options{ValuesFiles: s.ValuesFiles()}
	}
	for name, opts := range variants {
		t.Run("vcl/"+name, func(t *testing.T) {
			t.Parallel()
			cm, ok := render.Render(t, m2Chart, opts).Lookup("ConfigMap", m2Name("varnish"))
			if !ok {
				return // this scenario runs no Varnish
			}
			// varnishd, started as root, reads the file as its own unprivileged user: a folder
			// it can enter (t.TempDir's parent is private).
			dir, err := os.MkdirTemp("", "vcl-")
			require.NoError(t, err)
			t.Cleanup(func() { _ = os.RemoveAll(dir) })
			require.NoError(t, os.Chmod(dir, 0o755))
			vcl := filepath.Join(dir, "default.vcl")
			require.NoError(t, os.WriteFile(vcl, []byte(cm.Obj.(*corev1.ConfigMap).Data["default.vcl"]), 0o644))
			// The compiler resolves the backend's host (the web Service's name, which cluster DNS
			// answers in a pod): here it is given an address in a mount namespace's /etc/hosts.
			hosts := filepath.Join(dir, "hosts")
			require.NoError(t, os.WriteFile(hosts, []byte("127.0.0.1 localhost "+m2Name("web")+"\n"), 0o644))
			out, err := exec.Command("unshare", "--mount", "sh", "-c", `mount --bind "$1" /etc/hosts && exec /usr/sbin/varnishd -C -n "$2" -f "$3"`,
				"varnishd-c", hosts, filepath.Join(dir, "work"), vcl).CombinedOutput()
			require.NoError(t, err, "varnishd -C:\n%s", lastLines(string(out), 30))
			assert.Contains(t, string(out), "VCL_conf", "varnishd compiled the VCL to C")
		})
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
