// Texts of the governance projects area (十百千项目), zh-CN first with English.
import { locale } from '../../i18n'

const zh: Record<string, string> = {
  'title': '“十百千”治理项目',
  'publicTitle': '“十百千”项目公示',
  'publicIntro': '市级十项、区级百项、街道（镇、苏木）千项治理项目的目标、节点和进展，接受群众监督。',
  'rollup': '项目汇总',
  'level': '层级',
  'lv.': '全部层级',
  'lv.city': '市级',
  'lv.district': '区级',
  'lv.street': '街道（镇、苏木）级',
  'status': '状态',
  'st.': '全部状态',
  'st.planned': '计划中',
  'st.under_way': '推进中',
  'st.stalled': '已停滞',
  'st.done': '已完成',
  'projects': '项目',
  'total': '合计',
  'msOnTime': '按期完成节点',
  'msLate': '逾期完成节点',
  'msOpen': '未完成节点',
  'msOverdue': '已超期节点',
  'unit': '单位',
  'own': '（本级）',
  'list': '项目列表',
  'owner': '责任单位',
  'projectTitle': '项目名称',
  'category': '类别',
  'cat.smart': '智慧治理',
  'cat.burden': '减负增效',
  'cat.party': '党建引领',
  'cat.enterprise': '企业服务',
  'cat.dialogue': '民情沟通',
  'cat.community': '社区品牌',
  'cat.volunteer': '志愿服务',
  'cat.safety': '平安建设',
  'cat.service': '便民服务',
  'goals': '目标',
  'start': '开始日期',
  'end': '计划完成',
  'published': '在公示页公开',
  'milestones': '节点',
  'milestone': '节点名称',
  'due': '截止日期',
  'completedOn': '完成日期',
  'ms.on_time': '按期完成',
  'ms.late': '逾期完成',
  'ms.open': '未到期',
  'ms.overdue': '已超期',
  'addMilestone': '添加节点',
  'remove': '删除',
  'indicators': '指标',
  'indicator': '指标名称',
  'indicatorUnit': '单位',
  'target': '目标值',
  'current': '当前值',
  'addIndicator': '添加指标',
  'create': '新建项目',
  'submit': '创建',
  'created': '已创建：{t}',
  'none': '暂无项目',
  'detail': '项目详情',
  'complete': '完成',
  'reopen': '重新打开',
  'reschedule': '改期',
  'report': '报送进展',
  'reportBody': '进展情况',
  'photos': '照片（最多4张）',
  'send': '报送',
  'reports': '进展报告',
  'noReports': '暂无进展报告',
  'markDone': '标记为已完成',
  'reopenProject': '重新打开项目',
  'publish': '公开',
  'unpublish': '取消公开',
  'notPublic': '未公开',
  'history': '变更记录',
  'a.create': '创建',
  'a.publish': '公开',
  'a.unpublish': '取消公开',
  'a.milestone_add': '添加节点',
  'a.milestone_due': '节点改期',
  'a.milestone_done': '节点完成',
  'a.milestone_reopen': '节点重开',
  'a.report': '报送进展',
  'a.done': '项目完成',
  'a.reopen': '项目重开',
  'progress': '节点进度',
  'overdueCount': '{n}个节点超期',
  'staffOnly': '只有工作人员可以新建和管理项目；您可以查看本辖区的项目。',
  'more': '更多',
  'close': '收起',
  'stalledHint': '有节点超过截止日期仍未完成',
}

