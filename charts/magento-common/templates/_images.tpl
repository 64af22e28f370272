{{/*
magento-common.images.image: the full reference of an image block
{registry, repository, tag, digest}: "[registry/]repository[:tag][@digest]". global.imageRegistry is
used when the block has no registry of its own. The repository is required; `path` names the
values key in the error.
Usage: {{ include "magento-common.images.image" (dict "context" $ "image" .Values.image "path" "image") }}
*/}}
{{- define "magento-common.images.image" -}}
{{- $ctx := .context -}}
{{- $img := .image -}}
{{- $repo := required (printf "%s.repository is required: set it to the image to run (see the image contract in the chart README)" .path) $img.repository -}}
{{- $registry := default (($ctx.Values.global).imageRegistry) $img.registry -}}
{{- $ref := $repo -}}
{{- if $registry -}}{{- $ref = printf "%s/%s" $registry $repo -}}{{- end -}}
{{- $tag := $img.tag | default $ctx.Chart.AppVersion | toString -}}
{{- if $tag -}}{{- $ref = printf "%s:%s" $ref $tag -}}{{- end -}}
{{- if $img.digest -}}{{- $ref = printf "%s@%s" $ref $img.digest -}}{{- end -}}
{{- $ref -}}
{{- end -}}

{{/*
magento-common.images.pullSecrets: the imagePullSecrets list of a pod from global.imagePullSecrets
(a list of Secret names); renders nothing when empty.
Usage: {{- include "magento-common.images.pullSecrets" $ | nindent 6 }}
*/}}
{{- define "magento-common.images.pullSecrets" -}}
{{- with (($.Values.global).imagePullSecrets) }}
imagePullSecrets:
{{- range . }}
  - name: {{ . | quote }}
{{- end }}
{{- end }}
{{- end -}}
