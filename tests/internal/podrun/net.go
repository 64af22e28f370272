package podrun

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
	corev1 "k8s.io/api/core/v1"
)

// DialContext connects to addr from inside the pod's network namespace (as another container of
// the pod, or the kubelet probing the pod IP, would): the socket is created on an OS thread that
// joined the namespace, and that thread is discarded afterwards.
func (p *Pod) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	type result struct {
		conn net.Conn
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		// Never unlocked: the thread ends with this goroutine, so no other goroutine runs in the
		// pod's namespace.
		runtime.LockOSThread()
		ns, err := os.Open("/run/netns/" + p.Netns)
		if err != nil {
			ch <- result{err: err}
			return
		}
		defer ns.Close()
		if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
			ch <- result{err: fmt.Errorf("setns %s: %w", p.Netns, err)}
			return
		}
		conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		ch <- result{conn, err}
	}()
	r := <-ch
	return r.conn, r.err
}

// Client is an HTTP client whose connections are made inside the pod's network namespace; it
// does not follow redirects.
func (p *Pod) Client() *http.Client {
	return &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{DialContext: p.DialContext, DisableCompression: true, MaxIdleConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Port resolves a container port by name or number, as a probe's port is resolved.
func (p *Pod) Port(c corev1.Container, port string) (int, error) {
	if n, err := strconv.Atoi(port); err == nil {
		return n, nil
	}
	for _, cp := range c.Ports {
		if cp.Name == port {
			return int(cp.ContainerPort), nil
		}
	}
	return 0, fmt.Errorf("container %s has no port %q", c.Name, port)
}

// Probe evaluates one probe of container c once, like the kubelet: httpGet succeeds on a status
// from 200 to 399, tcpSocket on a connection, exec on exit status 0 of the command run inside the
// container, all within the probe's timeoutSeconds.
func (p *Pod) Probe(ctx context.Context, c corev1.Container, probe *corev1.Probe) error {
	timeout := time.Duration(max(probe.TimeoutSeconds, 1)) * time.Second
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	switch {
	case probe.HTTPGet != nil:
		g := probe.HTTPGet
		port, err := p.Port(c, g.Port.String())
		if err != nil {
			return err
		}
		scheme := strings.ToLower(string(g.Scheme))
		if scheme == "" {
			scheme = "http"
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s://127.0.0.1:%d%s", scheme, port, g.Path), nil)
		if err != nil {
			return err
		}
		req.Header.Set("User-Agent", "kube-probe/1.37")
		for _, h := range g.HTTPHeaders {
			req.Header.Set(h.Name, h.Value)
		}
		resp, err := p.Client().Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode >= 400 {
			return fmt.Errorf("GET %s: HTTP %d", g.Path, resp.StatusCode)
		}
		return nil
	case probe.TCPSocket != nil:
		port, err := p.Port(c, probe.TCPSocket.Port.String())
		if err != nil {
			return err
		}
		conn, err := p.DialContext(ctx, "tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			return err
		}
		return conn.Close()
	case probe.Exec != nil:
		// Run in the container like kubectl exec; exit 0 is success, as for the kubelet.
		out, err := p.Exec(ctx, c.Name, probe.Exec.Command)
		if err != nil {
			return fmt.Errorf("exec %v: %v: %s", probe.Exec.Command, err, strings.TrimSpace(out))
		}
		return nil
	}
	return fmt.Errorf("container %s: only httpGet, tcpSocket and exec probes are supported", c.Name)
}

// WaitReady waits until every container's startup probe, then its readiness and liveness probes
// succeed, as the kubelet would within the probes' own failure thresholds (plus initial delays),
// and fails early when any container exits (a container that dies is not restarted here). It
// returns what failed, with the containers' logs.
func (p *Pod) WaitReady(ctx context.Context) error {
	for _, c := range p.Spec.Containers {
		for _, probe := range []*corev1.Probe{c.StartupProbe, c.ReadinessProbe, c.LivenessProbe} {
			if probe == nil {
				continue
			}
			period := time.Duration(max(probe.PeriodSeconds, 1)) * time.Second
			budget := time.Duration(probe.InitialDelaySeconds)*time.Second + time.Duration(max(probe.FailureThreshold, 1))*period
			deadline := time.Now().Add(budget)
			for {
				for _, other := range p.Spec.Containers {
					if exited, err := p.Exited(other.Name); exited {
						return fmt.Errorf("container %s exited (%v) before the pod was ready:\n%s", other.Name, err, p.Logs(other.Name))
					}
				}
				err := p.Probe(ctx, c, probe)
				if err == nil {
					break
				}
				if time.Now().After(deadline) {
					return fmt.Errorf("container %s: probe failed for %s: %v\nlogs:\n%s", c.Name, budget, err, p.Logs(c.Name))
				}
				select {
				case <-ctx.Done():
					return fmt.Errorf("container %s: %w; last probe: %v\nlogs:\n%s", c.Name, ctx.Err(), err, p.Logs(c.Name))
				case <-time.After(min(period, 250*time.Millisecond)):
				}
			}
		}
	}
	return nil
}
