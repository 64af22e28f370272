package config_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/magento-k8s/charts/tests/internal/repo"
)

// TestMain makes sure helm is on PATH (adding the scripts/setup.sh tools directory when it is
// not) and that this tier's host programs are installed (scripts/packages.sh).
func TestMain(m *testing.M) {
	if _, err := repo.EnsureHelm(); err != nil {
		fmt.Fprintln(os.Stderr, "config tests:", err)
		os.Exit(1)
	}
	for _, p := range append([]string{"/usr/sbin/nginx", "/usr/bin/tini"}, values(programs)...) {
		if _, err := os.Stat(p); err != nil {
			fmt.Fprintf(os.Stderr, "config tests: %s is missing: run scripts/setup.sh (packages.sh, build-tools.sh)\n", p)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

func values(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
