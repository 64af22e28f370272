package cluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/magento-k8s/charts/tests/internal/repo"
)

// InstallCRDs installs the CustomResourceDefinitions the charts use (cert-manager, Gateway API,
// Prometheus Operator, GKE ManagedCertificate, BackendConfig and FrontendConfig) from the pinned
// upstream sources that scripts/crds.sh extracts, and waits until they are established.
func (c *Cluster) InstallCRDs(ctx context.Context) ([]string, error) {
	root, err := repo.RootE()
	if err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, "bash", filepath.Join(root, "scripts", "crds.sh")).Output()
	if err != nil {
		return nil, fmt.Errorf("scripts/crds.sh: %w: %s", err, stderrOf(err))
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	dir := lines[len(lines)-1]
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.yaml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no CRD files under %s (%v)", dir, err)
	}
	sort.Strings(files)
	for _, f := range files {
		if _, err := c.Kubectl(ctx, "apply", "--server-side", "--force-conflicts", "-f", f); err != nil {
			return nil, fmt.Errorf("apply %s: %w", f, err)
		}
	}
	if _, err := c.Kubectl(ctx, "wait", "--for=condition=Established", "crd", "--all", "--timeout=120s"); err != nil {
		return nil, err
	}
	names, err := c.Kubectl(ctx, "get", "crd", "-o", "jsonpath={.items[*].metadata.name}")
	if err != nil {
		return nil, err
	}
	return strings.Fields(names), nil
}

// Kubectl runs the pinned kubectl against the cluster and returns its stdout.
func (c *Cluster) Kubectl(ctx context.Context, args ...string) (string, error) {
	full := []string{"--kubeconfig", c.Kubeconfig}
	if c.Context != "" {
		full = append(full, "--context", c.Context)
	}
	cmd := exec.CommandContext(ctx, kubectlBinary(), append(full, args...)...)
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, stderrOf(err))
	}
	return string(out), nil
}

// kubectlBinary is the kubectl built by scripts/build-tools.sh (same version as the local
// control plane), else the one on PATH.
func kubectlBinary() string {
	p := filepath.Join(repo.ToolsBinDir(), "kubectl")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "kubectl"
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return tail(string(ee.Stderr), 20)
	}
	return ""
}

// keep reports whether MAGENTO_K8S_KEEP_CLUSTER asks to keep what the tests made.
func keep() bool { return os.Getenv(EnvKeep) != "" }
