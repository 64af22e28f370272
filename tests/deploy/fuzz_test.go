package deploy_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// FuzzValues sets one key of the magento2 minimal scenario (dotted path, the value as JSON or
// else as a string) and holds the chart to its promise about bad input (fuzzChartValues). The seed
// corpus (testdata/fuzz/FuzzValues) runs in every `go test`; scripts/fuzz-values.sh fuzzes further.
func FuzzValues(f *testing.F) { fuzzChartValues(f, m2Chart) }

// FuzzSharedServicesValues is FuzzValues for the shared-services chart
// (testdata/fuzz/FuzzSharedServicesValues).
func FuzzSharedServicesValues(f *testing.F) { fuzzChartValues(f, ssChart) }

// fuzzChartValues: every input is either refused at render time with an error that names the key,
// or renders objects that the API server accepts, each by a server-side dry-run create with
// strict field validation in a namespace enforcing Pod Security "restricted" (so a value the
// schema lets through but Kubernetes refuses, an accepted-invalid, fails).
func fuzzChartValues(f *testing.F, chart string) {
	cfg, err := testCluster.RESTConfig()
	require.NoError(f, err)
	dyn, err := dynamic.NewForConfig(cfg)
	require.NoError(f, err)
	disco, err := discovery.NewDiscoveryClientForConfig(cfg)
	require.NoError(f, err)
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco))
	ns := testCluster.Namespace(f, "fuzz-"+chart)
	minimal := filepath.Join(abs(f, chart)[0], "ci", "minimal-values.yaml")
	var refused, accepted atomic.Int64
	f.Cleanup(func() {
		if refused.Load()+accepted.Load() > 0 { // with -fuzz the workers count for themselves
			f.Logf("%s: %d inputs refused naming their key, %d accepted by the API server", f.Name(), refused.Load(), accepted.Load())
		}
	})

	f.Fuzz(func(t *testing.T, key, value string) {
		if key == "" || strings.Contains(key, "..") || strings.HasPrefix(key, ".") || strings.HasSuffix(key, ".") {
			t.Skip("not a values path")
		}
		if !utf8.ValidString(key) || !utf8.ValidString(value) {
			t.Skip("not text: a values file is UTF-8")
		}
		path := filepath.Join(t.TempDir(), "values.yaml")
		doc, err := yaml.Marshal(nested(key, jsonOrString(value)))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, doc, 0o600))
		out, err := render.RenderSDK(4, chart, render.Options{ReleaseName: release, Namespace: ns, ValuesFiles: []string{minimal, path}})
		if err != nil {
			// Named as a dotted path or JSON pointer (the key or the part of it that is wrong), or
			// a segment quoted as the schema library quotes an unknown property.
			var names []string
			parts := strings.Split(key, ".")
			for i, part := range parts {
				names = append(names, strings.Join(parts[:i+1], "."), "/"+strings.Join(parts[:i+1], "/"), "'"+schemaQuote(part)+"'")
			}
			require.Truef(t, containsAny(err.Error(), names), "%s=%s refused without naming the key: %v", key, value, err)
			refused.Add(1)
			return
		}
		m, err := render.DecodeE([]byte(out), render.DefaultKubeVersion)
		require.NoError(t, err, "%s=%s renders objects that do not decode strictly (accepted-invalid)", key, value)
		require.NotEmpty(t, m.Objects)
		for _, u := range m.AllUnstructured() {
			gvk := u.GroupVersionKind()
			mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
			require.NoError(t, err, "%s=%s: %s is not served", key, value, gvk)
			client := dyn.Resource(mapping.Resource)
			opts := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldValidation: "Strict"}
			if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
				// Objects for other namespaces (shared-services' tenants') are checked here too:
				// their namespaces exist only once the release created them.
				u.SetNamespace(ns)
				_, err = client.Namespace(ns).Create(context.Background(), u, opts)
			} else {
				_, err = client.Create(context.Background(), u, opts)
			}
			require.NoError(t, err, "%s=%s renders %s %s that the API server refuses (accepted-invalid)", key, value, gvk.Kind, u.GetName())
		}
		accepted.Add(1)
	})
}

// nested returns {a: {b: {c: value}}} for the path "a.b.c".
func nested(path string, value any) map[string]any {
	parts := strings.Split(path, ".")
	var out any = value
	for i := len(parts) - 1; i >= 0; i-- {
		out = map[string]any{parts[i]: out}
	}
	return out.(map[string]any)
}

// jsonOrString is s decoded as JSON, or s itself when it is not JSON.
func jsonOrString(s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return s
	}
	return v
}

// schemaQuote is s as the JSON-schema library prints it between single quotes.
func schemaQuote(s string) string {
	q := strconv.Quote(s)
	return strings.ReplaceAll(strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`), "'", `\'`)
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if sub != "" && strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
