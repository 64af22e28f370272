// Command check validates CustomResourceDefinition files offline, the way a
// kube-apiserver would on create, and lists what they define.
//
// Every YAML document of every file must be an apiextensions.k8s.io/v1
// CustomResourceDefinition. Each one is decoded strictly (unknown or
// duplicate fields are errors, as with `kubectl apply --validate=strict`),
// defaulted and converted like the API server does, and then run through
// the API server's own create validation
// (k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation), which
// includes the structural-schema, pruning-default and CEL rule checks. The
// k8s.io versions in this module's go.mod are those of the test cluster.
//
// Usage: check [-expect group/Kind,...] FILE...
//
// Prints one line per CRD: file, name, kind, versions (+served, *storage).
// Exits 1 on any invalid document or any -expect kind that is missing.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/install"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

var scheme = runtime.NewScheme()

func init() { install.Install(scheme) }

func main() {
	expect := flag.String("expect", "", "comma-separated group/Kind that must be defined, e.g. cert-manager.io/Certificate")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: check [-expect group/Kind,...] FILE...")
		os.Exit(2)
	}
	seen := map[string]bool{}
	failed := false
	for _, file := range flag.Args() {
		n, err := checkFile(file, seen)
		if err != nil {
			fmt.Fprintf(os.Stderr, "FAIL %s: %v\n", file, err)
			failed = true
		} else if n == 0 {
			fmt.Fprintf(os.Stderr, "FAIL %s: no CustomResourceDefinition\n", file)
			failed = true
		}
	}
	for _, gk := range strings.Split(*expect, ",") {
		if gk = strings.TrimSpace(gk); gk != "" && !seen[gk] {
			fmt.Fprintf(os.Stderr, "FAIL expected kind %s is not defined\n", gk)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

// checkFile validates every document of file and prints one line per CRD.
func checkFile(file string, seen map[string]bool) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := utilyaml.NewYAMLReader(bufio.NewReader(f))
	var errs []error
	n := 0
	for doc := 1; ; doc++ {
		raw, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, err
		}
		if isEmpty(raw) {
			doc--
			continue
		}
		crd, err := checkDoc(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("document %d: %w", doc, err))
			continue
		}
		n++
		seen[crd.Spec.Group+"/"+crd.Spec.Names.Kind] = true
		var vs []string
		for _, v := range crd.Spec.Versions {
			s := v.Name
			if v.Served {
				s += "+"
			}
			if v.Storage {
				s += "*"
			}
			if v.Deprecated {
				s += "(deprecated)"
			}
			vs = append(vs, s)
		}
		fmt.Printf("%-55s %-48s %-24s %s\n", filepath.Base(filepath.Dir(file))+"/"+filepath.Base(file),
			crd.Name, crd.Spec.Names.Kind, strings.Join(vs, " "))
	}
	return n, errors.Join(errs...)
}

func checkDoc(raw []byte) (*apiextensionsv1.CustomResourceDefinition, error) {
	// YAMLToJSONStrict rejects duplicate keys; UnmarshalStrict rejects
	// unknown and case-mismatched fields (what the API server's strict field
	// validation reports).
	j, err := yaml.YAMLToJSONStrict(raw)
	if err != nil {
		return nil, err
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	strictErrs, err := kjson.UnmarshalStrict(j, crd)
	if err != nil {
		return nil, err
	}
	if len(strictErrs) > 0 {
		return nil, errors.Join(strictErrs...)
	}
	if crd.APIVersion != apiextensionsv1.SchemeGroupVersion.String() || crd.Kind != "CustomResourceDefinition" {
		return nil, fmt.Errorf("%s %s is not an apiextensions.k8s.io/v1 CustomResourceDefinition", crd.APIVersion, crd.Kind)
	}
	if crd.Spec.Names.Kind == "" {
		return nil, fmt.Errorf("%s: spec.names.kind is empty", crd.Name)
	}
	served, storage := 0, 0
	for _, v := range crd.Spec.Versions {
		if v.Served {
			served++
		}
		if v.Storage {
			storage++
		}
	}
	if served == 0 || storage != 1 {
		return nil, fmt.Errorf("%s: %d served and %d storage versions (want >=1 served, exactly 1 storage)", crd.Name, served, storage)
	}

	// As the API server does: default the v1 object, convert it to the
	// internal version, then run the create validation.
	defaulted := crd.DeepCopy()
	scheme.Default(defaulted)
	internal := &apiextensions.CustomResourceDefinition{}
	if err := scheme.Convert(defaulted, internal, nil); err != nil {
		return nil, fmt.Errorf("%s: convert: %w", crd.Name, err)
	}
	if errList := validation.ValidateCustomResourceDefinition(context.Background(), internal); len(errList) > 0 {
		return nil, fmt.Errorf("%s: %w", crd.Name, errList.ToAggregate())
	}
	return crd, nil
}

func isEmpty(doc []byte) bool {
	for _, line := range bytes.Split(doc, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' && !bytes.Equal(line, []byte("---")) {
			return false
		}
	}
	return true
}
