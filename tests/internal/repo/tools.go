package repo

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
)

// ErrHelmNotFound is returned by EnsureHelm when no helm binary can be found.
var ErrHelmNotFound = errors.New("helm not found: run scripts/setup.sh")

// ToolsBinDir returns the directory scripts/setup.sh installs tools into:
// $MAGENTO_K8S_CACHE/bin, defaulting to $HOME/.cache/magento-k8s/bin.
func ToolsBinDir() string {
	cache := os.Getenv("MAGENTO_K8S_CACHE")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = os.TempDir()
		}
		cache = filepath.Join(home, ".cache", "magento-k8s")
	}
	return filepath.Join(cache, "bin")
}

// EnsureHelm makes sure a helm binary is on PATH. When there is none, it
// prepends ToolsBinDir to this process's PATH and looks again. It returns
// the helm path found, or ErrHelmNotFound.
func EnsureHelm() (string, error) {
	if p, err := exec.LookPath("helm"); err == nil {
		return p, nil
	}
	bin := ToolsBinDir()
	if _, err := os.Stat(filepath.Join(bin, "helm")); err != nil {
		return "", ErrHelmNotFound
	}
	path := bin
	if old := os.Getenv("PATH"); old != "" {
		path += string(os.PathListSeparator) + old
	}
	if err := os.Setenv("PATH", path); err != nil {
		return "", err
	}
	p, err := exec.LookPath("helm")
	if err != nil {
		return "", ErrHelmNotFound
	}
	return p, nil
}
