#!/usr/bin/env node
// Checks that scripts/install-deps.sh lists exactly what the project uses, so that a fresh
// Debian 12 machine running it can build, serve and test (issue 10). Run by the test command.
//
//   node scripts/check-deps.mjs [--root DIR] [--build DIR] [--deps FILE] [--verbose]
//
// What counts as "used", each resolved to the Debian package that owns it (dpkg -S):
//  - every find_package() and pkg_check_modules() in the CMake files: the config or .pc file
//    the configured build found (CMakeCache.txt), and the files those configs import;
//  - the compilers, CMake and Ninja the build runs; every system header a compiled object
//    includes (`ninja -t deps`); every library the built programs load (ldd);
//  - every program a shell script calls (scripts/, tests/, bench/, fuzz/, .ci/), every absolute
//    path a script or browser test names, and the sanitizer runtimes the fuzz build links.
// A used package must be installable from the list: listed, or pulled in by a listed package's
// Depends/Pre-Depends (install-deps.sh passes --no-install-recommends), or part of every Debian
// system (Essential / Priority required). A listed package must be used: directly, or as the
// only listed package that pulls a used one in. Node.js and npm come with the machine image.
// Exit 0 when both hold; 1 with one line per problem otherwise; 2 when the check cannot run.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
function opt(name, dflt) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
}
const ROOT = path.resolve(opt('--root', path.join(path.dirname(new URL(import.meta.url).pathname), '..')));
const BUILD = path.resolve(opt('--build', path.join(ROOT, 'build')));
const DEPS = path.resolve(opt('--deps', path.join(ROOT, 'scripts/install-deps.sh')));
const VERBOSE = args.includes('--verbose');
const IMAGE_PROGRAMS = new Set(['node', 'npm', 'npx']);