const en: Record<string, string> = {
  'title': 'Governance projects (十百千)',
  'publicTitle': 'Governance projects: public accountability',
  'publicIntro': 'Goals, milestones and progress of the city’s ten, the districts’ hundred and the streets’ and towns’ thousand governance projects.',
  'rollup': 'Roll-up',
  'level': 'Level',
  'lv.': 'All levels',
  'lv.city': 'City',
  'lv.district': 'District',
  'lv.street': 'Street / town',
  'status': 'Status',
  'st.': 'Any status',
  'st.planned': 'planned',
  'st.under_way': 'under way',
  'st.stalled': 'stalled',
  'st.done': 'done',
  'projects': 'Projects',
  'total': 'Total',
  'msOnTime': 'Milestones on time',
  'msLate': 'Milestones late',
  'msOpen': 'Milestones open',
  'msOverdue': 'Milestones overdue',
  'unit': 'Unit',
  'own': ' (own)',
  'list': 'Projects',
  'owner': 'Owner',
  'projectTitle': 'Title',
  'category': 'Category',
  'cat.smart': 'Smart governance',
  'cat.burden': 'Lighter reporting',
  'cat.party': 'Party building',
  'cat.enterprise': 'Enterprise services',
  'cat.dialogue': 'Dialogue',
  'cat.community': 'Community brand',
  'cat.volunteer': 'Volunteering',
  'cat.safety': 'Safety',
  'cat.service': 'Services',
  'goals': 'Goals',
  'start': 'Start',
  'end': 'Planned end',
  'published': 'Show on the public page',
  'milestones': 'Milestones',
  'milestone': 'Milestone',
  'due': 'Due',
  'completedOn': 'Completed',
  'ms.on_time': 'on time',
  'ms.late': 'late',
  'ms.open': 'open',
  'ms.overdue': 'overdue',
  'addMilestone': 'Add milestone',
  'remove': 'Remove',
  'indicators': 'Indicators',
  'indicator': 'Indicator',
  'indicatorUnit': 'Unit',
  'target': 'Target',
  'current': 'Current',
  'addIndicator': 'Add indicator',
  'create': 'New project',
  'submit': 'Create',
  'created': 'Created: {t}',
  'none': 'No projects',
  'detail': 'Project',
  'complete': 'Complete',
  'reopen': 'Reopen',
  'reschedule': 'Reschedule',
  'report': 'Report progress',
  'reportBody': 'Progress',
  'photos': 'Photos (up to 4)',
  'send': 'Send',
  'reports': 'Progress reports',
  'noReports': 'No progress reports yet',
  'markDone': 'Mark done',
  'reopenProject': 'Reopen project',
  'publish': 'Publish',
  'unpublish': 'Unpublish',
  'notPublic': 'not public',
  'history': 'History',
  'a.create': 'created',
  'a.publish': 'published',
  'a.unpublish': 'unpublished',
  'a.milestone_add': 'milestone added',
  'a.milestone_due': 'milestone rescheduled',
  'a.milestone_done': 'milestone completed',
  'a.milestone_reopen': 'milestone reopened',
  'a.report': 'progress reported',
  'a.done': 'project done',
  'a.reopen': 'project reopened',
  'progress': 'Milestones',
  'overdueCount': '{n} overdue',
  'staffOnly': 'Only staff create and run projects; you can read your area’s projects.',
  'more': 'More',
  'close': 'Close',
  'stalledHint': 'a milestone is past its due date and not completed',
}

export function pt(key: string, params?: Record<string, string | number>): string {
  let s = (locale.value === 'en' ? en[key] : zh[key]) ?? zh[key] ?? key
  if (params) for (const [k, v] of Object.entries(params)) s = s.replace(`{${k}}`, String(v))
  return s
}

export const categories = ['smart', 'burden', 'party', 'enterprise', 'dialogue', 'community', 'volunteer', 'safety', 'service']
export const statuses = ['planned', 'under_way', 'stalled', 'done']
export const levels = ['city', 'district', 'street']

export interface Tally {
  projects: number
  planned: number
  under_way: number
  stalled: number
  done: number
  milestones_on_time: number
  milestones_late: number
  milestones_open: number
  milestones_overdue: number
}
export interface Rollup {
  under: string
  name: string
  today: string
  total: Tally
  by_level: Record<string, Tally>
  by_child: (Tally & { code: string; name: string; own: boolean })[]
}
export interface Project {
  id: number
  owner_code: string
  owner_name: string
  level: string
  title: string
  category: string
  goals: string
  start_date: string
  end_date: string
  done_on: string
  status: string
  milestones_total: number
  milestones_done: number
  milestones_overdue: number
  reports: number
  published?: boolean
}
export interface Milestone { id: number; title: string; due_date: string; completed_on: string; state: string }
export interface Indicator { id: number; name: string; unit: string; target: number; current: number }
export interface ProgressReport {
  id: number
  body: string
  values: { indicator_id: number; value: number }[]
  photos: { url: string; thumb_url: string }[]
  created_at: number
}
export interface ProjectDetail extends Project {
  today: string
  milestones: Milestone[]
  indicators: Indicator[]
  progress_reports: ProgressReport[]
  history?: { id: number; at: number; action: string; detail: string }[]
}
