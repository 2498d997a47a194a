// Reports (一表通): template list, live reports, the generated form and its burden figures,
// admin-added templates. Server side: src/api/report_handlers.cpp, docs/reports.md.
import { request } from './api'

export interface ReportFilter {
  field: string
  op: string
  value?: string | string[]
}

export interface ReportColumn {
  code: string
  label_zh: string
  label_en: string
  group_zh: string
  group_en: string
  kind: 'count' | 'sum' | 'ratio'
  unit: string
  decimals: number
  filters?: ReportFilter[]
}

export interface ReportTemplate {
  code: string
  department: string
  department_label_zh?: string
  department_label_en?: string
  title_zh: string
  title_en: string
  subject: 'person' | 'household'
  rows: string
  built_in: boolean
  elements: string[]
  columns: ReportColumn[]
  toml?: string
}

export interface ReportRow {
  code: string
  name: string
  kind: string
  values: (number | null)[]
}

export interface Report {
  template: ReportTemplate
  scope: { code: string; name: string; kind: string }
  as_of: string
  generated_at: number
  seq: number
  rows: ReportRow[]
  total: ReportRow
}

export interface FormElementValue {
  code: string
  label_zh: string
  label_en: string
}

export interface GeneratedField {
  code: string
  label_zh: string
  label_en: string
  type: string
  core: boolean
  required: boolean
  templates: string[]
  values?: FormElementValue[]
}

export interface GeneratedForm {
  entity: string
  sections: { entity: string; group: string; label_zh: string; label_en: string; fields: GeneratedField[] }[]
  burden: {
    fields_once: number
    fields_separate: number
    fields_saved: number
    departments: number
    per_department: { department: string; label_zh: string; fields: number }[]
  }
}

export interface TemplateResult {
  template: ReportTemplate
  new_elements: { code: string; label_zh: string; label_en: string; type: string }[]
  dry_run: boolean
}

const enc = encodeURIComponent

export function reportUrl(code: string, scope: string, format: 'json' | 'xlsx' | 'csv'): string {
  return `/api/v1/reports/${enc(code)}?scope=${enc(scope)}&format=${format}`
}

export const reportsApi = {
  list: () => request<{ items: ReportTemplate[]; scope_code: string }>('GET', '/reports'),
  run: (code: string, scope: string, signal?: AbortSignal) =>
    request<Report>('GET', `/reports/${enc(code)}?scope=${enc(scope)}`, undefined, signal),
  template: (code: string) => request<ReportTemplate>('GET', `/report-templates/${enc(code)}`),
  addTemplate: (toml: string, dryRun: boolean) =>
    request<TemplateResult>('POST', `/report-templates${dryRun ? '?dry_run=1' : ''}`, { toml }),
  removeTemplate: (code: string) => request<void>('DELETE', `/report-templates/${enc(code)}`),
  form: (entity: 'household' | 'person') => request<GeneratedForm>('GET', `/forms/${entity}`),
}

/** A figure as shown: integers as is, decimals to the column's digits, null as "—". */
export function formatCell(v: number | null, col: ReportColumn): string {
  if (v === null || v === undefined) return '—'
  if (col.kind === 'count') return String(v)
  return v.toFixed(col.decimals)
}
