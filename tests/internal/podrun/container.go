package podrun

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/gruntwork-io/terratest/modules/random"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/kv"
)

// programDir is where, in a container's root, Options.Programs are linked (first on PATH).
const programDir = "/opt/podrun/bin"

const defaultPath = programDir + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// hostFiles are copied from the host into every container root: users, the dynamic linker's
// cache, name resolution and the time zone.
var hostFiles = []string{"/etc/passwd", "/etc/group", "/etc/ld.so.cache", "/etc/nsswitch.conf", "/etc/hosts", "/etc/localtime"}

// hostDirs are bind-mounted read-only from the host when they exist: PHP's own php.ini and
// extension configuration stand in for the app image's.
var hostDirs = []string{"/etc/php"}

// command builds the command that runs container c: the pod's network namespace, new mount and
// PID namespaces, the container's root file system, identity and environment.
//
// The container's stdout and stderr go to a log file the container's user owns (like the
// container runtime's log pipe, it can be reopened as /dev/stdout by the unprivileged process).
func (p *Pod) command(c corev1.Container, log *os.File) (*exec.Cmd, error) {
	if len(c.Command) == 0 {
		return nil, fmt.Errorf("podrun: container %s has no command: an image's entrypoint cannot be known here", c.Name)
	}
	env, err := p.env(c)
	if err != nil {
		return nil, err
	}
	root := filepath.Join(p.workspace, "containers", c.Name+"-"+strings.ToLower(random.UniqueId()))
	if err := p.makeRoot(root, c); err != nil {
		return nil, fmt.Errorf("podrun: root file system of %s: %w", c.Name, err)
	}
	script, err := p.script(root, c)
	if err != nil {
		return nil, err
	}
	argv := append(expand(c.Command, env), expand(c.Args, env)...)
	args := append([]string{"netns", "exec", p.Netns,
		"unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--kill-child",
		"/bin/sh", "-ec", script, "podrun"}, argv...)
	cmd := exec.Command("ip", args...)
	cmd.Env = kv.Pairs(env)
	cmd.Stdout = log
	cmd.Stderr = log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd, nil
}

