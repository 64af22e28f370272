package podrun

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/kv"
)

// Exec runs cmd inside running container name (its mount, PID and network namespaces, root,
// working directory, user and environment), like kubectl exec or an exec hook, and returns its
// combined output.
func (p *Pod) Exec(ctx context.Context, name string, cmd []string) (string, error) {
	c, ok := p.containerSpec(name)
	if !ok {
		return "", fmt.Errorf("no container %s", name)
	}
	pid, err := p.pid1(name)
	if err != nil {
		return "", err
	}
	env, err := p.env(c)
	if err != nil {
		return "", err
	}
	args := append([]string{"--target", strconv.Itoa(pid), "--mount", "--pid", "--net", "--root", "--wd", "--"}, p.privileges(c)...)
	args = append(append(args, "--"), cmd...)
	x := exec.CommandContext(ctx, "nsenter", args...)
	x.Env = kv.Pairs(env)
	out, err := x.CombinedOutput()
	return string(out), err
}

func (p *Pod) containerSpec(name string) (corev1.Container, bool) {
	for _, c := range p.Spec.Containers {
		if c.Name == name {
			return c, true
		}
	}
	return corev1.Container{}, false
}

// Termination is how one container ended when the pod was deleted.
type Termination struct {
	Container string
	PreStop   time.Duration // how long the preStop hook ran
	Exited    time.Duration // when the container exited, from the start of the deletion
	ExitCode  int
	Killed    bool   // still running at the end of the grace period: SIGKILL
	HookError string // the preStop hook's failure, if any
}

// Terminate deletes the pod the way the kubelet does: for every container at once, it runs the
// preStop hook (exec or sleep), then sends SIGTERM to the container's PID 1, and kills what still
// runs when terminationGracePeriodSeconds have passed since the start.
func (p *Pod) Terminate() []Termination {
	grace := 30 * time.Second
	if p.Spec.TerminationGracePeriodSeconds != nil {
		grace = time.Duration(*p.Spec.TerminationGracePeriodSeconds) * time.Second
	}
	start := time.Now()
	ctx, cancel := context.WithDeadline(context.Background(), start.Add(grace))
	defer cancel()
	out := make([]Termination, len(p.Spec.Containers))
	var wg sync.WaitGroup
	for i, c := range p.Spec.Containers {
		wg.Go(func() {
			t := Termination{Container: c.Name}
			if h := c.Lifecycle; h != nil && h.PreStop != nil {
				var err error
				switch {
				case h.PreStop.Exec != nil:
					var output string
					output, err = p.Exec(ctx, c.Name, h.PreStop.Exec.Command)
					if err != nil {
						err = fmt.Errorf("%w: %s", err, strings.TrimSpace(output))
					}
				case h.PreStop.Sleep != nil:
					select {
					case <-time.After(time.Duration(h.PreStop.Sleep.Seconds) * time.Second):
					case <-ctx.Done():
					}
				default:
					err = errors.New("only exec and sleep preStop hooks are supported")
				}
				// A hook still running when its container exits is ended with it: not a failure.
				if err != nil {
					if exited, _ := p.Wait(c.Name, 2*time.Second); exited {
						err = nil
					}
				}
				if err != nil {
					t.HookError = err.Error()
				}
				t.PreStop = time.Since(start)
			}
			if exited, _ := p.Exited(c.Name); !exited {
				_ = p.Signal(c.Name, syscall.SIGTERM)
			}
			exited, err := p.Wait(c.Name, time.Until(start.Add(grace)))
			if !exited {
				t.Killed = true
				p.kill(c.Name)
				_, err = p.Wait(c.Name, 10*time.Second)
			}
			t.Exited = time.Since(start)
			t.ExitCode = 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				t.ExitCode = ee.ExitCode()
			}
			out[i] = t
		})
	}
	wg.Wait()
	return out
}

// kill sends SIGKILL to everything of container name.
func (p *Pod) kill(name string) {
	if proc, err := p.process(name); err == nil {
		_ = syscall.Kill(-proc.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// StatefulSetPod returns the pod spec of a StatefulSet's pod: the template with a
// persistentVolumeClaim volume per volumeClaimTemplate, as the StatefulSet controller adds them
// (claim "<template>-<set>-<ordinal>").
func StatefulSetPod(name string, spec corev1.PodSpec, templates []corev1.PersistentVolumeClaim, ordinal int) corev1.PodSpec {
	spec = *spec.DeepCopy()
	for _, t := range templates {
		spec.Volumes = append(spec.Volumes, corev1.Volume{Name: t.Name, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: fmt.Sprintf("%s-%s-%d", t.Name, name, ordinal)},
		}})
	}
	return spec
}
