package policy

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// CheckBestPractice checks a pod spec of the workload kind/name against the
// project's rules and returns one "Kind/name: container "c": problem" string
// per failure:
//   - every container and init container sets resources.requests.cpu,
//     resources.requests.memory and resources.limits.memory, and an ephemeral-storage request
//     and limit (kube-score's container-resources exception hides its own check of those);
//   - every container sets securityContext.readOnlyRootFilesystem: true;
//   - every image has a tag or digest, and the tag is not "latest";
//   - the pod sets automountServiceAccountToken: false;
//   - a probe that names its port names one of its own container's ports (the kubelet resolves
//     names nowhere else, so a port of another container of the pod never starts the pod).
func CheckBestPractice(kind, name string, spec corev1.PodSpec) []string {
	owner := kind + "/" + name
	var out []string
	add := func(format string, args ...any) {
		out = append(out, owner+": "+fmt.Sprintf(format, args...))
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		add("automountServiceAccountToken is not false")
	}
	check := func(what string, c corev1.Container) {
		where := fmt.Sprintf("%s %q", what, c.Name)
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := c.Resources.Requests[r]; !ok {
				add("%s: resources.requests.%s is not set", where, r)
			}
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
			if _, ok := c.Resources.Limits[r]; !ok {
				add("%s: resources.limits.%s is not set", where, r)
			}
		}
		if _, ok := c.Resources.Requests[corev1.ResourceEphemeralStorage]; !ok {
			add("%s: resources.requests.%s is not set", where, corev1.ResourceEphemeralStorage)
		}
		if sc := c.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			add("%s: securityContext.readOnlyRootFilesystem is not true", where)
		}
		if problem := imageProblem(c.Image); problem != "" {
			add("%s: image %q %s", where, c.Image, problem)
		}
		probes := []struct {
			field string
			probe *corev1.Probe
		}{{"startupProbe", c.StartupProbe}, {"readinessProbe", c.ReadinessProbe}, {"livenessProbe", c.LivenessProbe}}
		for _, p := range probes {
			if name := probePortName(p.probe); name != "" && !hasPort(c, name) {
				add("%s: %s names port %q, which is not one of the container's ports", where, p.field, name)
			}
		}
	}
	for _, c := range spec.InitContainers {
		check("init container", c)
	}
	for _, c := range spec.Containers {
		check("container", c)
	}
	return out
}

// probePortName returns the port name a probe uses, or "" when it uses a number (or no port).
func probePortName(p *corev1.Probe) string {
	switch {
	case p == nil:
		return ""
	case p.HTTPGet != nil && p.HTTPGet.Port.Type == intstr.String:
		return p.HTTPGet.Port.StrVal
	case p.TCPSocket != nil && p.TCPSocket.Port.Type == intstr.String:
		return p.TCPSocket.Port.StrVal
	}
	return ""
}

func hasPort(c corev1.Container, name string) bool {
	for _, p := range c.Ports {
		if p.Name == name {
			return true
		}
	}
	return false
}

// imageProblem returns why an image reference is not pinned, or "" when it
// has a digest or a tag other than "latest".
func imageProblem(image string) string {
	if image == "" {
		return "is empty"
	}
	ref, digest, hasDigest := strings.Cut(image, "@")
	if hasDigest {
		if digest == "" {
			return "has an empty digest"
		}
		return ""
	}
	// A tag is the part after the last ":" that follows the last "/"; a
	// ":" before that belongs to a registry port.
	_, tag, hasTag := strings.Cut(ref[strings.LastIndex(ref, "/")+1:], ":")
	switch {
	case !hasTag || tag == "":
		return "has no tag or digest"
	case tag == "latest":
		return `uses the "latest" tag`
	}
	return ""
}
