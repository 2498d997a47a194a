// Minimal i18n: zh-CN first, English as the alternative. The choice is kept
// in localStorage and reflected on <html lang>.
import { ref, watch } from 'vue'
import { casesEn, casesZh } from './i18n-cases'
import { importsEn, importsZh } from './i18n-imports'

export type Locale = 'zh-CN' | 'en'
const STORAGE_KEY = 'citygrid.locale'

const zh = {
  'app.title': '城市网格治理平台',
  'app.city': '包头市',
  'login.title': '登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.submitting': '正在登录…',
  'login.required': '请输入用户名和密码',
  'login.rateLimited': '尝试次数过多，请稍后再试',
  'login.network': '无法连接服务器',
  'header.user': '用户',
  'header.role': '角色',
  'header.scope': '管辖范围',
  'header.logout': '退出登录',
  'header.language': '语言',
  'tree.title': '组织架构',
  'tree.loading': '加载中…',
  'tree.more': '加载更多（{n} 项未显示）',
  'tree.empty': '无下级',
  'tree.expand': '展开',
  'tree.collapse': '收起',
  'unit.code': '编码',
  'unit.kind': '类型',
  'unit.children': '下级数量',
  'unit.grids': '网格数量',
  'unit.features': '地图要素',
  'unit.open': '进入',
  'map.loading': '正在加载地图数据…',
  'map.empty': '该单位暂无地图数据',
  'map.legend.grids': '网格（按社区着色）',
  'map.legend.children': '下级单位',
  'panel.title': '网格信息',
  'panel.unitTitle': '单位信息',
  'panel.areaTitle': '区域信息',
  'panel.hint': '点击地图上的网格查看详情',
  'panel.hintChildren': '点击地图上的区域查看详情',
  'grid.code': '网格编码',
  'grid.name': '网格名称',
  'grid.community': '所属社区',
  'grid.street': '所属街道',
  'common.close': '关闭',
  'common.error': '出错了',
  'common.retry': '重试',
  'notfound': '页面不存在',
  'kind.city': '市',
  'kind.district': '区/旗/县',
  'kind.street': '街道',
  'kind.town': '镇/苏木',
  'kind.community': '社区',
  'kind.village': '村/嘎查',
  'kind.grid': '网格',
  'role.admin': '系统管理员',
  'role.staff': '工作人员',
  'role.grid_worker': '网格员',
  'role.analyst': '数据分析员',
  'role.resident': '居民',
  'role.reporter': '兼职网格员',
  'common.yes': '是',
  'common.no': '否',
}

type Key = keyof typeof zh

const en: Record<Key, string> = {
  'app.title': 'City Grid Governance',
  'app.city': 'Baotou',
  'login.title': 'Sign in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.required': 'Enter your username and password',
  'login.rateLimited': 'Too many attempts, please try again later',
  'login.network': 'Cannot reach the server',
  'header.user': 'User',
  'header.role': 'Role',
  'header.scope': 'Scope',
  'header.logout': 'Sign out',
  'header.language': 'Language',
  'tree.title': 'Organisation',
  'tree.loading': 'Loading…',
  'tree.more': 'Load more ({n} not shown)',
  'tree.empty': 'No sub-units',
  'tree.expand': 'Expand',
  'tree.collapse': 'Collapse',
  'unit.code': 'Code',
  'unit.kind': 'Kind',
  'unit.children': 'Sub-units',
  'unit.grids': 'Grids',
  'unit.features': 'Map features',
  'unit.open': 'Open',
  'map.loading': 'Loading map data…',
  'map.empty': 'No map data for this unit',
  'map.legend.grids': 'Grids (coloured by community)',
  'map.legend.children': 'Sub-units',
  'panel.title': 'Grid details',
  'panel.unitTitle': 'Unit details',
  'panel.areaTitle': 'Area details',
  'panel.hint': 'Click a grid on the map to see its details',
  'panel.hintChildren': 'Click an area on the map to see its details',
  'grid.code': 'Grid code',
  'grid.name': 'Grid name',
  'grid.community': 'Community',
  'grid.street': 'Street',
  'common.close': 'Close',
  'common.error': 'Error',
  'common.retry': 'Retry',
  'notfound': 'Page not found',
  'kind.city': 'City',
  'kind.district': 'District/County',
  'kind.street': 'Street',
  'kind.town': 'Town',
  'kind.community': 'Community',
  'kind.village': 'Village',
  'kind.grid': 'Grid',
  'role.admin': 'Administrator',
  'role.staff': 'Staff',
  'role.grid_worker': 'Grid worker',
  'role.analyst': 'Analyst',
  'role.resident': 'Resident',
  'role.reporter': 'Part-time reporter',
  'common.yes': 'Yes',
  'common.no': 'No',
}

const dictionaries: Record<Locale, Record<string, string>> = {
  'zh-CN': { ...zh, ...casesZh, ...importsZh },
  en: { ...en, ...casesEn, ...importsEn },
}

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (saved === 'zh-CN' || saved === 'en') return saved
  } catch {
    /* storage unavailable */
  }
  return 'zh-CN'
}

export const locale = ref<Locale>(initialLocale())

function apply(l: Locale): void {
  document.documentElement.lang = l
  document.title = `${dictionaries[l]['app.title']} · citygrid`
}
apply(locale.value)

watch(locale, (l) => {
  try {
    localStorage.setItem(STORAGE_KEY, l)
  } catch {
    /* ignore */
  }
  apply(l)
})

export function setLocale(l: Locale): void {
  locale.value = l
}

/** Translate; unknown keys fall back to the key itself. `{n}` placeholders are filled from params. */
export function t(key: string, params?: Record<string, string | number>): string {
  const dict = dictionaries[locale.value] as Record<string, string>
  let s = dict[key] ?? dictionaries['zh-CN'][key] ?? key
  if (params) for (const [k, v] of Object.entries(params)) s = s.replace(`{${k}}`, String(v))
  return s
}

export const kindLabel = (k: string): string => t(`kind.${k}`)
export const roleLabel = (r: string): string => t(`role.${r}`)
