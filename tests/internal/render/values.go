package render

import (
	"fmt"
	"testing"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/cli"
	"helm.sh/helm/v3/pkg/cli/values"
	"helm.sh/helm/v3/pkg/getter"
)

// Values returns the values the chart's templates see for opts: the chart's defaults with the
// values files and --set values merged over them, as `helm install` merges them.
func Values(tb testing.TB, chartDir string, opts Options) chartutil.Values {
	tb.Helper()
	chrt, vals, err := loadWithValues(chartDir, opts)
	if err != nil {
		tb.Fatal(err)
	}
	merged, err := chartutil.CoalesceValues(chrt, vals)
	if err != nil {
		tb.Fatalf("coalesce values of %s: %v", chartDir, err)
	}
	return merged
}

// loadWithValues prepares and loads the chart in chartDir and merges opts' values files and
// --set values the way the helm command line does (the chart's defaults not yet applied).
func loadWithValues(chartDir string, opts Options) (*chart.Chart, map[string]any, error) {
	chartDir, opts, err := prepare(chartDir, opts)
	if err != nil {
		return nil, nil, err
	}
	chrt, err := loader.Load(chartDir)
	if err != nil {
		return nil, nil, fmt.Errorf("load %s: %w", chartDir, err)
	}
	valueOpts := values.Options{ValueFiles: opts.ValuesFiles}
	for k, v := range opts.SetValues {
		valueOpts.Values = append(valueOpts.Values, k+"="+v)
	}
	for k, v := range opts.SetStrValues {
		valueOpts.StringValues = append(valueOpts.StringValues, k+"="+v)
	}
	for k, v := range opts.SetJSONValues {
		valueOpts.JSONValues = append(valueOpts.JSONValues, k+"="+v)
	}
	vals, err := valueOpts.MergeValues(getter.All(cli.New()))
	if err != nil {
		return nil, nil, err
	}
	return chrt, vals, nil
}