function die(msg) {
  console.error(`check-deps: ${msg}`);
  process.exit(2);
}
function run(cmd, argv, { allowFail = false } = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) die(`cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0 && !allowFail) die(`${cmd} ${argv.slice(0, 3).join(' ')} … failed: ${r.stderr.trim()}`);
  return r.stdout;
}
const rel = (p) => { const r = path.relative(ROOT, p); return !r ? '.' : r.startsWith('..') ? p : r; };

// ---- the list -----------------------------------------------------------------------------
function listedPackages(file) {
  const text = fs.readFileSync(file, 'utf8');
  const m = text.match(/^PACKAGES=\(([\s\S]*?)^\)/m);
  if (!m) die(`${file}: no PACKAGES=( … ) array`);
  const out = [];
  for (const line of m[1].split('\n')) {
    for (const word of line.replace(/#.*/, '').split(/\s+/)) if (word) out.push(word);
  }
  return out;
}

// ---- the dpkg database --------------------------------------------------------------------
// name -> {deps: [[alternatives]], provides: [], essential}
function installedPackages() {
  const fmt = '${Package}\\t${Status}\\t${Essential}\\t${Priority}\\t${Pre-Depends}, ${Depends}\\t${Provides}\\n';
  const db = new Map();
  const provided = new Map();
  for (const line of run('dpkg-query', ['-W', '-f', fmt]).split('\n')) {
    if (!line) continue;
    const [name, status, essential, priority, depends, provides] = line.split('\t');
    // Installed, also while dpkg is running a trigger (e.g. libc-bin's ldconfig) during an install.
    if (!/ ok (installed|triggers-pending|triggers-awaited)$/.test(status)) continue;
    const deps = depends.split(',').map((d) => d.trim()).filter(Boolean)
      .map((d) => d.split('|').map((a) => a.trim().split(/[\s:(]/)[0]).filter(Boolean));
    db.set(name, { deps, base: essential === 'yes' || priority === 'required' });
    for (const p of provides.split(',').map((s) => s.trim().split(/[\s(]/)[0]).filter(Boolean)) {
      if (!provided.has(p)) provided.set(p, []);
      provided.get(p).push(name);
    }
  }
  return { db, provided };
}
const { db, provided } = installedPackages();
function closure(roots) {
  const seen = new Set();
  const stack = [...roots];
  while (stack.length) {
    const p = stack.pop();
    if (seen.has(p) || !db.has(p)) continue;
    seen.add(p);
    for (const alts of db.get(p).deps) {
      // The first alternative that is installed (or provided by an installed package) is taken.
      for (const a of alts) {
        const real = db.has(a) ? [a] : (provided.get(a) || []);
        if (real.length) { stack.push(...real); break; }
      }
    }
  }
  return seen;
}

// path -> owning packages (dpkg -S), batched; merged-/usr aliases are tried both ways.
const ownerCache = new Map();
function owners(paths) {
  const want = [...new Set(paths)].filter((p) => !ownerCache.has(p));
  const variants = [];
  for (const p of want) {
    let real = p;
    try { real = fs.realpathSync(p); } catch { /* keep */ }
    const set = new Set([p, real]);
    for (const q of [p, real]) {
      if (q.startsWith('/usr/lib/') || q.startsWith('/usr/bin/') || q.startsWith('/usr/sbin/')) set.add(q.slice(4));
      if (/^\/(lib|lib64|bin|sbin)\//.test(q)) set.add('/usr' + q);
    }
    variants.push([p, [...set]]);
    ownerCache.set(p, new Set());
  }
  const all = [...new Set(variants.flatMap(([, v]) => v))];
  const found = new Map();
  for (let i = 0; i < all.length; i += 500) {
    const out = run('dpkg', ['-S', ...all.slice(i, i + 500)], { allowFail: true });
    for (const line of out.split('\n')) {
      const m = line.match(/^(.+?): (\/.*)$/);
      if (!m || m[1].startsWith('diversion by')) continue;
      const pkgs = m[1].split(',').map((s) => s.trim().replace(/:.*$/, ''));
      found.set(m[2], pkgs);
    }
  }
  for (const [p, vs] of variants) for (const v of vs) for (const pkg of found.get(v) || []) ownerCache.get(p).add(pkg);
  return paths.map((p) => ownerCache.get(p));
}

// ---- what is used -------------------------------------------------------------------------
// Each need: {what, where, path?} — a path to resolve, or an unresolvable program/package name.
const needs = [];
const problems = [];
const need = (what, where, p) => needs.push({ what, where, path: p });

function walk(dir, pred, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || e.name.startsWith('.git') || /^build/.test(e.name) ||
          e.name === 'data-dir' || e.name === 'dist' || e.name === 'test-results') continue;
      walk(p, pred, out);
    }
    else if (pred(p)) out.push(p);
  }
  return out;
}

// CMake: what the build found for each find_package / pkg_check_modules of the tree.
const cacheFile = path.join(BUILD, 'CMakeCache.txt');
if (!fs.existsSync(cacheFile)) die(`${cacheFile} is missing: configure the build first (scripts/build.sh)`);
const cache = new Map();
for (const line of fs.readFileSync(cacheFile, 'utf8').split('\n')) {
  const m = line.match(/^([^#/][^:=]*):([A-Z]+)=(.*)$/);
  if (m) cache.set(m[1], { type: m[2], value: m[3] });
}
const cmakeFiles = walk(ROOT, (p) => /(^|\/)CMakeLists\.txt$|\.cmake$/.test(p));
const SKIP_FIND = new Set(['threads']);
function configFileIn(dir) {
  try {
    const f = fs.readdirSync(dir).find((n) => /config\.cmake$/i.test(n));
    return f ? path.join(dir, f) : null;
  } catch { return null; }
}
function systemConfigFor(name) {
  // Where CMake's config mode would look on Debian, for a package the build did not find.
  const roots = ['/usr/lib/x86_64-linux-gnu/cmake', '/usr/lib/cmake', '/usr/share/cmake', '/usr/share'];
  for (const r of roots) {
    let entries = [];
    try { entries = fs.readdirSync(r); } catch { continue; }
    for (const e of entries) {
      if (e.toLowerCase().replace(/-[\d.]+$/, '') !== name.toLowerCase()) continue;
      for (const d of [path.join(r, e), path.join(r, e, 'cmake')]) {
        const f = configFileIn(d);
        if (f) return f;
      }
    }
  }
  return null;
}
const importedFiles = (configFile) => {
  // Files the config's imported targets point at ("${_IMPORT_PREFIX}/lib/…/libgmock.a").
  const out = [];
  const dir = path.dirname(configFile);
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.cmake'))) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const m of text.matchAll(/"\$\{_IMPORT_PREFIX\}(\/[^"$;]+)"/g)) {
      const p = '/usr' + m[1];
      try { if (fs.statSync(p).isFile()) out.push(p); } catch { /* optional component */ }
    }
  }
  return out;
};
for (const f of cmakeFiles) {
  const text = fs.readFileSync(f, 'utf8').replace(/#.*/g, '');
  text.split('\n').forEach((line, i) => {
    const where = `${rel(f)}:${i + 1}`;
    for (const m of line.matchAll(/\bfind_package\(\s*([A-Za-z0-9_]+)/g)) {
      const name = m[1];
      if (SKIP_FIND.has(name.toLowerCase())) continue;
      const keys = [...cache.keys()].filter((k) => k.toLowerCase().startsWith(name.toLowerCase() + '_'));
      const dirEntry = cache.get(`${name}_DIR`);
      let files = [];
      if (dirEntry && !dirEntry.value.endsWith('NOTFOUND')) {
        const cf = configFileIn(dirEntry.value);
        if (cf) files = [cf, ...importedFiles(cf)];
      }
      if (!files.length) {  // module mode: the library and program paths it found
        files = keys.map((k) => cache.get(k)).filter((e) => ['FILEPATH', 'PATH'].includes(e.type))
          .map((e) => e.value).filter((v) => v.startsWith('/') && fs.existsSync(v) && fs.statSync(v).isFile());
      }
      if (name === 'PkgConfig' && cache.get('PKG_CONFIG_EXECUTABLE')) files = [cache.get('PKG_CONFIG_EXECUTABLE').value];
      if (!files.length) {
        const sys = systemConfigFor(name);
        if (sys) files = [sys];
      }
      if (!files.length) {
        problems.push(`CMake asks for '${name}' (${where}), but neither the build in ${rel(BUILD)} nor this ` +
          `machine has it: no installed Debian package provides it. Remove it if no code uses it, ` +
          `or add its package to ${rel(DEPS)}.`);
        continue;
      }
      for (const p of files) need(`CMake package ${name}`, where, p);
    }
    for (const m of line.matchAll(/\bpkg_check_modules\(\s*([A-Za-z0-9_]+)([^)]*)\)/g)) {
      const mods = m[2].split(/\s+/).filter((w) => w && !/^[A-Z_]+$/.test(w)).map((w) => w.split(/[<>=]/)[0]);
      for (const mod of mods) {
        const pc = run('pkg-config', ['--path', mod], { allowFail: true }).trim();
        if (!pc) {
          problems.push(`CMake asks pkg-config for '${mod}' (${where}), which no installed package provides: ` +
            `add its -dev package to ${rel(DEPS)} or remove the check.`);
        } else need(`pkg-config module ${mod}`, where, pc);
      }
    }
  });
}
for (const key of ['CMAKE_CXX_COMPILER', 'CMAKE_C_COMPILER', 'CMAKE_MAKE_PROGRAM', 'CMAKE_COMMAND',
                   'CMAKE_CXX_COMPILER_LAUNCHER', 'CMAKE_C_COMPILER_LAUNCHER']) {
  const e = cache.get(key);
  if (!e || !e.value) continue;
  const p = e.value.startsWith('/') ? e.value : which(e.value);
  if (p) need(`build tool ${key}`, rel(cacheFile), p);
}

// Headers every object includes, and the static and shared libraries the build links.
if (fs.existsSync(path.join(BUILD, 'build.ninja'))) {
  const deps = run('ninja', ['-C', BUILD, '-t', 'deps']);
  const headers = new Set();
  for (const line of deps.split('\n')) {
    const h = line.trim();
    if (h.startsWith('/usr/')) headers.add(h);
  }
  for (const h of headers) need('header', 'compiled sources (ninja -t deps)', h);
  const ninja = fs.readFileSync(path.join(BUILD, 'build.ninja'), 'utf8');
  for (const m of ninja.matchAll(/^\s*LINK_LIBRARIES = (.*)$/gm)) {
    for (const w of m[1].split(/\s+/)) if (/^\/usr\/.*\.(a|so[.\d]*)$/.test(w)) need('linked library', 'build.ninja', w);
  }
}
const binaries = walk(BUILD, (p) => {
  try {
    const st = fs.statSync(p);
    if (!st.isFile() || !(st.mode & 0o111) || st.size < 4096) return false;
    const fd = fs.openSync(p, 'r'); const b = Buffer.alloc(4); fs.readSync(fd, b, 0, 4, 0); fs.closeSync(fd);
    return b.toString('latin1') === '\x7fELF';
  } catch { return false; }
}).filter((p) => !p.includes('/CMakeFiles/'));
if (!binaries.some((b) => b.endsWith('/citygrid'))) die(`no built citygrid binary under ${BUILD}: build it first`);
for (const bin of binaries) {
  for (const line of run('ldd', [bin], { allowFail: true }).split('\n')) {
    const m = line.match(/=> (\/\S+)/) || line.match(/^\s*(\/\S+) \(/);
    if (m) need('shared library', `ldd ${rel(bin)}`, m[1]);
  }
}

// Programs the scripts call and absolute paths scripts and browser tests name.
function which(name) {
  for (const d of (process.env.PATH || '/usr/bin:/bin').split(':')) {
    const p = path.join(d, name);
    try { fs.accessSync(p, fs.constants.X_OK); if (fs.statSync(p).isFile()) return p; } catch { /* next */ }
  }
  return null;
}
const BUILTINS = new Set(('alias bg bind break builtin caller case cd command compgen complete continue ' +
  'declare dirs disown do done echo elif else enable esac eval exec exit export false fc fg fi for function ' +
  'getopts hash help history if in jobs kill let local logout mapfile popd printf pushd pwd read readarray ' +
  'readonly return select set shift shopt source suspend test then time times trap true type typeset ulimit ' +
  'umask unalias unset until wait while [ [[ ] ]] { } ! . : coproc').split(' '));
const WRAPPERS = new Set(['exec', 'command', 'nohup', 'env', 'time', 'nice', 'ionice', 'setsid', 'stdbuf', 'xargs',
  'sudo', 'timeout', 'runuser', 'taskset', 'flock', 'unbuffer', 'then', 'do', 'else', 'elif', 'if', 'while',
  'until', '!', '{', 'time']);
const scriptFiles = [
  ...walk(ROOT, (p) => /\.(sh|bash)$/.test(p)),
  ...['.ci/run'].map((p) => path.join(ROOT, p)).filter((p) => fs.existsSync(p)),
];
const testFiles = walk(path.join(ROOT, 'tests'), (p) => /\.(mjs|js|ts)$/.test(p));
const functions = new Set();
for (const f of scriptFiles) {
  for (const m of fs.readFileSync(f, 'utf8').matchAll(/^\s*(?:function\s+)?([A-Za-z_][\w-]*)\s*\(\)\s*\{?/gm)) functions.add(m[1]);
}
// Splits a shell script into simple commands: [{line, words}] with quotes removed, comments,
// here-documents and array literals skipped, and $( … ) and `…` bodies as commands of their own.
function shellCommands(text) {
  const cmds = [];
  const stack = [];  // open commands: {line, words, word, closer}
  let cur = { line: 1, words: [], word: null, closer: null };
  let line = 1;
  let heredocs = [];
  const endWord = () => { if (cur.word !== null) { cur.words.push(cur.word); cur.word = null; } };
  const endCmd = () => { endWord(); if (cur.words.length) cmds.push({ line: cur.line, words: cur.words }); cur.words = []; cur.line = line; };
  const open = (closer) => { stack.push(cur); cur = { line, words: [], word: null, closer }; };
  const close = () => { endCmd(); const outer = stack.pop(); cur = outer; cur.word = (cur.word ?? '') + '$SUB'; };
  const add = (c) => { if (cur.word === null) cur.word = ''; cur.word += c; };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      endCmd(); line += 1; cur.line = line; i += 1;
      for (const tag of heredocs) {  // skip each here-document body up to its tag
        while (i < n) {
          const eol = text.indexOf('\n', i) < 0 ? n : text.indexOf('\n', i);
          const body = text.slice(i, eol).trim();
          i = eol + 1; line += 1;
          if (body === tag) break;
        }
      }
      heredocs = [];
      continue;
    }
    if (c === '\\' && text[i + 1] === '\n') { i += 2; line += 1; continue; }
    if (c === '\\') { add(text[i + 1] ?? ''); i += 2; continue; }
    if (c === '#' && cur.word === null) { while (i < n && text[i] !== '\n') i += 1; continue; }
    if (c === "'") { const j = text.indexOf("'", i + 1); const s = text.slice(i + 1, j < 0 ? n : j); line += (s.match(/\n/g) || []).length; add(s.replace(/\n/g, ' ')); i = j < 0 ? n : j + 1; continue; }
    if (c === '"') {
      // Double quotes: literal text, except $( … ) which is a command of its own.
      if (cur.word === null) cur.word = '';
      i += 1;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\') { cur.word += text[i + 1] ?? ''; i += 2; continue; }
        if (text[i] === '\n') line += 1;
        if (text[i] === '$' && text[i + 1] === '(' && text[i + 2] !== '(') {
          let depth = 1; let j = i + 2;
          while (j < n && depth) { if (text[j] === '(') depth += 1; else if (text[j] === ')') depth -= 1; j += 1; }
          for (const sub of shellCommands(text.slice(i + 2, j - 1))) cmds.push({ line: line + sub.line - 1, words: sub.words });
          cur.word += '$SUB'; i = j; continue;
        }
        cur.word += text[i]; i += 1;
      }
      i += 1;
      continue;
    }
    if (c === '$' && text[i + 1] === '(' && text[i + 2] === '(') {  // arithmetic
      let depth = 0; let j = i + 1;
      do { if (text[j] === '(') depth += 1; else if (text[j] === ')') depth -= 1; j += 1; } while (j < n && depth);
      add('$ARITH'); i = j; continue;
    }
    if (c === '$' && text[i + 1] === '{') { const j = text.indexOf('}', i); add(text.slice(i, j + 1)); i = j + 1; continue; }
    if (c === '$' && text[i + 1] === '(') { open(')'); i += 2; continue; }
    if (c === '`') { if (cur.closer === '`') close(); else open('`'); i += 1; continue; }
    if (c === ')' && cur.closer === ')') { close(); i += 1; continue; }
    if (c === '(' && cur.word !== null && cur.word.endsWith('=')) {  // array literal: skip it
      let depth = 1; let j = i + 1;
      while (j < n && depth) { if (text[j] === '(') depth += 1; else if (text[j] === ')') depth -= 1; else if (text[j] === '\n') line += 1; j += 1; }
      add('$ARRAY'); i = j; continue;
    }
    if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
      const m = text.slice(i).match(/^<<-?\s*(['"]?)(\w+)\1/);
      if (m) { heredocs.push(m[2]); endWord(); i += m[0].length; continue; }
    }
    if (c === '&' && /[<>]$/.test(cur.word ?? '')) { add(c); i += 1; continue; }
    if (c === ';' || c === '|' || c === '&' || c === '(' || c === ')' || c === '{' && cur.word === null) { endCmd(); i += 1; continue; }
    if (c === ' ' || c === '\t') { endWord(); i += 1; continue; }
    add(c); i += 1;
  }
  endCmd();
  while (stack.length) { cur = stack.pop(); endCmd(); }
  return cmds;
}
function expand(word, vars) {
  return word.replace(/\$\{(\w+)(:-[^}]*)?\}|\$(\w+)/g, (all, a, dflt, b) => {
    const v = vars.get(a || b);
    if (v !== undefined) return v;
    return dflt ? dflt.slice(2) : all;
  });
}
// Debian's locations first (what a fresh machine needs), then the caller's PATH.
function systemWhich(name) {
  for (const d of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    const p = path.join(d, name);
    try { fs.accessSync(p, fs.constants.X_OK); return p; } catch { /* next */ }
  }
  return which(name);
}
function needProgram(prog, where) {
  if (!prog || BUILTINS.has(prog) || functions.has(prog) || IMAGE_PROGRAMS.has(prog)) return;
  if (/[$*?<>={}\[\]]/.test(prog) || /^[-\d]/.test(prog) || prog.startsWith('.')) return;
  if (prog.includes('/')) {
    if (!prog.startsWith('/') || prog.startsWith(ROOT) || prog.startsWith('/tmp') || prog.startsWith('/usr/local/')) return;
    if (fs.existsSync(prog)) need(`program ${prog}`, where, prog);
    else if (/^\/(usr|bin|sbin)\//.test(prog)) problems.push(`${where} runs ${prog}, which does not exist here: add the package that provides it to ${rel(DEPS)}.`);
    return;
  }
  if (!/^[a-z][\w.+-]*$/.test(prog)) return;
  const found = systemWhich(prog);
  if (found) need(`program ${prog}`, where, found);
  else problems.push(`${where} calls '${prog}', which no installed package provides: add its package to ${rel(DEPS)}.`);
}
if (opt('--dump', null)) {  // debugging aid: the simple commands the scanner sees in one script
  for (const c of shellCommands(fs.readFileSync(opt('--dump'), 'utf8'))) console.log(c.line, JSON.stringify(c.words));
  process.exit(0);
}
for (const f of scriptFiles) {
  const text = fs.readFileSync(f, 'utf8');
  const vars = new Map();
  for (const { line, words } of shellCommands(text)) {
    const where = `${rel(f)}:${line}`;
    let i = 0;
    for (; i < words.length; i += 1) {  // assignments before the program are remembered
      const m = words[i].match(/^(\w+)=(.*)$/);
      if (!m) break;
      const d = m[2].match(/^\$\{\w+:-([^}$]*)\}$/);
      vars.set(m[1], d ? d[1] : m[2]);
    }
    for (const w of words) {  // absolute paths named anywhere
      for (const m of expand(w, vars).matchAll(/(?:^|[=:])(\/(?:usr|bin|sbin|lib|etc)\/[\w.+\/-]+)/g)) {
        const p = m[1].replace(/\/+$/, '');
        if (fs.existsSync(p)) need('path', where, p);
      }
    }
    while (i < words.length) {
      const w = words[i];
      if (w === 'local' || w === 'export' || w === 'declare' || w === 'readonly') { i = words.length; break; }
      if (w === 'command' && words[i + 1] === '-v') { needProgram(words[i + 2], where); i = words.length; break; }
      if (!WRAPPERS.has(w)) break;
      i += 1;
      while (i < words.length && /^-/.test(words[i]) && words[i] !== '--') { if (/^-(u|n|s|k|g|c|I|P|L)$/.test(words[i])) i += 1; i += 1; }
      if (w === 'timeout' && /^[\d.]+[smhd]?$/.test(words[i] || '')) i += 1;
      if (words[i] === '--') i += 1;
      while (i < words.length && /^\w+=/.test(words[i])) i += 1;  // env X=y prog
    }
    if (i < words.length) needProgram(expand(words[i], vars), where);
  }
}
for (const f of testFiles) {
  fs.readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/['"`](\/(?:usr|bin|etc)\/[\w.+\/-]+)['"`]/g)) {
      if (fs.existsSync(m[1])) need('path', `${rel(f)}:${i + 1}`, m[1]);
      else problems.push(`${rel(f)}:${i + 1} names ${m[1]}, which does not exist here: add the package that provides it to ${rel(DEPS)}.`);
    }
  });
}
// The sanitizer runtimes clang links into the fuzz harnesses.
for (const f of scriptFiles) {
  const m = fs.readFileSync(f, 'utf8').match(/-fsanitize=([\w,]+)/);
  const clang = which('clang++');
  if (!m || !clang || !m[1].includes('fuzzer')) continue;
  const r = spawnSync(clang, ['-###', `-fsanitize=${m[1]}`, '-x', 'c++', '/dev/null', '-o', '/dev/null'], { encoding: 'utf8' });
  for (const w of (r.stderr || '').matchAll(/"(\/usr\/[^"]+\.a)"/g)) if (fs.existsSync(w[1])) need('sanitizer runtime', rel(f), w[1]);
}

