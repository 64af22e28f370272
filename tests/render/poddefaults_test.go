package render_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// TestMagento2PodDefaults layers podDefaults under every component block of the everything
// scenario (web, cron, consumers, upgrade, Varnish): what podDefaults sets reaches every pod, a
// component's own value wins, maps merge key by key, and the keys that apply to the app image
// (documentRoot, tiniPath, tmpSizeLimit) reach every container and volume that uses them.
func TestMagento2PodDefaults(t *testing.T) {
	t.Parallel()
	m, err := m2ScenarioE(t, "everything", map[string]string{
		"podDefaults.documentRoot":      "/srv/shop",
		"podDefaults.tiniPath":          "/sbin/tini",
		"podDefaults.tmpSizeLimit":      "3Gi",
		"podDefaults.priorityClassName": "shop",
		"cron.priorityClassName":        "shop-batch",
	}, map[string]string{
		"podDefaults.podLabels":          `{"team":"shop"}`,
		"podDefaults.nodeSelector":       `{"pool":"shop"}`,
		"podDefaults.tolerations":        `[{"key":"dedicated","operator":"Exists","effect":"NoSchedule"}]`,
		"podDefaults.podSecurityContext": `{"runAsUser":1000,"runAsGroup":1000,"fsGroup":1000}`,
		"web.nodeSelector":               `{"zone":"a"}`,
		"varnish.tolerations":            `[{"key":"edge","operator":"Exists","effect":"NoSchedule"}]`,
		"upgrade.podSecurityContext":     `{"runAsUser":2000}`,
	})
	require.NoError(t, err)

	type want struct {
		priority     string
		nodeSelector map[string]string
		toleration   string
		runAsUser    int64
	}
	byComponent := map[string]want{
		"web":       {"shop", map[string]string{"pool": "shop", "zone": "a"}, "dedicated", 1000},
		"cron":      {"shop-batch", map[string]string{"pool": "shop"}, "dedicated", 1000},
		"consumers": {"shop", map[string]string{"pool": "shop"}, "dedicated", 1000},
		"upgrade":   {"shop", map[string]string{"pool": "shop"}, "dedicated", 2000},
		"varnish":   {"shop", map[string]string{"pool": "shop"}, "edge", 1000},
	}
	seen := map[string]bool{}
	for _, p := range m.PodTemplates() {
		component := p.Meta.Labels["app.kubernetes.io/component"]
		switch {
		case strings.HasPrefix(component, "consumer"):
			component = "consumers"
		case strings.HasPrefix(component, "cron-"):
			component = "cron"
		}
		w, ok := byComponent[component]
		if !ok {
			continue
		}
		seen[component] = true
		t.Run(p.String(), func(t *testing.T) {
			assert.Equal(t, "shop", p.Meta.Labels["team"], "podDefaults.podLabels")
			assert.Equal(t, w.priority, p.Spec.PriorityClassName)
			assert.Equal(t, w.nodeSelector, p.Spec.NodeSelector, "maps merge key by key")
			require.Len(t, p.Spec.Tolerations, 1, "a component's list replaces the default")
			assert.Equal(t, w.toleration, p.Spec.Tolerations[0].Key)
			require.NotNil(t, p.Spec.SecurityContext.RunAsUser)
			assert.Equal(t, w.runAsUser, *p.Spec.SecurityContext.RunAsUser)
			require.NotNil(t, p.Spec.SecurityContext.RunAsGroup, "the component's podSecurityContext merges over the default's")
			assert.Equal(t, int64(1000), *p.Spec.SecurityContext.RunAsGroup)
			if component == "varnish" {
				return // its own image: no document root, its own working space (varnish.resources)
			}
			for _, v := range p.Spec.Volumes {
				if v.EmptyDir != nil && v.EmptyDir.SizeLimit != nil && (v.Name == "tmp" || v.Name == "var") {
					assert.Equal(t, "3Gi", v.EmptyDir.SizeLimit.String(), "volume %s", v.Name)
				}
			}
			for _, c := range p.Spec.Containers {
				if c.Name == "php" || c.Name == "cron" || c.Name == "upgrade" || strings.HasPrefix(c.Name, "consumer") {
					assertDocumentRoot(t, c, "/srv/shop", "/sbin/tini")
				}
			}
		})
	}
	assert.Len(t, seen, len(byComponent), "every component has a pod template in the everything scenario: %v", seen)
	conf := render.Get[*corev1.ConfigMap](t, m, m2Name("nginx")).Data["nginx.conf"]
	assert.Contains(t, conf, "/srv/shop/pub", "nginx serves the document root of podDefaults")
}

