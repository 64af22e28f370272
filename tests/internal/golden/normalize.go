package golden

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// Placeholders written by Normalize.
const (
	VersionPlaceholder   = "<version>"
	ChecksumPlaceholder  = "<checksum>"
	GeneratedPlaceholder = "<generated>"
)

// GeneratedAnnotation marks a Secret whose data the chart generates randomly
// (value "true"); Normalize blanks its data and stringData values.
const GeneratedAnnotation = "magento.k8s.io/generated"

const (
	chartLabel   = "helm.sh/chart"
	versionLabel = "app.kubernetes.io/version"
	// checksumPrefix starts the pod annotations that hash a ConfigMap or
	// Secret (`checksum/config`); they change with the chart version label
	// and with generated values of the object they hash.
	checksumPrefix = "checksum/"
)

// chartLabelRe splits a helm.sh/chart value "<name>-<semver>" into its parts.
var chartLabelRe = regexp.MustCompile(`^(.+)-v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+_-]*)?$`)

// Normalize rewrites rendered manifests so that golden files only change when
// the objects do; see NormalizeE. It fails the test on error.
func Normalize(tb testing.TB, manifests []byte) []byte {
	tb.Helper()
	out, err := NormalizeE(manifests)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// NormalizeE parses each YAML document of manifests, drops empty ones and
// replaces:
//   - the version in `helm.sh/chart: <name>-<version>` with VersionPlaceholder,
//   - every `app.kubernetes.io/version` value with VersionPlaceholder,
//   - every `checksum/*` annotation value with ChecksumPlaceholder,
//   - in a Secret annotated GeneratedAnnotation: "true", every data and
//     stringData value with GeneratedPlaceholder.
//
// The replacements are found on the parsed documents and applied to the
// text in place, so the output keeps helm's formatting and comments (such as
// the "# Source:" lines); each edited document is parsed again and must equal
// the normalised document, else that document is re-encoded from the parsed
// form instead. Every document in the output starts with "---".
func NormalizeE(manifests []byte) ([]byte, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(manifests)))
	var out bytes.Buffer
	for i := 0; ; i++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil {
			doc, err = normalizeDoc(doc)
		}
		if err != nil {
			return nil, fmt.Errorf("normalize: document %d: %w", i, err)
		}
		if doc == nil {
			continue
		}
		out.WriteString("---\n")
		out.Write(doc)
		if !bytes.HasSuffix(doc, []byte("\n")) {
			out.WriteByte('\n')
		}
	}
	return out.Bytes(), nil
}

// edit replaces the scalar value of key with text.
type edit struct {
	key, value *yaml.Node
	text       string
}

// normalizeDoc returns the normalised text of one document, or nil for a
// document that holds only comments.
func normalizeDoc(doc []byte) ([]byte, error) {
	var node yaml.Node
	if err := yaml.Unmarshal(doc, &node); err != nil {
		return nil, err
	}
	if node.Kind != yaml.DocumentNode || len(node.Content) == 0 {
		return nil, nil
	}
	edits := findEdits(node.Content[0])
	if len(edits) == 0 {
		return trimSeparator(doc), nil
	}
	text, ok := applyEdits(trimSeparator(doc), edits)
	for _, e := range edits {
		setString(e.value, e.text)
	}
	if ok && sameData(text, &node) {
		return text, nil
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// findEdits returns the replacements Normalize makes in a document.
func findEdits(root *yaml.Node) []edit {
	var edits []edit
	walkMappings(root, func(key, value *yaml.Node) {
		if value.Kind != yaml.ScalarNode {
			return
		}
		text := ""
		switch {
		case key.Value == chartLabel:
			if m := chartLabelRe.FindStringSubmatch(value.Value); m != nil {
				text = m[1] + "-" + VersionPlaceholder
			}
		case key.Value == versionLabel:
			text = VersionPlaceholder
		case strings.HasPrefix(key.Value, checksumPrefix):
			text = ChecksumPlaceholder
		}
		if text != "" && text != value.Value {
			edits = append(edits, edit{key, value, text})
		}
	})
	if scalar(field(root, "kind")) != "Secret" ||
		scalar(field(field(field(root, "metadata"), "annotations"), GeneratedAnnotation)) != "true" {
		return edits
	}
	for _, section := range []string{"data", "stringData"} {
		m := field(root, section)
		if m == nil || m.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			edits = append(edits, edit{m.Content[i], m.Content[i+1], GeneratedPlaceholder})
		}
	}
	return edits
}

// applyEdits replaces each edit's value in the document text: from the
// value's column to the end of its line, dropping the lines that continue it
// (indented deeper than its key, e.g. a block scalar's body). It returns
// false when an edit's value does not start on its key's line.
func applyEdits(doc []byte, edits []edit) ([]byte, bool) {
	lines := strings.SplitAfter(string(doc), "\n")
	edits = slices.Clone(edits)
	// Apply bottom-up so earlier line numbers stay valid.
	slices.SortFunc(edits, func(a, b edit) int { return b.value.Line - a.value.Line })
	for _, e := range edits {
		l, c := e.value.Line-1, e.value.Column-1
		if e.key.Line != e.value.Line || l >= len(lines) || c > len(lines[l]) {
			return nil, false
		}
		nl := ""
		if strings.HasSuffix(lines[l], "\n") {
			nl = "\n"
		}
		lines[l] = lines[l][:c] + e.text + nl
		end := l + 1
		for j := l + 1; j < len(lines); j++ {
			if strings.TrimSpace(lines[j]) == "" {
				continue
			}
			if indent(lines[j]) <= e.key.Column-1 {
				break
			}
			end = j + 1
		}
		lines = slices.Delete(lines, l+1, end)
	}
	return []byte(strings.Join(lines, "")), true
}

// sameData reports whether text parses to the same data as node.
func sameData(text []byte, node *yaml.Node) bool {
	var got, want any
	if err := yaml.Unmarshal(text, &got); err != nil {
		return false
	}
	if err := node.Decode(&want); err != nil {
		return false
	}
	return reflect.DeepEqual(got, want)
}

// trimSeparator drops a leading "---" line, which NormalizeE writes itself.
func trimSeparator(doc []byte) []byte {
	if rest, ok := bytes.CutPrefix(doc, []byte("---\n")); ok {
		return rest
	}
	return doc
}

// indent returns the number of leading spaces of line.
func indent(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

// walkMappings calls fn for every key/value pair of every mapping under n.
func walkMappings(n *yaml.Node, fn func(key, value *yaml.Node)) {
	if n == nil {
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			fn(n.Content[i], n.Content[i+1])
		}
	}
	for _, c := range n.Content {
		walkMappings(c, fn)
	}
}

// field returns the value of key in mapping n, or nil.
func field(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// scalar returns a scalar node's value, or "" for nil and other nodes.
func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// setString turns n into a plain string scalar holding v.
func setString(n *yaml.Node, v string) {
	*n = yaml.Node{
		Kind: yaml.ScalarNode, Tag: "!!str", Value: v,
		HeadComment: n.HeadComment, LineComment: n.LineComment, FootComment: n.FootComment,
		Line: n.Line, Column: n.Column,
	}
}
