// Package render_test is the render tier: every chart × every
// ci/*-values.yaml scenario rendered with helm template, decoded strictly
// into typed objects and checked, without a cluster.
//
//	go test ./tests/render/                          # all render-tier tests
//	go test ./tests/render/ -run TestGolden -update  # rewrite golden files
//	go test ./tests/render/ -run '^$' -bench BenchmarkRenderAll -benchtime 1x
package render_test

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/magento-k8s/charts/tests/internal/repo"
)

// TestMain makes sure helm is on PATH (adding the scripts/setup.sh tools
// directory when it is not) and builds every chart's dependencies once, so
// the parallel tests share freshly packaged file:// dependencies.
func TestMain(m *testing.M) {
	if err := setup(); err != nil {
		fmt.Fprintln(os.Stderr, "render tests:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// setup finds helm and builds the dependencies of every chart.
func setup() error {
	if _, err := repo.EnsureHelm(); err != nil {
		return err
	}
	charts, err := repo.ChartsE()
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(charts))
	for i, c := range charts {
		wg.Go(func() { errs[i] = repo.BuildDependenciesE(c.Dir) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
