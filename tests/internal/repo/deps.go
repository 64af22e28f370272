package repo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// depBuild remembers the outcome of one chart's dependency build.
type depBuild struct {
	once sync.Once
	err  error
}

var (
	depMu     sync.Mutex
	depBuilds = map[string]*depBuild{}
)

// BuildDependencies makes the packaged dependencies under the chart's charts/
// directory current, for the chart in chartDir (absolute, or relative to the
// repository root) when its Chart.yaml declares dependencies: it runs
// `helm dependency build` unless every dependency archive is newer than the
// chart's Chart.yaml and Chart.lock and, for a file:// dependency such as the
// library chart, newer than every file of that chart. It does so at most once
// per chart per process (concurrent callers wait for the one build) and under
// a lock shared by all processes, so that test packages running in parallel
// neither rebuild nor read the archives while another rewrites them.
func BuildDependencies(tb testing.TB, chartDir string) {
	tb.Helper()
	if err := BuildDependenciesE(chartDir); err != nil {
		tb.Fatal(err)
	}
}

// BuildDependenciesE is like BuildDependencies but returns an error instead of
// failing the test. A failed build returns the same error to every caller.
func BuildDependenciesE(chartDir string) error {
	chart, err := LoadChartE(chartDir)
	if err != nil {
		return err
	}
	if !chart.HasDependencies() {
		return nil
	}
	depMu.Lock()
	b, ok := depBuilds[chart.Dir]
	if !ok {
		b = &depBuild{}
		depBuilds[chart.Dir] = b
	}
	depMu.Unlock()
	b.once.Do(func() { b.err = buildDependencies(chart) })
	return b.err
}

// buildDependencies runs `helm dependency build` for chart when its
// dependency archives are stale, holding the cross-process lock.
func buildDependencies(chart Chart) error {
	unlock, err := lockFile(chart.Dir)
	if err != nil {
		return err
	}
	defer unlock()
	if dependenciesCurrent(chart) {
		return nil
	}
	var out bytes.Buffer
	cmd := exec.Command("helm", "dependency", "build", "--skip-refresh", chart.Dir)
	cmd.Dir = chart.Dir
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("helm dependency build %s: %w\n%s", chart.Rel, err, out.String())
	}
	return nil
}

// dependenciesCurrent reports whether every dependency of chart has exactly
// one archive charts/<name>-*.tgz that is newer than the chart's Chart.yaml
// and Chart.lock (which must exist) and, for a file:// dependency, than every
// file and directory of the dependency's chart.
func dependenciesCurrent(chart Chart) bool {
	var inputs time.Time
	for _, f := range []string{"Chart.yaml", "Chart.lock"} {
		st, err := os.Stat(filepath.Join(chart.Dir, f))
		if err != nil {
			return false
		}
		inputs = later(inputs, st.ModTime())
	}
	for _, d := range chart.Meta.Dependencies {
		archives, _ := filepath.Glob(filepath.Join(chart.Dir, "charts", d.Name+"-*.tgz"))
		if len(archives) != 1 {
			return false
		}
		st, err := os.Stat(archives[0])
		if err != nil {
			return false
		}
		newest := inputs
		if src, ok := strings.CutPrefix(d.Repository, "file://"); ok {
			if !filepath.IsAbs(src) {
				src = filepath.Join(chart.Dir, src)
			}
			t, err := newestModTime(src)
			if err != nil {
				return false
			}
			newest = later(newest, t)
		}
		if !st.ModTime().After(newest) {
			return false
		}
	}
	return true
}

// newestModTime returns the latest modification time of dir and everything
// under it (directories included, so a deleted file counts).
func newestModTime(dir string) (time.Time, error) {
	var newest time.Time
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		newest = later(newest, info.ModTime())
		return nil
	})
	return newest, err
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// lockFile takes an exclusive lock, shared by all processes of the machine,
// for the chart in dir. The lock file lives in the temporary directory, not in
// the repository.
func lockFile(dir string) (unlock func(), err error) {
	sum := sha256.Sum256([]byte(dir))
	path := filepath.Join(os.TempDir(), "magento-k8s-deps-"+hex.EncodeToString(sum[:8])+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("dependency lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("dependency lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
