{{/*
magento-common.names.name: the chart name, or .Values.nameOverride; 63 characters at most.
Usage: {{ include "magento-common.names.name" $ }}
*/}}
{{- define "magento-common.names.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
magento-common.names.fullname: the prefix of every object name: .Values.fullnameOverride, else the
release name (when it already contains the chart name) or "<release>-<chart>"; 63 characters at most.
Usage: {{ include "magento-common.names.fullname" $ }}
*/}}
{{- define "magento-common.names.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
magento-common.names.component: "<fullname>-<component>", shortened so that the result (plus a
suffix of up to `reserve` characters, e.g. the 11 a CronJob adds to its Jobs) fits in 63 characters.
Usage: {{ include "magento-common.names.component" (dict "context" $ "component" "web" "reserve" 0) }}
*/}}
{{- define "magento-common.names.component" -}}
{{- $ctx := .context -}}
{{- $max := sub 63 (default 0 .reserve) | int -}}
{{- $full := include "magento-common.names.fullname" $ctx -}}
{{- $suffix := printf "-%s" .component -}}
{{- printf "%s%s" ($full | trunc (sub $max (len $suffix) | int) | trimSuffix "-") $suffix -}}
{{- end -}}

{{/*
magento-common.names.chart: "<chart>-<version>" for the helm.sh/chart label.
Usage: {{ include "magento-common.names.chart" $ }}
*/}}
{{- define "magento-common.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
magento-common.names.serviceAccount: the ServiceAccount the store's pods run as.
Usage: {{ include "magento-common.names.serviceAccount" $ }}
*/}}
{{- define "magento-common.names.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "magento-common.names.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}
