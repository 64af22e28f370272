package policy

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// CheckBestPractice checks a pod spec of the workload kind/name against the
// project's rules and returns one "Kind/name: container "c": problem" string
// per failure:
//   - every container and init container sets resources.requests.cpu,
//     resources.requests.memory and resources.limits.memory;
//   - every container sets securityContext.readOnlyRootFilesystem: true;
//   - every image has a tag or digest, and the tag is not "latest";
//   - the pod sets automountServiceAccountToken: false.
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
		if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
			add("%s: resources.limits.memory is not set", where)
		}
		if sc := c.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			add("%s: securityContext.readOnlyRootFilesystem is not true", where)
		}
		if problem := imageProblem(c.Image); problem != "" {
			add("%s: image %q %s", where, c.Image, problem)
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
