package render_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// libraryChart renders the magento-common library's helpers directly: its one template puts each
// helper's output into a ConfigMap entry and runs the validators over the same inputs.
const libraryChart = "tests/testdata/charts/library-test"

// TestLibraryHelpers: each case sets the test chart's podDefaults, component and quantity and
// expects the helpers' outputs (as JSON) or a failure naming the key.
func TestLibraryHelpers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		setJSON map[string]string
		want    map[string]string // ConfigMap key → JSON the helper renders
		fail    []string          // substrings of the error, all required
	}{
		{name: "podDefaults only",
			setJSON: map[string]string{"podDefaults": `{"nodeSelector":{"pool":"shop"},"tolerations":[{"key":"a","operator":"Exists"}]}`},
			want:    map[string]string{"layered": `{"nodeSelector":{"pool":"shop"},"tolerations":[{"key":"a","operator":"Exists"}]}`}},
		{name: "maps merge key by key, the component's keys win",
			setJSON: map[string]string{"podDefaults": `{"nodeSelector":{"pool":"shop","zone":"a"}}`, "component": `{"nodeSelector":{"zone":"b"}}`},
			want:    map[string]string{"layered": `{"nodeSelector":{"pool":"shop","zone":"b"}}`}},
		{name: "a component's list replaces the default",
			setJSON: map[string]string{"podDefaults": `{"tolerations":[{"key":"a","operator":"Exists"}]}`, "component": `{"tolerations":[{"key":"b","operator":"Exists"}]}`},
			want:    map[string]string{"layered": `{"tolerations":[{"key":"b","operator":"Exists"}]}`}},
		{name: "only pod keys are layered",
			setJSON: map[string]string{"podDefaults": `{"documentRoot":"/srv"}`, "component": `{"replicas":3,"priorityClassName":"high"}`},
			want:    map[string]string{"layered": `{"priorityClassName":"high"}`}},
		{name: "pod securityContext over the restricted defaults",
			setJSON: map[string]string{"podDefaults": `{"podSecurityContext":{"runAsUser":33,"fsGroup":33}}`, "component": `{"podSecurityContext":{"runAsUser":1000}}`},
			want:    map[string]string{"podSecurityContext": `{"fsGroup":33,"runAsNonRoot":true,"runAsUser":1000,"seccompProfile":{"type":"RuntimeDefault"}}`}},
		{name: "ephemeral storage added where unset",
			setJSON: map[string]string{"component": `{"resources":{"limits":{"memory":"1Gi"}}}`},
			want:    map[string]string{"resources": `{"limits":{"ephemeral-storage":"1Gi","memory":"1Gi"},"requests":{"ephemeral-storage":"64Mi"}}`}},
		{name: "ephemeral storage kept where set",
			setJSON: map[string]string{"component": `{"resources":{"requests":{"ephemeral-storage":"1Gi"},"limits":{"ephemeral-storage":"4Gi"}}}`},
			want:    map[string]string{"resources": `{"limits":{"ephemeral-storage":"4Gi"},"requests":{"ephemeral-storage":"1Gi"}}`}},
		{name: "pod spec without a ServiceAccount of its own",
			setJSON: map[string]string{"component": `{"nodeSelector":{"pool":"shop"}}`},
			want:    map[string]string{"podSpec": `{"automountServiceAccountToken":false,"enableServiceLinks":false,"nodeSelector":{"pool":"shop"},"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}}}`}},
		{name: "pod spec as a ServiceAccount",
			setJSON: map[string]string{"serviceAccountName": `"shop"`},
			want:    map[string]string{"podSpec": `{"automountServiceAccountToken":false,"enableServiceLinks":false,"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"serviceAccountName":"shop"}`}},
		{name: "secret key from the chart's Secret", want: map[string]string{"keyRef": `{"secretKeyRef":{"key":"password","name":"chart-secret"}}`}},
		{name: "secret key from an existing Secret",
			setJSON: map[string]string{"component": `{"secret":{"existingSecret":"shop-db","existingSecretKey":"pw"}}`},
			want:    map[string]string{"keyRef": `{"secretKeyRef":{"key":"pw","name":"shop-db"}}`}},
		{name: "kept secret given", setJSON: map[string]string{"component": `{"kept":{"value":"0123456789abcdef0123456789abcdef"}}`},
			want: map[string]string{"kept": `"0123456789abcdef0123456789abcdef"`}},
		{name: "script without its comment lines (the shebang too) and blank lines",
			want: map[string]string{"script": `"echo one\necho two # kept: not a whole-line comment"`}},
		{name: "binary quantity", setJSON: map[string]string{"quantity": `"2Gi"`}, want: map[string]string{"mebibytes": `2048`}},
		{name: "decimal quantity rounds down", setJSON: map[string]string{"quantity": `"1500M"`}, want: map[string]string{"mebibytes": `1430`}},
		{name: "bytes", setJSON: map[string]string{"quantity": `"1073741824"`}, want: map[string]string{"mebibytes": `1024`}},
		{name: "unreadable quantity", setJSON: map[string]string{"quantity": `"lots"`}, fail: []string{"quantity", "not a memory quantity"}},
		{name: "NET_BIND_SERVICE may be added",
			setJSON: map[string]string{"component": `{"podSecurityContext":{"capabilities":{"add":["NET_BIND_SERVICE"]}}}`}},
		{name: "privileged refused", setJSON: map[string]string{"component": `{"podSecurityContext":{"privileged":true}}`},
			fail: []string{"component.podSecurityContext.privileged", "restricted"}},
		{name: "root refused", setJSON: map[string]string{"component": `{"podSecurityContext":{"runAsUser":0}}`},
			fail: []string{"component.podSecurityContext.runAsUser"}},
		{name: "unconfined seccomp refused", setJSON: map[string]string{"component": `{"podSecurityContext":{"seccompProfile":{"type":"Unconfined"}}}`},
			fail: []string{"component.podSecurityContext.seccompProfile.type"}},
		{name: "prefixed label key", setJSON: map[string]string{"component": `{"podLabels":{"example.com/team":"shop"}}`}},
		{name: "label key with a space", setJSON: map[string]string{"component": `{"podLabels":{"the team":"shop"}}`},
			fail: []string{"component.podLabels", `"the team"`}},
		{name: "label name of 64 characters", setJSON: map[string]string{"component": `{"podLabels":{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa":"x"}}`},
			fail: []string{"component.podLabels"}},
		{name: "no base URL known", want: map[string]string{"baseUrl": `""`}},
		{name: "base URL from the first ingress host",
			setJSON: map[string]string{"ingress": `{"enabled":true,"hosts":["shop.example.com","www.shop.example.com"]}`},
			want:    map[string]string{"baseUrl": `"https://shop.example.com/"`}},
		{name: "plain HTTP base URL without TLS",
			setJSON: map[string]string{"ingress": `{"enabled":true,"hosts":["shop.example.com"],"tls":{"enabled":false}}`},
			want:    map[string]string{"baseUrl": `"http://shop.example.com/"`}},
		{name: "the route's host names without an Ingress",
			setJSON: map[string]string{"httpRoute": `{"enabled":true,"hostnames":["shop.example.org"]}`},
			want:    map[string]string{"baseUrl": `"https://shop.example.org/"`}},
		{name: "the route takes the disabled Ingress's hosts",
			setJSON: map[string]string{"ingress": `{"enabled":false,"hosts":["shop.example.com"]}`, "httpRoute": `{"enabled":true}`},
			want:    map[string]string{"baseUrl": `"https://shop.example.com/"`}},
		{name: "magento.baseUrl wins",
			setJSON: map[string]string{"magento": `{"baseUrl":"https://www.example.nl/shop/"}`, "ingress": `{"enabled":true,"hosts":["shop.example.com"]}`},
			want:    map[string]string{"baseUrl": `"https://www.example.nl/shop/"`}},
		{name: "secret from two sources", setJSON: map[string]string{"component": `{"password":"x","existingSecret":"s"}`},
			fail: []string{"component.password and component.existingSecret are both set"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := render.RenderE(t, libraryChart, render.Options{SetJSONValues: tc.setJSON})
			if tc.fail != nil {
				require.Error(t, err)
				for _, want := range tc.fail {
					assert.Contains(t, err.Error(), want)
				}
				return
			}
			require.NoError(t, err)
			data := render.Get[*corev1.ConfigMap](t, m, "library-test").Data
			for key, want := range tc.want {
				got := data[key]
				if key == "kept" {
					got = strconv.Quote(got) // a plain string
				}
				assert.JSONEq(t, want, got, "%s", key)
			}
			assert.Len(t, data["kept"], 32, "a kept secret is given or 32 random characters")
			var layered map[string]any
			require.NoError(t, json.Unmarshal([]byte(data["layered"]), &layered))
		})
	}
}
