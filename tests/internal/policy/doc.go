// Package policy checks pod templates in-process: CheckRestricted evaluates
// the Pod Security Standards "restricted" level with the same code the API
// server's PodSecurity admission runs (k8s.io/pod-security-admission/policy),
// and CheckBestPractice adds the project's own rules (resources, read-only
// root filesystem, pinned images, no service account token).
//
// Both return human-readable failures; an empty result means the pod passes.
package policy
