// Package podrun runs a rendered pod template on this machine, the way a kubelet would, with the
// real programs of the Debian host standing in for the images: one network namespace per pod
// (the containers talk over the pod's loopback on their real ports), and per container its own
// mount and PID namespaces, a root file system built from the host's /usr plus the container's
// volume mounts at their real paths (read-only when readOnlyRootFilesystem is set), the
// container's user, groups, no_new_privs and no capabilities, its environment resolved from the
// rendered ConfigMaps and Secrets, and its command unchanged (tini included, as PID 1).
//
// The configuration a chart renders is therefore checked by nginx and php-fpm as they will run
// it, without rewriting a path or a port. Init containers run to completion first; httpGet,
// tcpSocket and exec probes are evaluated like the kubelet's. Running namespaces needs root (CI
// runs as root); Start fails with a message saying so otherwise.
//
// An image is the host's /usr plus, for the app image, the files of Options.AppFiles at
// Options.DocumentRoot; Options.Programs maps command names the images provide to host programs
// (e.g. php-fpm to Debian's php-fpm8.2).
package podrun

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/random"
	corev1 "k8s.io/api/core/v1"
)

// Options describe the images and data a pod runs with.
type Options struct {
	// AppImage is the image reference whose containers get AppFiles at DocumentRoot.
	AppImage string
	// DocumentRoot is where the app image holds the application (e.g. /var/www/html).
	DocumentRoot string
	// AppFiles is the application's file tree (a stub of the store).
	AppFiles fs.FS
	// VolumeFiles pre-fills volumes by name (e.g. the media claim), like data already on a disk.
	VolumeFiles map[string]fs.FS
	// Programs maps a command name the images provide to a host program, e.g.
	// "php-fpm": "/usr/sbin/php-fpm8.2"; they are put first on the containers' PATH.
	Programs map[string]string
	// JoinNetns runs the pod in another pod's network namespace (Pod.Netns) instead of its own,
	// e.g. a proxy next to the pods it fronts, reaching them on the loopback.
	JoinNetns string
	// HostAliases are extra /etc/hosts entries (name → address), like spec.hostAliases, e.g. a
	// Service name the pod resolves.
	HostAliases map[string]string
	// ConfigMaps and Secrets are what the pod may reference (the rendered ones and those the
	// scenario declares as pre-existing); a reference to anything else fails like the kubelet.
	ConfigMaps map[string]map[string]string
	Secrets    map[string]map[string][]byte
}

// Pod is a running pod.
type Pod struct {
	Spec  corev1.PodSpec
	Netns string // name of the pod's network namespace (/run/netns/<name>)

	opts      Options
	workspace string
	volumes   map[string]string // volume name → host directory
	mu        sync.Mutex
	procs     map[string]*process
	stopOnce  sync.Once
}

type process struct {
	container corev1.Container
	cmd       *exec.Cmd
	log       string // path of the log file
	done      chan struct{}
	err       error
}

