package cluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/magento-k8s/charts/tests/internal/repo"
)

// Environment variables that choose and shape the cluster.
const (
	// EnvProvider names the provider: local (default), kind or existing.
	EnvProvider = "MAGENTO_K8S_PROVIDER"
	// EnvKeep keeps a cluster the run created (local, kind) running after the tests.
	EnvKeep = "MAGENTO_K8S_KEEP_CLUSTER"
	// EnvName is the name of the local or kind cluster the tests create.
	EnvName = "MAGENTO_K8S_TEST_CLUSTER"
)

// Provider names.
const (
	Local    = "local"
	Kind     = "kind"
	Existing = "existing"
)

// Cluster is a running cluster the tests use.
type Cluster struct {
	// Provider is the provider that made it (Local, Kind or Existing).
	Provider string
	// Name is the cluster's name (the kubeconfig context for Existing).
	Name string
	// Kubeconfig is the path of its kubeconfig file.
	Kubeconfig string
	// Context is the kubeconfig context to use; empty means the file's current one.
	Context string
	// Startup is how long Start took.
	Startup time.Duration

	stop func() error
}

// Start brings up the cluster of the provider in MAGENTO_K8S_PROVIDER (local when unset) and
// waits until its API server answers. It fails with a message naming what is missing when the
// provider's prerequisites are not there.
func Start(ctx context.Context) (*Cluster, error) {
	provider := os.Getenv(EnvProvider)
	if provider == "" {
		provider = Local
	}
	name := os.Getenv(EnvName)
	if name == "" {
		name = "magento-test"
	}
	begin := time.Now()
	var (
		c   *Cluster
		err error
	)
	switch provider {
	case Local:
		c, err = startLocal(ctx, name)
	case Kind:
		c, err = startKind(ctx, name)
	case Existing:
		c, err = startExisting(ctx)
	default:
		return nil, fmt.Errorf("%s=%q is not a provider; use %s, %s or %s", EnvProvider, provider, Local, Kind, Existing)
	}
	if err != nil {
		return nil, fmt.Errorf("cluster provider %s: %w", provider, err)
	}
	if err := c.waitReady(ctx, 2*time.Minute); err != nil {
		_ = c.Stop()
		return nil, err
	}
	c.Startup = time.Since(begin)
	return c, nil
}

// Stop tears down a cluster the run created, unless MAGENTO_K8S_KEEP_CLUSTER is set; an
// existing cluster is left alone.
func (c *Cluster) Stop() error {
	if c == nil || c.stop == nil || os.Getenv(EnvKeep) != "" {
		return nil
	}
	return c.stop()
}

// RESTConfig returns the client configuration of the cluster.
func (c *Cluster) RESTConfig() (*rest.Config, error) {
	rules := &clientcmd.ClientConfigLoadingRules{ExplicitPath: c.Kubeconfig}
	overrides := &clientcmd.ConfigOverrides{CurrentContext: c.Context}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", c.Kubeconfig, err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	return cfg, nil
}

// Clientset returns a typed client of the cluster.
func (c *Cluster) Clientset() (kubernetes.Interface, error) {
	cfg, err := c.RESTConfig()
	if err != nil {
		return nil, err
	}
	return kubernetes.NewForConfig(cfg)
}

// waitReady polls the API server's /readyz.
func (c *Cluster) waitReady(ctx context.Context, timeout time.Duration) error {
	cs, err := c.Clientset()
	if err != nil {
		return err
	}
	var last error
	err = wait.PollUntilContextTimeout(ctx, time.Second, timeout, true, func(ctx context.Context) (bool, error) {
		body, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		last = err
		return err == nil && strings.TrimSpace(string(body)) == "ok", nil
	})
	if err != nil {
		return fmt.Errorf("API server of %s not ready after %s: %v (%v)", c.Name, timeout, err, last)
	}
	return nil
}

// startLocal runs scripts/cluster.sh up (which builds the pinned tools on first use).
func startLocal(ctx context.Context, name string) (*Cluster, error) {
	root, err := repo.RootE()
	if err != nil {
		return nil, err
	}
	script := filepath.Join(root, "scripts", "cluster.sh")
	run := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "bash", append([]string{script}, args...)...)
		cmd.Env = append(os.Environ(), "MAGENTO_K8S_CLUSTER="+name)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("scripts/cluster.sh %s: %w\n%s", strings.Join(args, " "), err, tail(stderr.String(), 30))
		}
		return strings.TrimSpace(string(out)), nil
	}
	if _, err := run("up"); err != nil {
		return nil, err
	}
	kubeconfig, err := run("kubeconfig")
	if err != nil {
		return nil, err
	}
	return &Cluster{
		Provider:   Local,
		Name:       name,
		Kubeconfig: kubeconfig,
		stop: func() error {
			_, err := run("down")
			return err
		},
	}, nil
}

// startExisting uses the current context of $KUBECONFIG (or ~/.kube/config).
func startExisting(_ context.Context) (*Cluster, error) {
	path := os.Getenv("KUBECONFIG")
	if path == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, err
		}
		path = filepath.Join(home, ".kube", "config")
	}
	if first, _, _ := strings.Cut(path, string(os.PathListSeparator)); first != path {
		path = first
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no kubeconfig for the existing cluster: %w (set KUBECONFIG)", err)
	}
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", path, err)
	}
	if cfg.CurrentContext == "" {
		return nil, fmt.Errorf("kubeconfig %s has no current context", path)
	}
	return &Cluster{Provider: Existing, Name: cfg.CurrentContext, Kubeconfig: path, Context: cfg.CurrentContext}, nil
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
