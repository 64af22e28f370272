package policy

import (
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	psapolicy "k8s.io/pod-security-admission/policy"
)

// evaluator is the PodSecurity evaluator with the default checks, built once.
var evaluator = sync.OnceValues(func() (psapolicy.Evaluator, error) {
	return psapolicy.NewEvaluator(psapolicy.DefaultChecks(), nil)
})

// Restricted is the level and version CheckRestricted evaluates.
var Restricted = psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}

// CheckRestricted evaluates a pod's metadata and spec against Pod Security
// "restricted" at version "latest" and returns one "reason: detail" string per
// failed check, in the evaluator's order. An empty result means it passes.
func CheckRestricted(meta metav1.ObjectMeta, spec corev1.PodSpec) []string {
	return CheckLevel(Restricted, meta, spec)
}

// CheckLevel is CheckRestricted for any level and version, e.g. baseline.
func CheckLevel(lv psaapi.LevelVersion, meta metav1.ObjectMeta, spec corev1.PodSpec) []string {
	ev, err := evaluator()
	if err != nil {
		// DefaultChecks are always valid; this is a programming error.
		panic(fmt.Sprintf("pod security evaluator: %v", err))
	}
	var out []string
	for _, r := range ev.EvaluatePod(lv, &meta, &spec) {
		if r.Allowed {
			continue
		}
		msg := r.ForbiddenReason
		if r.ForbiddenDetail != "" {
			msg += ": " + r.ForbiddenDetail
		}
		out = append(out, msg)
	}
	return out
}