// logFile creates the log file of a container run, writable by the container's user.
func (p *Pod) logFile(c corev1.Container) (*os.File, error) {
	dir := filepath.Join(p.workspace, "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, c.Name+"-*.log")
	if err != nil {
		return nil, err
	}
	uid, gid, _ := p.identity(c)
	if err := f.Chown(int(uid), int(gid)); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Start creates the pod's namespaces and volumes, runs its init containers to completion and
// starts its containers. It does not wait for them to be ready: see WaitReady. The pod is stopped
// and its files removed when the test ends.
func Start(tb testing.TB, spec corev1.PodSpec, opts Options) *Pod {
	tb.Helper()
	p, err := StartE(tb, spec, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// StartE is like Start but returns the error.
func StartE(tb testing.TB, spec corev1.PodSpec, opts Options) (*Pod, error) {
	tb.Helper()
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("podrun: running a pod needs namespaces and mounts: run the tests as root (CI does), e.g. sudo -E go test ./tests/config/")
	}
	for _, tool := range []string{"ip", "unshare", "chroot", "setpriv", "mount"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("podrun: %s not found: install iproute2, util-linux and coreutils", tool)
		}
	}
	ws, err := os.MkdirTemp("", "podrun-")
	if err != nil {
		return nil, err
	}
	p := &Pod{
		Spec:      spec,
		Netns:     "podrun-" + strings.ToLower(random.UniqueId()),
		opts:      opts,
		workspace: ws,
		volumes:   map[string]string{},
		procs:     map[string]*process{},
	}
	own := opts.JoinNetns == ""
	if !own {
		p.Netns = opts.JoinNetns
	}
	tb.Cleanup(func() {
		p.Stop()
		if own {
			_ = exec.Command("ip", "netns", "del", p.Netns).Run()
		}
		_ = os.RemoveAll(ws)
	})
	if err := os.Chmod(ws, 0o755); err != nil {
		return nil, err
	}
	if own {
		if out, err := exec.Command("ip", "netns", "add", p.Netns).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("podrun: ip netns add: %v: %s", err, out)
		}
		if out, err := exec.Command("ip", "-n", p.Netns, "link", "set", "lo", "up").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("podrun: loopback up: %v: %s", err, out)
		}
	}
	if err := p.makeVolumes(); err != nil {
		return nil, err
	}
	for _, c := range spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			return nil, fmt.Errorf("podrun: sidecar init container %s is not supported", c.Name)
		}
		out, err := p.Run(c, nil)
		if err != nil {
			return nil, fmt.Errorf("podrun: init container %s: %v\n%s", c.Name, err, out)
		}
	}
	for _, c := range spec.Containers {
		if err := p.start(c); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Run runs container c once to completion with args replacing its args (nil: the container's
// own), e.g. a configuration test, and returns its combined output.
func (p *Pod) Run(c corev1.Container, args []string) (string, error) {
	if args != nil {
		c.Args = args
	}
	log, err := p.logFile(c)
	if err != nil {
		return "", err
	}
	defer log.Close()
	cmd, err := p.command(c, log)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	go func() {
		<-ctx.Done()
		if cmd.Process != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
	}()
	err = cmd.Run()
	out, _ := os.ReadFile(log.Name())
	return string(out), err
}

// start starts container c in the background.
func (p *Pod) start(c corev1.Container) error {
	log, err := p.logFile(c)
	if err != nil {
		return err
	}
	defer log.Close() // the child has its own copy
	proc := &process{container: c, log: log.Name(), done: make(chan struct{})}
	cmd, err := p.command(c, log)
	if err != nil {
		return err
	}
	proc.cmd = cmd
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("podrun: start %s: %w", c.Name, err)
	}
	go func() {
		proc.err = cmd.Wait()
		close(proc.done)
	}()
	p.mu.Lock()
	p.procs[c.Name] = proc
	p.mu.Unlock()
	return nil
}

// Logs returns what container name has written so far (stdout and stderr).
func (p *Pod) Logs(name string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	proc, ok := p.procs[name]
	if !ok {
		return ""
	}
	out, _ := os.ReadFile(proc.log)
	return string(out)
}

// process returns the running (or ended) container name.
func (p *Pod) process(name string) (*process, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	proc, ok := p.procs[name]
	if !ok {
		return nil, fmt.Errorf("no container %s", name)
	}
	return proc, nil
}

// Exited reports whether container name has exited, and its error.
func (p *Pod) Exited(name string) (bool, error) {
	return p.Wait(name, 0)
}

// Signal sends sig to container name's PID 1 (tini, which forwards it), as the kubelet does when
// it stops a container.
func (p *Pod) Signal(name string, sig syscall.Signal) error {
	pid, err := p.pid1(name)
	if err != nil {
		return err
	}
	return syscall.Kill(pid, sig)
}

// pid1 returns the host PID of container name's first process: the child of the unshare process
// that created its PID namespace.
func (p *Pod) pid1(name string) (int, error) {
	proc, err := p.process(name)
	if err != nil {
		return 0, err
	}
	parent := proc.cmd.Process.Pid
	for range 50 {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", parent, parent))
		if err != nil {
			return 0, fmt.Errorf("container %s: %w", name, err)
		}
		if fields := strings.Fields(string(raw)); len(fields) > 0 {
			return strconv.Atoi(fields[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
	return 0, fmt.Errorf("container %s: no process yet", name)
}

// Wait waits until container name exits or timeout passes (0: only looks), and reports whether
// it exited, with its error.
func (p *Pod) Wait(name string, timeout time.Duration) (bool, error) {
	proc, err := p.process(name)
	if err != nil {
		return false, err
	}
	if timeout <= 0 {
		select {
		case <-proc.done:
			return true, proc.err
		default:
			return false, nil
		}
	}
	select {
	case <-proc.done:
		return true, proc.err
	case <-time.After(timeout):
		return false, nil
	}
}

// Stop kills every container of the pod.
func (p *Pod) Stop() {
	p.stopOnce.Do(func() {
		p.mu.Lock()
		procs := slices.Collect(func(yield func(*process) bool) {
			for _, proc := range p.procs {
				if !yield(proc) {
					return
				}
			}
		})
		p.mu.Unlock()
		for _, proc := range procs {
			_ = syscall.Kill(-proc.cmd.Process.Pid, syscall.SIGKILL)
		}
		for _, proc := range procs {
			select {
			case <-proc.done:
			case <-time.After(10 * time.Second):
			}
		}
	})
}

// Workspace is the host directory holding the pod's volumes and root file systems.
func (p *Pod) Workspace() string { return p.workspace }

// Volume returns the host directory of volume name.
func (p *Pod) Volume(name string) string { return p.volumes[name] }

// fsGroupOf returns the pod's fsGroup, or -1.
func (p *Pod) fsGroup() int64 {
	if sc := p.Spec.SecurityContext; sc != nil && sc.FSGroup != nil {
		return *sc.FSGroup
	}
	return -1
}

// identity returns the UID, GID and supplementary groups container c runs with.
func (p *Pod) identity(c corev1.Container) (uid, gid int64, groups []int64) {
	uid, gid = 0, 0
	if sc := p.Spec.SecurityContext; sc != nil {
		if sc.RunAsUser != nil {
			uid = *sc.RunAsUser
		}
		if sc.RunAsGroup != nil {
			gid = *sc.RunAsGroup
		}
		groups = append(groups, sc.SupplementalGroups...)
		if sc.FSGroup != nil {
			groups = append(groups, *sc.FSGroup)
		}
	}
	if sc := c.SecurityContext; sc != nil {
		if sc.RunAsUser != nil {
			uid = *sc.RunAsUser
		}
		if sc.RunAsGroup != nil {
			gid = *sc.RunAsGroup
		}
	}
	return uid, gid, groups
}

func copyTree(dst string, src fs.FS, uid, gid int) error {
	if err := os.CopyFS(dst, src); err != nil {
		return err
	}
	return chownTree(dst, uid, gid)
}

func chownTree(dir string, uid, gid int) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := os.Lchown(path, uid, gid); err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(path, 0o775)
		}
		// Like the kubelet's fsGroup: the group may read and write every file.
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.Chmod(path, info.Mode().Perm()|0o060)
	})
}
