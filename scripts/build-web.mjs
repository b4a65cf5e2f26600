// Builds the web apps into dist/web/:
//   dist/web/widget/  widget-<hash>.js (immutable), loader.js (served as /widget.js), manifest.json
//   dist/web/demo/    the demo landing page (index.html, favicon.svg, static/<name>-<hash>.<ext>)
//   dist/web/admin/   the admin panel (index.html, assets/<name>-<hash>.<ext>), served at /admin/
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const outRoot = path.join(root, 'dist', 'web');

/** Old bundles kept for pages whose cached loader still names them. */
const KEEP_OLD_BUNDLES = 3;

/** Writes a file under a temporary name and renames it, so a running server never sees half a file. */
async function writeAtomic(file, content) {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}

async function pruneOldBundles(dir, current) {
  const bundles = (await readdir(dir)).filter(
    (name) => /^widget-[0-9a-f]+\.js$/.test(name) && name !== current,
  );
  const dated = await Promise.all(
    bundles.map(async (name) => ({ name, time: (await stat(path.join(dir, name))).mtimeMs })),
  );
  dated.sort((a, b) => b.time - a.time);
  for (const { name } of dated.slice(KEEP_OLD_BUNDLES)) await rm(path.join(dir, name), { force: true });
}

function kb(bytes) {
  return (bytes / 1024).toFixed(1) + ' kB';
}

async function buildWidget() {
  const outDir = path.join(outRoot, 'widget');
  const result = await build({
    configFile: false,
    root: path.join(root, 'web', 'widget'),
    logLevel: 'warn',
    build: {
      write: false,
      target: 'es2020',
      minify: true,
      sourcemap: false,
      reportCompressedSize: false,
      lib: {
        entry: path.join(root, 'web', 'widget', 'src', 'main.ts'),
        formats: ['iife'],
        name: 'FrontdeskWidgetBundle',
        fileName: () => 'widget.js',
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  const chunk = outputs.find((item) => item.type === 'chunk' && item.isEntry);
  if (!chunk) throw new Error('The widget build produced no entry chunk.');
  const code = chunk.code;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 8);
  const fileName = `widget-${hash}.js`;

  const loader =
    '/* Frontdesk chat widget loader. Cache briefly; it loads the immutable bundle below. */\n' +
    '(function () {\n' +
    '  var s = document.currentScript;\n' +
    '  if (!s || window.FrontdeskWidget || document.querySelector("script[data-frontdesk-bundle]")) return;\n' +
    '  var e = document.createElement("script");\n' +
    `  e.src = new URL(${JSON.stringify('assets/' + fileName)}, s.src).href;\n` +
    '  e.async = true;\n' +
    '  if (s.nonce) e.nonce = s.nonce;\n' +
    '  e.setAttribute("data-frontdesk-bundle", "");\n' +
    '  e.setAttribute("data-frontdesk-url", s.getAttribute("data-frontdesk-url") || new URL(s.src).origin);\n' +
    '  var locale = s.getAttribute("data-locale");\n' +
    '  if (locale) e.setAttribute("data-locale", locale);\n' +
    '  (document.head || document.documentElement).appendChild(e);\n' +
    '})();\n';

  // The bundle first, then the loader and manifest that name it; older bundles stay for a while.
  await mkdir(outDir, { recursive: true });
  await writeAtomic(path.join(outDir, fileName), code);
  await writeAtomic(path.join(outDir, 'loader.js'), loader);
  await writeAtomic(
    path.join(outDir, 'manifest.json'),
    JSON.stringify({ 'widget.js': fileName }, null, 2) + '\n',
  );
  await pruneOldBundles(outDir, fileName);
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`widget: dist/web/widget/${fileName}  ${kb(code.length)}  (gzip ${kb(gzipped)})`);
  return { fileName, bytes: code.length, gzipped };
}

async function buildDemo() {
  const outDir = path.join(outRoot, 'demo');
  const nextDir = path.join(outRoot, `.demo-${process.pid}`);
  const oldDir = path.join(outRoot, `.demo-old-${process.pid}`);
  await rm(nextDir, { recursive: true, force: true });
  await build({
    configFile: false,
    root: path.join(root, 'web', 'demo'),
    base: '/',
    logLevel: 'warn',
    build: {
      outDir: nextDir,
      emptyOutDir: true,
      assetsDir: 'static',
      // No data: URIs, so the page works under a CSP without img-src data:.
      assetsInlineLimit: 0,
      cssCodeSplit: false,
      reportCompressedSize: false,
    },
  });
  // Swap the finished build in with two renames.
  await rm(oldDir, { recursive: true, force: true });
  await rename(outDir, oldDir).catch((error) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(nextDir, outDir);
  await rm(oldDir, { recursive: true, force: true });
  console.log('demo:   dist/web/demo/index.html');
}

async function buildAdmin() {
  const outDir = path.join(outRoot, 'admin');
  const nextDir = path.join(outRoot, `.admin-${process.pid}`);
  const oldDir = path.join(outRoot, `.admin-old-${process.pid}`);
  await rm(nextDir, { recursive: true, force: true });
  const result = await build({
    configFile: false,
    root: path.join(root, 'web', 'admin'),
    base: '/admin/',
    logLevel: 'warn',
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir: nextDir,
      emptyOutDir: true,
      assetsDir: 'assets',
      target: 'es2020',
      // No data: URIs and no inline script: the panel runs under the strict CSP.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      cssCodeSplit: false,
      reportCompressedSize: false,
    },
  });
  await rm(oldDir, { recursive: true, force: true });
  await rename(outDir, oldDir).catch((error) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(nextDir, outDir);
  await rm(oldDir, { recursive: true, force: true });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  let js = 0;
  let gzipped = 0;
  for (const item of outputs) {
    if (item.type !== 'chunk') continue;
    js += item.code.length;
    gzipped += gzipSync(item.code, { level: 9 }).length;
  }
  console.log(`admin:  dist/web/admin/index.html  JS ${kb(js)}  (gzip ${kb(gzipped)})`);
  return { gzipped };
}

const widget = await buildWidget();
await buildDemo();
const admin = await buildAdmin();
const adminLimit = 80 * 1024;
if (admin.gzipped > adminLimit) {
  console.error(
    `The admin panel's JavaScript is ${kb(admin.gzipped)} gzipped, over the ${kb(adminLimit)} budget.`,
  );
  process.exit(1);
}
const limit = 40 * 1024;
if (widget.gzipped > limit) {
  console.error(`The widget bundle is ${kb(widget.gzipped)} gzipped, over the ${kb(limit)} budget.`);
  process.exit(1);
}
