package podrun

import (
	"fmt"
	"os"
	"path/filepath"

	corev1 "k8s.io/api/core/v1"
)

// makeVolumes creates a host directory per pod volume, filled like the kubelet fills it.
func (p *Pod) makeVolumes() error {
	fsGroup := p.fsGroup()
	for _, v := range p.Spec.Volumes {
		dir := filepath.Join(p.workspace, "volumes", v.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		p.volumes[v.Name] = dir
		switch {
		case v.ConfigMap != nil:
			data, ok := p.opts.ConfigMaps[v.ConfigMap.Name]
			if !ok && (v.ConfigMap.Optional == nil || !*v.ConfigMap.Optional) {
				return fmt.Errorf("podrun: volume %s: ConfigMap %s is not among the rendered objects", v.Name, v.ConfigMap.Name)
			}
			files := map[string][]byte{}
			for k, val := range data {
				files[k] = []byte(val)
			}
			if err := writeProjection(dir, files, v.ConfigMap.Items); err != nil {
				return fmt.Errorf("podrun: volume %s: %w", v.Name, err)
			}
		case v.Secret != nil:
			data, ok := p.opts.Secrets[v.Secret.SecretName]
			if !ok && (v.Secret.Optional == nil || !*v.Secret.Optional) {
				return fmt.Errorf("podrun: volume %s: Secret %s is not among the pod's Secrets", v.Name, v.Secret.SecretName)
			}
			if err := writeProjection(dir, data, v.Secret.Items); err != nil {
				return fmt.Errorf("podrun: volume %s: %w", v.Name, err)
			}
		case v.EmptyDir != nil:
			// The kubelet creates emptyDirs world-writable.
			if err := os.Chmod(dir, 0o777); err != nil {
				return err
			}
		case v.PersistentVolumeClaim != nil:
			// A disk that already holds the store's data, with fsGroup applied.
			if fsys, ok := p.opts.VolumeFiles[v.Name]; ok {
				if err := os.CopyFS(dir, fsys); err != nil {
					return err
				}
			}
			if fsGroup >= 0 {
				if err := chownTree(dir, 0, int(fsGroup)); err != nil {
					return err
				}
				if err := os.Chmod(dir, 0o2775); err != nil {
					return err
				}
			}
		case v.Image != nil:
			// The image's whole file system: the app image holds AppFiles at DocumentRoot.
			if v.Image.Reference == p.opts.AppImage && p.opts.AppFiles != nil {
				dst := filepath.Join(dir, p.opts.DocumentRoot)
				if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
					return err
				}
				if err := os.CopyFS(dst, p.opts.AppFiles); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("podrun: volume %s: only configMap, secret, emptyDir, persistentVolumeClaim and image volumes are supported", v.Name)
		}
	}
	return nil
}

// writeProjection writes a ConfigMap's or Secret's keys as files (all of them, or the listed items).
func writeProjection(dir string, data map[string][]byte, items []corev1.KeyToPath) error {
	if len(items) == 0 {
		for k, v := range data {
			if err := os.WriteFile(filepath.Join(dir, k), v, 0o644); err != nil {
				return err
			}
		}
		return nil
	}
	for _, it := range items {
		v, ok := data[it.Key]
		if !ok {
			return fmt.Errorf("key %s not found", it.Key)
		}
		dst := filepath.Join(dir, it.Path)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, v, 0o644); err != nil {
			return err
		}
	}
	return nil
}
