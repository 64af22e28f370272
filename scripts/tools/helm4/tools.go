//go:build tools

// Package tools pins the Helm 4 CLI for scripts/build-tools.sh (installed as helm4 beside Helm 3's
// helm: the deploy tier runs the release lifecycle with both majors).
package tools

import _ "helm.sh/helm/v4/cmd/helm"