// makeRoot lays out the container's root file system: mount points for the host's /usr, /dev,
// /proc, the host files, the programs, and the app image's files when c runs the app image.
func (p *Pod) makeRoot(root string, c corev1.Container) error {
	for _, d := range []string{"usr", "dev", "proc", "tmp", "etc", "run", "var", strings.TrimPrefix(programDir, "/")} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return err
		}
	}
	for _, l := range []string{"bin", "sbin", "lib", "lib64"} {
		target, err := os.Readlink("/" + l)
		if err != nil {
			return fmt.Errorf("host /%s is not a link into /usr (merged /usr is expected): %w", l, err)
		}
		if err := os.Symlink(target, filepath.Join(root, l)); err != nil {
			return err
		}
	}
	for _, f := range hostFiles {
		if err := copyHostFile(f, filepath.Join(root, f)); err != nil {
			return err
		}
	}
	for _, d := range hostDirs {
		if _, err := os.Stat(d); err == nil {
			if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
				return err
			}
		}
	}
	if len(p.opts.HostAliases) > 0 {
		hosts := filepath.Join(root, "etc/hosts")
		f, err := os.OpenFile(hosts, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		for _, name := range slices.Sorted(maps.Keys(p.opts.HostAliases)) {
			fmt.Fprintf(f, "%s\t%s\n", p.opts.HostAliases[name], name)
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	for name, target := range p.opts.Programs {
		dst := filepath.Join(root, programDir, name)
		if hostProgram(target) != "" {
			// Outside /usr: bind-mounted onto this file by the script.
			if err := os.WriteFile(dst, nil, 0o755); err != nil {
				return err
			}
			continue
		}
		if err := os.Symlink(target, dst); err != nil {
			return err
		}
	}
	if c.Image == p.opts.AppImage && p.opts.AppFiles != nil {
		dst := filepath.Join(root, p.opts.DocumentRoot)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.CopyFS(dst, p.opts.AppFiles); err != nil {
			return err
		}
	}
	return nil
}

// copyHostFile copies a host file (or symbolic link) into a container root, if it exists.
func copyHostFile(src, dst string) error {
	fi, err := os.Lstat(src)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		return os.Symlink(target, dst)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// script is the shell program that, inside the new namespaces, mounts the container's root file
// system and volumes and executes the container's command as its user, without privileges.
func (p *Pod) script(root string, c corev1.Container) (string, error) {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	r := shq(root)
	w("mount --bind %s %s", r, r)
	w("mount --rbind /usr %s/usr", r)
	w("mount -o remount,bind,ro %s/usr", r)
	w("mount --rbind /dev %s/dev", r)
	w("mount -t proc proc %s/proc", r)
	for _, d := range hostDirs {
		if _, err := os.Stat(d); err == nil {
			w("mount --bind %s %s", shq(d), shq(root+d))
			w("mount -o remount,bind,ro %s", shq(root+d))
		}
	}
	for name, target := range p.opts.Programs {
		if real := hostProgram(target); real != "" {
			dst := shq(filepath.Join(root, programDir, name))
			w("mount --bind %s %s", shq(real), dst)
			w("mount -o remount,bind,ro %s", dst)
		}
	}
	mounts := append([]corev1.VolumeMount(nil), c.VolumeMounts...)
	sort.SliceStable(mounts, func(i, j int) bool {
		return strings.Count(path.Clean(mounts[i].MountPath), "/") < strings.Count(path.Clean(mounts[j].MountPath), "/")
	})
	for _, m := range mounts {
		src, ok := p.volumes[m.Name]
		if !ok {
			return "", fmt.Errorf("podrun: container %s mounts volume %q, which the pod does not define", c.Name, m.Name)
		}
		if m.SubPath != "" {
			src = filepath.Join(src, m.SubPath)
		}
		if m.SubPathExpr != "" {
			return "", fmt.Errorf("podrun: container %s: subPathExpr is not supported", c.Name)
		}
		fi, err := os.Stat(src)
		if err != nil {
			return "", fmt.Errorf("podrun: container %s mounts %s: %w", c.Name, m.MountPath, err)
		}
		target := shq(root + path.Clean(m.MountPath))
		if fi.IsDir() {
			w("mkdir -p %s", target)
		} else {
			w("[ -e %s ] || { mkdir -p \"$(dirname %s)\"; : > %s; }", target, target, target)
		}
		w("mount --bind %s %s", shq(src), target)
		// Read-only at once, as runc mounts it: a later mount nested inside cannot make its
		// mount point there either (runc: "mkdir …: read-only file system").
		if m.ReadOnly {
			w("mount -o remount,bind,ro %s", target)
		}
	}
	if sc := c.SecurityContext; sc != nil && sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem {
		w("mount -o remount,bind,ro %s", r)
	}
	priv := p.privileges(c)
	wd := c.WorkingDir
	if wd == "" {
		wd = "/"
	}
	w("exec chroot %s %s -- env -C %s -- \"$@\"", r, strings.Join(priv, " "), shq(wd))
	return b.String(), nil
}

// privileges is the setpriv command that gives container c its user, groups, no_new_privs and
// capability bounding set.
func (p *Pod) privileges(c corev1.Container) []string {
	uid, gid, groups := p.identity(c)
	priv := []string{"setpriv", "--reuid=" + strconv.FormatInt(uid, 10), "--regid=" + strconv.FormatInt(gid, 10)}
	if len(groups) == 0 {
		priv = append(priv, "--clear-groups")
	} else {
		g := make([]string, len(groups))
		for i, id := range groups {
			g[i] = strconv.FormatInt(id, 10)
		}
		priv = append(priv, "--groups="+strings.Join(g, ","))
	}
	if sc := c.SecurityContext; sc == nil || sc.AllowPrivilegeEscalation == nil || !*sc.AllowPrivilegeEscalation {
		priv = append(priv, "--no-new-privs")
	}
	if dropsAll(c) {
		priv = append(priv, "--inh-caps=-all", "--bounding-set=-all")
	}
	return priv
}

// hostProgram returns the real path of a program that is not under the host's /usr (which every
// container root has), or "" when a symbolic link into /usr reaches it.
func hostProgram(path string) string {
	real, err := filepath.EvalSymlinks(path)
	if err != nil || strings.HasPrefix(real, "/usr/") {
		return ""
	}
	return real
}

// dropsAll reports whether c drops every capability.
func dropsAll(c corev1.Container) bool {
	if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
		return false
	}
	for _, d := range c.SecurityContext.Capabilities.Drop {
		if d == "ALL" {
			return true
		}
	}
	return false
}

// shq quotes s for the shell.
func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

var varRef = regexp.MustCompile(`\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)`)

// expand resolves $(VAR) references to the container's variables as the kubelet does ($$ is a
// literal $; unknown references stay as written).
func expand(args []string, env map[string]string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = varRef.ReplaceAllStringFunc(a, func(ref string) string {
			if ref == "$$" {
				return "$"
			}
			if v, ok := env[ref[2:len(ref)-1]]; ok {
				return v
			}
			return ref
		})
	}
	return out
}

// env resolves the container's environment from the rendered ConfigMaps and Secrets.
func (p *Pod) env(c corev1.Container) (map[string]string, error) {
	env := map[string]string{"PATH": defaultPath, "HOSTNAME": "podrun"}
	sources := map[string]map[string]map[string]string{"ConfigMap": p.opts.ConfigMaps, "Secret": {}}
	for name, data := range p.opts.Secrets {
		sources["Secret"][name] = map[string]string{}
		for k, v := range data {
			sources["Secret"][name][k] = string(v)
		}
	}
	for _, ef := range c.EnvFrom {
		kind, name, optional := "ConfigMap", "", (*bool)(nil)
		switch {
		case ef.ConfigMapRef != nil:
			name, optional = ef.ConfigMapRef.Name, ef.ConfigMapRef.Optional
		case ef.SecretRef != nil:
			kind, name, optional = "Secret", ef.SecretRef.Name, ef.SecretRef.Optional
		default:
			continue
		}
		data, ok := sources[kind][name]
		if !ok && (optional == nil || !*optional) {
			return nil, fmt.Errorf("podrun: container %s: envFrom %s %s is not among the pod's %ss", c.Name, kind, name, kind)
		}
		for k, v := range data {
			env[ef.Prefix+k] = v
		}
	}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = expand([]string{e.Value}, env)[0]
		case e.ValueFrom.SecretKeyRef != nil || e.ValueFrom.ConfigMapKeyRef != nil:
			kind, name, key, optional := "Secret", "", "", (*bool)(nil)
			if ref := e.ValueFrom.SecretKeyRef; ref != nil {
				name, key, optional = ref.Name, ref.Key, ref.Optional
			} else {
				ref := e.ValueFrom.ConfigMapKeyRef
				kind, name, key, optional = "ConfigMap", ref.Name, ref.Key, ref.Optional
			}
			v, ok, err := keyRef(sources[kind], kind, name, key, optional)
			if err != nil {
				return nil, fmt.Errorf("podrun: container %s: env %s: %w", c.Name, e.Name, err)
			}
			if ok {
				env[e.Name] = v
			}
		case e.ValueFrom.FieldRef != nil:
			env[e.Name] = fieldRef(e.ValueFrom.FieldRef.FieldPath)
		case e.ValueFrom.ResourceFieldRef != nil:
			env[e.Name] = "0"
		default:
			return nil, fmt.Errorf("podrun: container %s: env %s has an unsupported source", c.Name, e.Name)
		}
	}
	return env, nil
}

// keyRef looks up a Secret's or ConfigMap's key as the kubelet does: a missing key of a
// non-optional reference keeps the container from starting; of an optional one it is skipped.
func keyRef(objects map[string]map[string]string, kind, name, key string, optional *bool) (string, bool, error) {
	v, ok := objects[name][key]
	if !ok && (optional == nil || !*optional) {
		return v, false, fmt.Errorf("key %s of %s %s is not among the pod's %ss (the kubelet would not start it)", key, kind, name, kind)
	}
	return v, ok, nil
}

// fieldRef answers the downward API's pod fields for the simulated pod.
func fieldRef(path string) string {
	switch path {
	case "metadata.name":
		return "podrun"
	case "metadata.namespace":
		return "podrun"
	case "status.podIP", "status.hostIP":
		return "127.0.0.1"
	case "spec.nodeName":
		return "localhost"
	}
	return ""
}
