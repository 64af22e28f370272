// Package existing is what a scenario presumes exists in its namespace before the chart is
// installed: the user's own Secrets, ConfigMaps and claims that existingSecret, existingClaim,
// extraEnvFromSecrets, imagePullSecrets or extraVolumes name. They are declared, with their keys,
// in tests/testdata/existing/<chart>/<scenario>.yaml. The config and deploy tiers run pods with
// exactly the rendered objects plus these; a reference to a Secret, key, ConfigMap or claim that is
// neither rendered nor declared fails the test instead of being filled with a made-up value.
package existing

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
	"github.com/magento-k8s/charts/tests/internal/repo"
)

// Objects are the pre-existing objects of one scenario.
type Objects struct {
	// File is the declaration they come from ("" when the scenario declares none).
	File       string
	Secrets    map[string]map[string][]byte
	ConfigMaps map[string]map[string]string
	Claims     []*corev1.PersistentVolumeClaim
}

// For returns the objects declared for the scenario whose values files are given: the first
// <chart>/ci/<scenario>-values.yaml among them names the declaration. Values files outside ci/
// (or none) declare nothing.
func For(tb testing.TB, chartDir string, valuesFiles []string) *Objects {
	tb.Helper()
	o, err := ForE(chartDir, valuesFiles)
	if err != nil {
		tb.Fatal(err)
	}
	return o
}

// ForE is For returning the error.
func ForE(chartDir string, valuesFiles []string) (*Objects, error) {
	o := &Objects{Secrets: map[string]map[string][]byte{}, ConfigMaps: map[string]map[string]string{}}
	root, err := repo.RootE()
	if err != nil {
		return nil, err
	}
	chart := filepath.Base(chartDir)
	for _, f := range valuesFiles {
		base := filepath.Base(f)
		if filepath.Base(filepath.Dir(f)) != "ci" || !strings.HasSuffix(base, "-values.yaml") {
			continue
		}
		o.File = filepath.Join(root, "tests", "testdata", "existing", chart, strings.TrimSuffix(base, "-values.yaml")+".yaml")
		break
	}
	if o.File == "" {
		return o, nil
	}
	raw, err := os.ReadFile(o.File)
	if os.IsNotExist(err) {
		o.File = ""
		return o, nil
	}
	if err != nil {
		return nil, err
	}
	m, err := render.DecodeE(raw, "")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.File, err)
	}
	for _, s := range render.Find[*corev1.Secret](m) {
		o.Secrets[s.Name] = secretData(s)
	}
	for _, cm := range render.Find[*corev1.ConfigMap](m) {
		o.ConfigMaps[cm.Name] = cm.Data
	}
	o.Claims = render.Find[*corev1.PersistentVolumeClaim](m)
	return o, nil
}

// AddSecret declares one more pre-existing Secret (for a test's own --set values).
func (o *Objects) AddSecret(name string, data map[string]string) *Objects {
	d := map[string][]byte{}
	for k, v := range data {
		d[k] = []byte(v)
	}
	o.Secrets[name] = d
	return o
}

// Data returns the ConfigMaps' and Secrets' data a pod of the release finds: the rendered ones
// (a Secret's stringData merged into its data) and the pre-existing ones.
func (o *Objects) Data(m *render.Manifests) (map[string]map[string]string, map[string]map[string][]byte) {
	configMaps := map[string]map[string]string{}
	for name, data := range o.ConfigMaps {
		configMaps[name] = data
	}
	for _, cm := range render.Find[*corev1.ConfigMap](m) {
		configMaps[cm.Name] = cm.Data
	}
	secrets := map[string]map[string][]byte{}
	for name, data := range o.Secrets {
		secrets[name] = data
	}
	for _, s := range render.Find[*corev1.Secret](m) {
		secrets[s.Name] = secretData(s)
	}
	return configMaps, secrets
}