function isDirectory(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

// ---- verdict --------------------------------------------------------------------------------
const listed = listedPackages(DEPS);
for (const p of listed) {
  if (!db.has(p)) problems.push(`${rel(DEPS)} lists '${p}', which is not installed: run bash scripts/install-deps.sh (or remove it from the list).`);
}
const base = closure([...db.keys()].filter((p) => db.get(p).base));
const listedSet = new Set(listed.filter((p) => db.has(p)));
const fullCover = closure(listedSet);
const ownersOf = owners(needs.map((n) => n.path));
const directlyUsed = new Map();    // package -> first need that names it
const neededPkgs = new Map();      // package -> first need
needs.forEach((n, i) => {
  const pkgs = [...ownersOf[i]];
  if (!pkgs.length) {
    if (!n.path.startsWith('/usr/local/') && !n.path.startsWith('/etc/') && VERBOSE) console.error(`check-deps: no package owns ${n.path} (${n.what}, ${n.where})`);
    return;
  }
  // A path shared by several packages (a directory) is satisfied by any of them.
  const ok = pkgs.some((p) => fullCover.has(p) || base.has(p));
  if (!ok) {
    problems.push(`${n.what} (${n.where}) needs ${n.path}, from Debian package '${pkgs.join("' or '")}', ` +
      `which ${rel(DEPS)} does not install: add it to PACKAGES.`);
  }
  // A directory (PATH=/usr/bin:...) is shipped by hundreds of packages: naming it uses none of them.
  if (pkgs.length > 1 && isDirectory(n.path)) return;
  for (const p of pkgs) {
    if (!directlyUsed.has(p)) directlyUsed.set(p, n);
    if (!neededPkgs.has(p)) neededPkgs.set(p, n);
  }
});
for (const p of listedSet) {
  if (directlyUsed.has(p)) continue;
  const others = closure([...listedSet].filter((q) => q !== p));
  const unique = [...closure([p])].filter((q) => neededPkgs.has(q) && !others.has(q) && !base.has(q));
  if (unique.length) continue;
  problems.push(`${rel(DEPS)} lists '${p}', but nothing in the build, the programs or the scripts uses it ` +
    `(nor anything only it installs): remove it.`);
}
const uniqProblems = [...new Set(problems)];
if (VERBOSE) {
  for (const [p, n] of [...directlyUsed].sort()) if (listedSet.has(p)) console.log(`used: ${p} <- ${n.what} (${n.where})`);
}
if (uniqProblems.length) {
  for (const p of uniqProblems) console.log(`missing or unused: ${p}`);
  console.log(`check-deps: ${uniqProblems.length} problem(s); ${needs.length} needs checked, ${listed.length} packages listed`);
  process.exit(1);
}
console.log(`check-deps: ok — ${needs.length} needs (${new Set([...directlyUsed.keys()]).size} packages) all installable from ` +
  `${listed.length} listed packages, each of them used`);
