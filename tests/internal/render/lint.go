package render

import (
	"testing"

	"github.com/gruntwork-io/terratest/modules/helm"
	"github.com/gruntwork-io/terratest/modules/logger"
)

// Lint runs `helm lint --strict` on the chart in chartDir (absolute, or
// relative to the repository root) with the values files, set values, kube
// version and extra args of opts (helm lint has no --api-versions or
// --show-only: those fields are ignored), and fails the test with helm's
// output on any warning or error. It builds the chart's dependencies first
// (once per process).
func Lint(tb testing.TB, chartDir string, opts Options) {
	tb.Helper()
	if out, err := LintE(tb, chartDir, opts); err != nil {
		tb.Fatalf("helm lint --strict %s: %v\n%s", chartDir, err, out)
	}
}

// LintE is like Lint but returns helm's combined output and the error.
func LintE(tb testing.TB, chartDir string, opts Options) (string, error) {
	tb.Helper()
	chartDir, opts, err := prepare(chartDir, opts)
	if err != nil {
		return "", err
	}
	valuesArgs, err := helm.FormatValuesFilesAsArgsE(opts.ValuesFiles)
	if err != nil {
		return "", err
	}
	args := []string{"--strict", "--kube-version", opts.KubeVersion}
	args = append(args, helm.FormatSetValuesAsArgs(opts.SetValues, "--set")...)
	args = append(args, helm.FormatSetValuesAsArgs(opts.SetStrValues, "--set-string")...)
	args = append(args, helm.FormatSetValuesAsArgs(opts.SetJSONValues, "--set-json")...)
	args = append(args, valuesArgs...)
	args = append(args, opts.ExtraArgs...)
	args = append(args, chartDir)
	hopts := &helm.Options{Logger: logger.Discard}
	return helm.RunHelmCommandAndGetOutputContextE(tb, tb.Context(), hopts, "lint", args...)
}
