package cluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	kindcluster "sigs.k8s.io/kind/pkg/cluster"
)

// kindConfig is a control plane and three workers, like the local provider's three nodes.
const kindConfig = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
  - role: worker
  - role: worker
  - role: worker
`

// startKind creates a kind cluster (or reuses one of the same name). It needs a running Docker
// engine (or Podman); without one it says so instead of failing deep inside kind.
func startKind(ctx context.Context, name string) (*Cluster, error) {
	if err := dockerEngine(ctx); err != nil {
		return nil, err
	}
	providerOpt, err := kindcluster.DetectNodeProvider()
	if err != nil {
		return nil, fmt.Errorf("kind found no node provider: %w", err)
	}
	provider := kindcluster.NewProvider(providerOpt)
	dir, err := os.MkdirTemp("", "kind-"+name+"-")
	if err != nil {
		return nil, err
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	existing, err := provider.List()
	if err != nil {
		return nil, fmt.Errorf("kind list: %w", err)
	}
	created := false
	if contains(existing, name) {
		if err := provider.ExportKubeConfig(name, kubeconfig, false); err != nil {
			return nil, fmt.Errorf("kind export kubeconfig: %w", err)
		}
	} else {
		opts := []kindcluster.CreateOption{
			kindcluster.CreateWithRawConfig([]byte(kindConfig)),
			kindcluster.CreateWithKubeconfigPath(kubeconfig),
			kindcluster.CreateWithWaitForReady(3 * time.Minute),
			kindcluster.CreateWithDisplayUsage(false),
			kindcluster.CreateWithDisplaySalutation(false),
		}
		if image := os.Getenv("MAGENTO_K8S_KIND_IMAGE"); image != "" {
			opts = append(opts, kindcluster.CreateWithNodeImage(image))
		}
		if err := provider.Create(name, opts...); err != nil {
			return nil, fmt.Errorf("kind create %s: %w", name, err)
		}
		created = true
	}
	c := &Cluster{Provider: Kind, Name: name, Kubeconfig: kubeconfig, Context: "kind-" + name}
	if created {
		c.stop = func() error { return provider.Delete(name, kubeconfig) }
	}
	return c, nil
}

// dockerEngine checks that a container engine answers; the docker client alone is not enough.
func dockerEngine(ctx context.Context) error {
	for _, bin := range []string{"docker", "podman"} {
		if _, err := exec.LookPath(bin); err != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		out, err := exec.CommandContext(ctx, bin, "info", "--format", "{{.ServerVersion}}").CombinedOutput()
		cancel()
		if err == nil {
			return nil
		}
		return fmt.Errorf("the kind provider needs a running container engine, but `%s info` failed: %v: %s (use %s=%s on hosts without one)",
			bin, err, strings.TrimSpace(string(out)), EnvProvider, Local)
	}
	return fmt.Errorf("the kind provider needs docker or podman on PATH and a running engine (use %s=%s on hosts without one)", EnvProvider, Local)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