// TestSharedServicesPodDefaults layers podDefaults under the redis and opensearch blocks.
func TestSharedServicesPodDefaults(t *testing.T) {
	t.Parallel()
	m := render.Render(t, ssChart, render.Options{
		ValuesFiles: []string{ssChart + "/ci/production-values.yaml"},
		SetJSONValues: map[string]string{
			"podDefaults.nodeSelector": `{"pool":"shared"}`,
			"podDefaults.podLabels":    `{"team":"platform"}`,
			"redis.nodeSelector":       `{"disk":"ssd"}`,
		},
	})
	pods := m.PodTemplates()
	require.NotEmpty(t, pods)
	for _, p := range pods {
		want := map[string]string{"pool": "shared"}
		if p.Meta.Labels["app.kubernetes.io/component"] != "opensearch" {
			want["disk"] = "ssd"
		}
		assert.Equal(t, want, p.Spec.NodeSelector, "%s", p)
		assert.Equal(t, "platform", p.Meta.Labels["team"], "%s", p)
		require.NotNil(t, p.Spec.SecurityContext, "%s", p)
		assert.NotNil(t, p.Spec.SecurityContext.RunAsUser, "%s keeps its block's user", p)
	}
}

// assertDocumentRoot checks that a container running Magento starts under tini at tiniPath and
// mounts the chart's files under the document root.
func assertDocumentRoot(t *testing.T, c corev1.Container, root, tini string) {
	t.Helper()
	if assert.NotEmpty(t, c.Command, "container %s", c.Name) {
		assert.Equal(t, tini, c.Command[0], "container %s runs under podDefaults.tiniPath", c.Name)
	}
	var mounts []string
	for _, vm := range c.VolumeMounts {
		mounts = append(mounts, vm.MountPath)
	}
	assert.Contains(t, mounts, root+"/var", "container %s", c.Name)
}

// TestValuesShape holds every chart's values API to one shape: every image block has the same
// keys in the same order, and the pod keys of every component block (and of podDefaults) come in
// the same order.
func TestValuesShape(t *testing.T) {
	t.Parallel()
	imageKeys := []string{"registry", "repository", "tag", "digest", "pullPolicy"}
	podKeys := []string{"podSecurityContext", "podLabels", "podAnnotations", "priorityClassName", "nodeSelector", "tolerations", "affinity", "topologySpreadConstraints"}
	for _, chart := range applicationCharts(t) {
		t.Run(chart.Name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(chart.Dir, "values.yaml"))
			require.NoError(t, err)
			var doc yaml.Node
			require.NoError(t, yaml.Unmarshal(raw, &doc))
			images, blocks := 0, 0
			walkMappings(doc.Content[0], "", func(path string, keys []string) {
				if strings.HasSuffix(path, ".image") || path == "image" {
					images++
					assert.Equal(t, imageKeys, keys, "image block %s", path)
				}
				if got := filter(keys, podKeys); len(got) > 1 {
					blocks++
					assert.Equal(t, filter(podKeys, got), got, "pod keys of %s in the shared order", path)
				}
			})
			assert.Positive(t, images, "image blocks found")
			assert.Positive(t, blocks, "component blocks found")
		})
	}
}

// walkMappings calls fn with the dotted path and key order of every mapping under n.
func walkMappings(n *yaml.Node, path string, fn func(path string, keys []string)) {
	if n.Kind != yaml.MappingNode {
		return
	}
	var keys []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		keys = append(keys, key)
		child := key
		if path != "" {
			child = path + "." + key
		}
		walkMappings(n.Content[i+1], child, fn)
	}
	fn(path, keys)
}

// filter returns the elements of xs that are in set, in the order of xs.
func filter(xs, set []string) []string {
	var out []string
	for _, x := range xs {
		if slices.Contains(set, x) {
			out = append(out, x)
		}
	}
	return out
}
