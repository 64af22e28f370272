package render_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/magento-k8s/charts/tests/internal/policy"
	"github.com/magento-k8s/charts/tests/internal/render"
	"github.com/magento-k8s/charts/tests/internal/repo"
)

// TestKubeScore scores every chart × scenario with kube-score (its default checks, on the
// Kubernetes version the charts target) and requires 0 CRITICAL. The checks a pod deliberately
// does not meet are ignored by its own kube-score/ignore annotation
// (charts/magento-common/templates/_kubescore.tpl): each must be a check kube-score knows, carry
// its reason in kube-score.magento-k8s.io/reasons and be listed in the README's exceptions table.
func TestKubeScore(t *testing.T) {
	t.Parallel()
	bin, err := policy.KubeScoreBinary(repo.ToolsBinDir())
	require.NoError(t, err)
	documented := documentedKubeScoreExceptions(t)
	forEachScenario(t, func(t *testing.T, c scenarioCase) {
		m := c.Render(t)
		scored, err := policy.KubeScore(bin, m.Raw, render.DefaultKubeVersion)
		require.NoError(t, err, "%s", c)
		require.NotEmpty(t, scored, "%s: kube-score scored nothing", c)
		critical := policy.Findings(scored, policy.GradeCritical)
		for _, f := range critical {
			t.Errorf("%s: kube-score CRITICAL: %s", c, f)
		}
		known := policy.CheckIDs(scored)
		for _, p := range m.PodTemplates() {
			reasons, problems := policy.KubeScoreExceptions(p.Meta.Annotations)
			for _, problem := range problems {
				t.Errorf("%s %s (%s): %s", c, p, p.Source, problem)
			}
			for id := range reasons {
				assert.True(t, known[id], "%s %s: ignores %q, which is no kube-score check", c, p, id)
				assert.Contains(t, documented, id, "%s %s: ignores %q, which README.md's kube-score exceptions do not list", c, p, id)
			}
		}
		t.Logf("%s: kube-score: %d objects, %d CRITICAL, %d WARNING", c, len(scored), len(critical), len(policy.Findings(scored, policy.GradeWarning)))
	})
}

// documentedKubeScoreExceptions returns the check IDs of the README's kube-score exceptions table
// (rows "| `check-id` | ... |" under the "### kube-score exceptions" heading).
func documentedKubeScoreExceptions(t *testing.T) map[string]bool {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(repo.Root(t), "README.md"))
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n### kube-score exceptions\n")
	require.True(t, ok, "README.md has no \"### kube-score exceptions\" section")
	if next := strings.Index(section, "\n#"); next >= 0 {
		section = section[:next]
	}
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\|").FindAllStringSubmatch(section, -1) {
		ids[m[1]] = true
	}
	require.NotEmpty(t, ids, "README.md's kube-score exceptions table lists no check")
	return ids
}
