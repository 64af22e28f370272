{{/*
magento-common.secrets.kept: a secret value the chart generates once and keeps across upgrades
(a store's crypt key): the block's `value`; else the one already stored under `key` in the
release's Secret `secret`; else a new random one of `length` characters. The result is remembered
in the block for the rest of the render (`_resolved`; `_generated` says whether it is new), so
every object that carries it agrees. A value that differs from the stored one is refused, naming
`path`: for a crypt key that would make the store's encrypted data unreadable.
Usage: {{ include "magento-common.secrets.kept" (dict "context" $ "block" .Values.magento.cryptKey "secret" $name "key" "crypt-key" "length" 32 "path" "magento.cryptKey.value" "rotate" "bin/magento encryption:key:change") }}
*/}}
{{- define "magento-common.secrets.kept" -}}
{{- $c := .block -}}
{{- if not (hasKey $c "_resolved") -}}
{{- $stored := "" -}}
{{- with (lookup "v1" "Secret" .context.Release.Namespace .secret) -}}
{{- $stored = index (default (dict) .data) $.key | default "" | b64dec -}}
{{- end -}}
{{- if and $c.value $stored (ne $c.value $stored) -}}
{{- fail (printf "%s differs from the key already stored in Secret %s: changing the crypt key makes encrypted data unreadable. Rotate it with %s instead, or leave %s empty to keep the stored key" .path .secret .rotate .path) -}}
{{- end -}}
{{- $_ := set $c "_generated" (not (or $c.value $stored)) -}}
{{- $_ := set $c "_resolved" (coalesce $c.value $stored (randAlphaNum (int .length))) -}}
{{- end -}}
{{- get $c "_resolved" -}}
{{- end -}}

{{/*
magento-common.secrets.keyRef: a valueFrom.secretKeyRef for one secret value: the block's
existingSecret and existingSecretKey when it names one, else the chart's Secret `secret` and `key`.
Usage: {{ include "magento-common.secrets.keyRef" (dict "block" .Values.magento.redis "secret" $envSecret "key" "redis-password") }}
*/}}
{{- define "magento-common.secrets.keyRef" -}}
secretKeyRef:
{{- if .block.existingSecret }}
  name: {{ .block.existingSecret }}
  key: {{ .block.existingSecretKey }}
{{- else }}
  name: {{ .secret }}
  key: {{ .key }}
{{- end }}
{{- end -}}
