// Remote stores through the real UI: a moto S3 endpoint (started and seeded here from test/fixtures/runnable/s3-minio)
// behind a minio config, the remote root (cloud icon) lists argo-train-7731, a right-click "Pull Run to Local Sandbox"
// copies it, and a "Sandbox" root (sandbox.yaml · file-system) appears listing the run.
// The pull writes `.runnable-sandbox/` into the workspace, so the workbench is reopened on a temporary copy of
// examples/ holding the fixture's configs with the endpoint pointed at moto (examples/ itself is never written).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ROOT, workbenchUrl } from '../../scripts/cs-lib.mjs';

// The moto helpers the integration tier uses (compiled by `npm run compile-tests`, which test-vscode.sh runs first).
const { startMoto, s3Client, seedFixture, writeConfigs } = createRequire(import.meta.url)(path.join(ROOT, 'out', 'test', 'helpers', 'moto.js'));

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The visible tree rows in order, as { level, label }: the DOM list is flat, nesting is aria-level. */
async function rows(pane) {
  return pane.getByRole('treeitem').evaluateAll((els) => els.map((el) => ({
    level: Number(el.getAttribute('aria-level')),
    label: (el.querySelector('.label-name')?.textContent ?? '').trim(),
  })));
}

/** Labels of the rows directly under the root whose label is `root`. */
function childrenOf(list, root) {
  const i = list.findIndex((r) => r.level === 1 && r.label === root);
  if (i < 0) return undefined;
  const out = [];
  for (const r of list.slice(i + 1)) {
    if (r.level <= 1) break;
    if (r.level === 2) out.push(r.label);
  }
  return out;
}

export default async function ({ page, cs, workspace, screenshot, ui }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-remote-ui-'));
  let moto;
  try {
    moto = await startMoto();
    await seedFixture(s3Client(moto.endpoint));
    fs.cpSync(workspace, tmp, { recursive: true, filter: (src) => !/[/\\]\.(vscode|runnable-sandbox)(?:$|[/\\])/.test(src) });
    await writeConfigs(path.join(tmp, 'configs'), moto.endpoint);

    await page.goto(workbenchUrl(cs, { folder: tmp }));
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'prod-minio.yaml' }).first().waitFor({ timeout: 60_000 }).catch(() => {
      /* configs/ may be collapsed in the file explorer: the Runs view below is what is checked */
    });
    const pane = await ui.openRunnable();
    // A wider side bar, so the screenshots show the store locations and run descriptions untruncated.
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    if (sidebar) {
      const y = sidebar.y + sidebar.height / 2;
      await page.mouse.move(sidebar.x + sidebar.width - 1, y);
      await page.mouse.down();
      await page.mouse.move(sidebar.x + sidebar.width + 300, y, { steps: 5 });
      await page.mouse.up();
    }
    const row = (label) => pane.getByRole('treeitem', { name: new RegExp(`^${escape(label)}`) }).first();

    // The remote roots, with the cloud icon, list their runs from moto.
    const minioRoot = row('prod-minio.yaml · minio');
    await minioRoot.waitFor({ state: 'visible', timeout: 60_000 });
    await row('prod-chunked-minio.yaml · chunked-minio').waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await minioRoot.locator('.codicon-cloud').count(), 1, 'the minio root has the cloud icon');
    const run = pane.locator('.monaco-list-row[aria-level="2"]', { hasText: /^\s*argo-train-7731/ }).first();
    await run.waitFor({ state: 'visible', timeout: 60_000 });
    await page.waitForFunction((el) => el.textContent.includes('✗ deploy'), await run.elementHandle(), { timeout: 30_000 });
    await page.waitForFunction(() => [...document.querySelectorAll('.monaco-list-row[aria-level="2"]')].some((r) => r.textContent.includes('argo-train-7732')), undefined, { timeout: 60_000 });
    let list = await rows(pane);
    assert.deepEqual(childrenOf(list, 'prod-minio.yaml · minio'), ['argo-train-7731'], JSON.stringify(list));
    assert.deepEqual(childrenOf(list, 'prod-chunked-minio.yaml · chunked-minio'), ['argo-train-7732'], JSON.stringify(list));
    assert.equal(childrenOf(list, 'sandbox.yaml · file-system'), undefined, 'no sandbox root before the pull');
    await screenshot('remote-roots');

    // Right-click the failed remote run: "Pull Run to Local Sandbox".
    await ui.contextMenu(run, /^Pull Run to Local Sandbox$/, () => screenshot('context-menu'));

    // The Sandbox root appears with the pulled run; the files are in the workspace copy's .runnable-sandbox/.
    const sandboxRoot = row('sandbox.yaml · file-system');
    await sandboxRoot.waitFor({ state: 'visible', timeout: 90_000 });
    await page.waitForFunction((body) => {
      const all = [...body.querySelectorAll('.monaco-list-row[role="treeitem"]')];
      const i = all.findIndex((r) => r.getAttribute('aria-level') === '1' && r.textContent.trim().startsWith('sandbox.yaml'));
      return i >= 0 && all[i + 1]?.getAttribute('aria-level') === '2' && all[i + 1].textContent.includes('argo-train-7731');
    }, await pane.elementHandle(), { timeout: 60_000 });
    list = await rows(pane);
    assert.deepEqual(childrenOf(list, 'sandbox.yaml · file-system'), ['argo-train-7731'], JSON.stringify(list));
    assert.equal(await sandboxRoot.locator('.codicon-database').count(), 1, 'the sandbox root is a local store (database icon)');
    assert.ok(fs.existsSync(path.join(tmp, '.runnable-sandbox', 'sandbox.yaml')), 'the sandbox config is written in the workspace');
    assert.ok(fs.existsSync(path.join(tmp, '.runnable-sandbox', '.run_log_store', 'argo-train-7731.json')), 'the run log is pulled');
    await screenshot('sandbox-root');
    // The pull's closing message says where the run went (a toast, or the notification center when unfocused).
    await ui.expectNotification('Pulled argo-train-7731 into .runnable-sandbox');
  } finally {
    await moto?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