// Missing lists every reference of the rendered pod templates that neither the render nor the
// declaration satisfies: a Secret or ConfigMap (or one of its keys) and a claim. Optional
// references (optional: true) may be missing.
func (o *Objects) Missing(m *render.Manifests) []string {
	configMaps, secrets := o.Data(m)
	claims := map[string]bool{}
	for _, c := range o.Claims {
		claims[c.Name] = true
	}
	for _, c := range render.Find[*corev1.PersistentVolumeClaim](m) {
		claims[c.Name] = true
	}
	var out []string
	// ref records a reference to a Secret or ConfigMap (kind) called name, and one of its keys.
	ref := func(keysOf func(string) (map[string]bool, bool), kind, where, name, key string, optional *bool) {
		if optional != nil && *optional {
			return
		}
		keys, ok := keysOf(name)
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: %s %s", where, kind, name))
		case key != "" && !keys[key]:
			out = append(out, fmt.Sprintf("%s: key %s of %s %s", where, key, kind, name))
		}
	}
	secretKeys := func(name string) (map[string]bool, bool) { d, ok := secrets[name]; return keySet(d), ok }
	configMapKeys := func(name string) (map[string]bool, bool) { d, ok := configMaps[name]; return keySet(d), ok }
	secret := func(where, name, key string, optional *bool) { ref(secretKeys, "Secret", where, name, key, optional) }
	configMap := func(where, name, key string, optional *bool) {
		ref(configMapKeys, "ConfigMap", where, name, key, optional)
	}
	for _, pt := range m.PodTemplates() {
		for _, ps := range pt.Spec.ImagePullSecrets {
			secret(pt.String(), ps.Name, "", nil)
		}
		for _, c := range render.Containers(pt.Spec) {
			where := pt.String() + " container " + c.Name
			for _, e := range c.Env {
				if e.ValueFrom == nil {
					continue
				}
				if r := e.ValueFrom.SecretKeyRef; r != nil {
					secret(where, r.Name, r.Key, r.Optional)
				}
				if r := e.ValueFrom.ConfigMapKeyRef; r != nil {
					configMap(where, r.Name, r.Key, r.Optional)
				}
			}
			for _, ef := range c.EnvFrom {
				if r := ef.SecretRef; r != nil {
					secret(where, r.Name, "", r.Optional)
				}
				if r := ef.ConfigMapRef; r != nil {
					configMap(where, r.Name, "", r.Optional)
				}
			}
		}
		for _, v := range pt.Spec.Volumes {
			where := pt.String() + " volume " + v.Name
			switch {
			case v.Secret != nil:
				secret(where, v.Secret.SecretName, "", v.Secret.Optional)
				for _, it := range v.Secret.Items {
					secret(where, v.Secret.SecretName, it.Key, v.Secret.Optional)
				}
			case v.ConfigMap != nil:
				configMap(where, v.ConfigMap.Name, "", v.ConfigMap.Optional)
				for _, it := range v.ConfigMap.Items {
					configMap(where, v.ConfigMap.Name, it.Key, v.ConfigMap.Optional)
				}
			case v.PersistentVolumeClaim != nil:
				if !claims[v.PersistentVolumeClaim.ClaimName] {
					out = append(out, fmt.Sprintf("%s: PersistentVolumeClaim %s", where, v.PersistentVolumeClaim.ClaimName))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// secretData is a Secret's data as a pod finds it: its stringData merged into its data.
func secretData(s *corev1.Secret) map[string][]byte {
	data := map[string][]byte{}
	for k, v := range s.Data {
		data[k] = v
	}
	for k, v := range s.StringData {
		data[k] = []byte(v)
	}
	return data
}

// keySet returns the keys of a Secret's or ConfigMap's data.
func keySet[V any](data map[string]V) map[string]bool {
	keys := make(map[string]bool, len(data))
	for k := range data {
		keys[k] = true
	}
	return keys
}

// RequireComplete fails the test when a reference of m is satisfied by neither the render nor the
// declaration, naming each and the file to declare it in.
func (o *Objects) RequireComplete(tb testing.TB, m *render.Manifests) {
	tb.Helper()
	if missing := o.Missing(m); len(missing) > 0 {
		where := o.File
		if where == "" {
			where = "tests/testdata/existing/<chart>/<scenario>.yaml"
		}
		tb.Fatalf("the pods reference what is neither rendered nor declared in %s:\n  %s", where, strings.Join(missing, "\n  "))
	}
}
