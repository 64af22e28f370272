// Command chartdoc generates a Helm chart's values.schema.json and the values
// table of its README.md from the comments in its values.yaml.
//
// Usage:
//
//	go run ./tools/chartdoc [--check] CHART_DIR...
//
// The comment dialect, written directly above each key of values.yaml:
//
//	# -- Description; continues on the next "# " lines, "#" alone
//	# starts a new paragraph.
//	# @schema {"enum": ["copy", "image-volume"]}
//	codeSharing: copy
//
// Every key needs a "# --" description, except keys inside a passthrough
// value and keys of array items. "# @schema" (one line, repeatable) is a JSON
// object merged over the schema inferred from the default value, with two
// extensions: "x-passthrough": true (the value belongs to Kubernetes or the
// user: its children are not listed and extra keys are allowed) and
// "x-required": true (the key goes into its parent's "required").
//
// The schema is strict: objects inferred from mappings reject unknown keys.
// After generating, chartdoc validates values.yaml and each
// ci/*-values.yaml (merged over values.yaml) against the new schema.
//
// With --check nothing is written; chartdoc exits 1 if a generated file is
// missing or differs from what it would write. Other problems exit 2.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Exit codes.
const (
	exitOK    = 0
	exitStale = 1 // --check found generated files that differ
	exitError = 2 // bad usage, invalid chart, validation failure
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("chartdoc", flag.ContinueOnError)
	flags.SetOutput(stderr)
	check := flags.Bool("check", false, "write nothing; exit 1 if a generated file is stale")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: chartdoc [--check] CHART_DIR...")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return exitError
	}
	if flags.NArg() == 0 {
		flags.Usage()
		return exitError
	}
	stale, failed := 0, false
	for _, dir := range flags.Args() {
		n, err := processChart(dir, *check, stdout, stderr)
		stale += n
		if err != nil {
			fmt.Fprintf(stderr, "chartdoc: %v\n", err)
			failed = true
		}
	}
	switch {
	case failed:
		return exitError
	case stale > 0:
		fmt.Fprintf(stderr, "chartdoc: %d generated file(s) stale; run chartdoc without --check\n", stale)
		return exitStale
	default:
		return exitOK
	}
}

// processChart generates the files of one chart and writes them, or with
// check compares them with the files on disk. It returns the number of stale
// files found in check mode.
func processChart(dir string, check bool, stdout, stderr io.Writer) (int, error) {
	outs, skip, err := generate(dir)
	if err != nil {
		return 0, err
	}
	if skip != "" {
		fmt.Fprintf(stderr, "chartdoc: skipping %s: %s\n", dir, skip)
		return 0, nil
	}
	stale := 0
	for _, out := range outs {
		current, err := os.ReadFile(out.path)
		missing := errors.Is(err, fs.ErrNotExist)
		if err != nil && !missing {
			return stale, err
		}
		switch {
		case !missing && bytes.Equal(current, out.content):
			continue
		case check:
			stale++
			reportStale(stderr, out, current, missing)
		default:
			if err := os.WriteFile(out.path, out.content, 0o644); err != nil {
				return stale, err
			}
			fmt.Fprintf(stdout, "chartdoc: wrote %s\n", out.path)
		}
	}
	return stale, nil
}

// reportStale tells which generated file differs from disk, and where.
func reportStale(w io.Writer, out output, current []byte, missing bool) {
	if missing {
		fmt.Fprintf(w, "%s: missing (generated file)\n", out.path)
		return
	}
	fmt.Fprintf(w, "%s: stale\n%s", out.path, diffHint(current, out.content))
}
