package render_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/magento-k8s/charts/tests/internal/golden"
	"github.com/magento-k8s/charts/tests/internal/render"
)

// TestHelmMajorsRenderAlike renders every chart × scenario in process with the Helm 3 and the
// Helm 4 Go SDK (helm.sh/helm/v3, helm.sh/helm/v4): both must render exactly the same manifests,
// and the same (normalised) as the helm CLI that the other render tests and the goldens use; only
// the whitespace between documents may differ (render.TrimDocuments).
// Users install with either major; a template that only one of them renders alike would ship a
// different store to half of them.
func TestHelmMajorsRenderAlike(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, c scenarioCase) {
		byMajor := map[int]string{}
		for _, major := range render.HelmMajors {
			start := time.Now()
			out, err := render.RenderSDK(major, c.Chart.Dir, c.Options())
			require.NoError(t, err, "Helm %d SDK", major)
			t.Logf("Helm %d SDK rendered %s in %v", major, c, time.Since(start).Round(time.Millisecond))
			byMajor[major] = render.TrimDocuments(string(golden.Normalize(t, []byte(out))))
		}
		cli := render.TrimDocuments(string(golden.Normalize(t, []byte(c.Render(t).Raw))))
		for _, major := range render.HelmMajors {
			if diff := golden.Diff([]byte(cli), []byte(byMajor[major]), 3, 60); diff != "" {
				t.Errorf("Helm %d SDK renders %s differently from the helm CLI (- CLI, + SDK):\n%s", major, c, diff)
			}
		}
	})
}

// TestHelmMajorsRefuseAlike: bad values are refused by both majors' SDKs, naming the key (the
// values schema and the chart's own checks run the same under either).
func TestHelmMajorsRefuseAlike(t *testing.T) {
	t.Parallel()
	cases := []struct {
		chart string
		set   map[string]string
		want  string
	}{
		{m2Chart, map[string]string{"web.codeSharing": "rsync"}, "codeSharing"},
		{m2Chart, map[string]string{"web.documentRoot": "/srv"}, "documentRoot"},
		{m2Chart, map[string]string{"magento.database.password": ""}, "magento.database.password"},
		{ssChart, map[string]string{"opensearch.replicas": "2"}, "opensearch.replicas"},
	}
	for _, tc := range cases {
		for _, major := range render.HelmMajors {
			t.Run(fmt.Sprintf("helm%d/%s/%v", major, tc.chart, tc.set), func(t *testing.T) {
				t.Parallel()
				_, err := render.RenderSDK(major, tc.chart, render.Options{
					ValuesFiles: []string{tc.chart + "/ci/minimal-values.yaml"}, SetValues: tc.set,
				})
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
			})
		}
	}
}
