{{/*
magento-common.files.script: a shell program of the calling chart's files/ (linted there with
shellcheck) as the argument of `sh -c`: its comment lines and blank lines dropped. Fails when the
file is missing from the chart.
Usage: (list "/bin/sh" "-c" (include "magento-common.files.script" (dict "context" $ "name" "consumers.sh")) "consumers")
*/}}
{{- define "magento-common.files.script" -}}
{{- $text := .context.Files.Get (printf "files/%s" .name) -}}
{{- if not $text -}}{{- fail (printf "files/%s is missing from the chart" .name) -}}{{- end -}}
{{- regexReplaceAll "(?m)^[ \t]*(#.*)?\n" $text "" | trimSuffix "\n" -}}
{{- end -}}
