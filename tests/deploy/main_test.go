// Package deploy_test is the deploy tier: every store chart scenario installed with helm into a
// real Kubernetes API server (one cluster per run, see tests/internal/cluster), in a namespace
// that enforces Pod Security "restricted", and checked on the live objects; plus the
// upgrade / rollback / uninstall lifecycle.
//
//	go test ./tests/deploy/                                # local cluster (built on first use)
//	MAGENTO_K8S_PROVIDER=existing go test ./tests/deploy/   # the current kubeconfig context
//	MAGENTO_K8S_KEEP_CLUSTER=1 go test ./tests/deploy/      # leave cluster and namespaces for a look
package deploy_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/magento-k8s/charts/tests/internal/cluster"
	"github.com/magento-k8s/charts/tests/internal/repo"
)

// testCluster is the run's cluster, started by TestMain.
var testCluster *cluster.Cluster

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	if _, err := repo.EnsureHelm(); err != nil {
		fmt.Fprintln(os.Stderr, "deploy tests:", err)
		return 1
	}
	// The pinned kubectl and helm first on PATH: terratest shells out to them.
	_ = os.Setenv("PATH", repo.ToolsBinDir()+string(os.PathListSeparator)+os.Getenv("PATH"))
	c, err := cluster.Start(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "deploy tests:", err)
		return 1
	}
	testCluster = c
	defer func() {
		if err := c.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "deploy tests: stopping the cluster:", err)
		}
	}()
	fmt.Printf("deploy: %s cluster %q up in %.1fs (kubeconfig %s)\n", c.Provider, c.Name, c.Startup.Seconds(), c.Kubeconfig)
	begin := time.Now()
	crds, err := c.InstallCRDs(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "deploy tests: installing CRDs:", err)
		return 1
	}
	fmt.Printf("deploy: %d CRDs installed in %.1fs\n", len(crds), time.Since(begin).Seconds())
	for _, ch := range mustCharts() {
		if err := repo.BuildDependenciesE(ch); err != nil {
			fmt.Fprintln(os.Stderr, "deploy tests:", err)
			return 1
		}
	}
	return m.Run()
}

// mustCharts lists the installable charts' directories.
func mustCharts() []string {
	charts, err := repo.ChartsE()
	if err != nil {
		panic(err)
	}
	var dirs []string
	for _, c := range charts {
		if !c.IsLibrary() {
			dirs = append(dirs, c.Dir)
		}
	}
	return dirs
}

// scenarioName turns "…/ci/production-values.yaml" into "production".
func scenarioName(file string) string {
	return strings.TrimSuffix(filepath.Base(file), "-values.yaml")
}
