package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// The annotations a pod template carries for its deliberate kube-score exceptions
// (charts/magento-common/templates/_kubescore.tpl): kube-score reads IgnoreAnnotation
// (github.com/zegl/kube-score, config/config.go and score/checks/checks.go at the version
// scripts/tools/kube-score/go.mod pins); ReasonsAnnotation says why, one "check-id: reason" line per ignored check.
const (
	IgnoreAnnotation  = "kube-score/ignore"
	ReasonsAnnotation = "kube-score.magento-k8s.io/reasons"
)

// kube-score's grades (scorecard.Grade in its source).
const (
	GradeCritical = 1
	GradeWarning  = 5
)

// ScoredObject is one object of kube-score's JSON output (--output-format json).
type ScoredObject struct {
	ObjectName string `json:"object_name"`
	TypeMeta   struct {
		Kind string `json:"kind"`
	} `json:"type_meta"`
	ObjectMeta struct {
		Name string `json:"name"`
	} `json:"object_meta"`
	Checks []ScoredCheck `json:"checks"`
}

// ScoredCheck is one check kube-score ran (or skipped) on an object.
type ScoredCheck struct {
	Check struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"check"`
	Grade    int  `json:"grade"`
	Skipped  bool `json:"skipped"`
	Comments []struct {
		Path        string `json:"path"`
		Summary     string `json:"summary"`
		Description string `json:"description"`
	} `json:"comments"`
}

// Finding is one check that scored at a grade, not skipped: "Kind/name: check-id: summary".
type Finding struct {
	Object, Check, Summary string
	Grade                  int
}

func (f Finding) String() string { return f.Object + ": " + f.Check + ": " + f.Summary }

// ErrKubeScoreNotFound is returned when neither PATH nor the tool cache holds kube-score.
var ErrKubeScoreNotFound = errors.New("kube-score not found: run scripts/setup.sh (scripts/build-tools.sh builds it)")

// KubeScoreBinary returns kube-score from PATH, else from binDir (the tool cache).
func KubeScoreBinary(binDir string) (string, error) {
	if p, err := exec.LookPath("kube-score"); err == nil {
		return p, nil
	}
	p := filepath.Join(binDir, "kube-score")
	if _, err := os.Stat(p); err != nil {
		return "", ErrKubeScoreNotFound
	}
	return p, nil
}

// KubeScore runs kube-score (its default checks; the optional ones, e.g. requests equal to
// limits, are not, and the charts do not meet them: no CPU limits, on purpose) on a multi-document
// manifest for the given Kubernetes version and returns its scored objects.
func KubeScore(bin string, manifests []byte, kubeVersion string) ([]ScoredObject, error) {
	// kube-score takes the version as "vMAJOR.MINOR".
	parts := strings.SplitN(strings.TrimPrefix(kubeVersion, "v"), ".", 3)
	if len(parts) < 2 {
		return nil, fmt.Errorf("kube-score: Kubernetes version %q is not MAJOR.MINOR[.PATCH]", kubeVersion)
	}
	cmd := exec.Command(bin, "score", "--output-format", "json",
		"--kubernetes-version", "v"+parts[0]+"."+parts[1], "-")
	cmd.Stdin = bytes.NewReader(manifests)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// kube-score exits 1 when anything scores CRITICAL: the JSON is still complete then.
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
		return nil, fmt.Errorf("kube-score: %w: %s", err, stderr.String())
	}
	var out []ScoredObject
	if jerr := json.Unmarshal(stdout.Bytes(), &out); jerr != nil {
		return nil, fmt.Errorf("kube-score output: %w (stderr: %s)", jerr, stderr.String())
	}
	return out, nil
}

// Findings returns the checks scored at grade (not skipped), sorted.
func Findings(objects []ScoredObject, grade int) []Finding {
	var out []Finding
	for _, o := range objects {
		for _, c := range o.Checks {
			if c.Skipped || c.Grade != grade {
				continue
			}
			var summaries []string
			for _, cm := range c.Comments {
				s := cm.Summary
				if cm.Path != "" {
					s = cm.Path + ": " + s
				}
				summaries = append(summaries, s)
			}
			out = append(out, Finding{
				Object: o.TypeMeta.Kind + "/" + o.ObjectMeta.Name, Check: c.Check.ID,
				Summary: strings.Join(summaries, "; "), Grade: c.Grade,
			})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// CheckIDs returns every check ID kube-score knows of for the objects (run or skipped).
func CheckIDs(objects []ScoredObject) map[string]bool {
	ids := map[string]bool{}
	for _, o := range objects {
		for _, c := range o.Checks {
			ids[c.Check.ID] = true
		}
	}
	return ids
}

// KubeScoreExceptions reads a pod template's exception annotations and returns the ignored
// check IDs with their reasons, and one problem per ignored ID without a reason, per reason
// for a check that is not ignored, and per malformed entry.
func KubeScoreExceptions(annotations map[string]string) (reasons map[string]string, problems []string) {
	reasons = map[string]string{}
	for _, entry := range strings.Split(annotations[ReasonsAnnotation], "\n") {
		if strings.TrimSpace(entry) == "" {
			continue
		}
		id, why, ok := strings.Cut(entry, ": ")
		if !ok || strings.TrimSpace(why) == "" {
			problems = append(problems, fmt.Sprintf("%s: %q is not \"check-id: reason\"", ReasonsAnnotation, entry))
			continue
		}
		reasons[id] = why
	}
	ignored := map[string]bool{}
	for _, id := range strings.Split(annotations[IgnoreAnnotation], ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		ignored[id] = true
		if reasons[id] == "" {
			problems = append(problems, fmt.Sprintf("%s: %s has no reason in %s", IgnoreAnnotation, id, ReasonsAnnotation))
		}
	}
	for id := range reasons {
		if !ignored[id] {
			problems = append(problems, fmt.Sprintf("%s: reason for %s, which %s does not name", ReasonsAnnotation, id, IgnoreAnnotation))
		}
	}
	sort.Strings(problems)
	for id := range reasons {
		if !ignored[id] {
			delete(reasons, id)
		}
	}
	return reasons, problems
}
