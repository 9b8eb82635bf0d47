// Renders one Adaptive Card to PNG with the official adaptivecards renderer and a Teams host config, in headless
// Debian Chromium. Prints one JSON line ({ok, width, height, errors}); exits 0 when rendered cleanly, 2 on renderer
// errors, 1 on bad usage or a browser failure.
//   node render-card.mjs CARD.json OUT.png [--theme light|dark] [--width 560] [--chromium /usr/bin/chromium]
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));

function fail(code, message) {
  process.stdout.write(JSON.stringify({ ok: false, errors: [message] }) + '\n');
  process.exit(code);
}

const args = process.argv.slice(2);
const positional = [];
const options = { theme: 'light', width: '560', chromium: '/usr/bin/chromium' };
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith('--')) {
    const name = args[i].slice(2);
    if (!(name in options) || i + 1 >= args.length) fail(1, `unknown or incomplete option ${args[i]}`);
    options[name] = args[++i];
  } else {
    positional.push(args[i]);
  }
}
if (positional.length !== 2) fail(1, 'usage: render-card.mjs CARD.json OUT.png [--theme light|dark] [--width 560]');
if (!['light', 'dark'].includes(options.theme)) fail(1, `theme must be light or dark, not ${options.theme}`);
const width = Number.parseInt(options.width, 10);
if (!(width >= 200 && width <= 2000)) fail(1, 'width must be between 200 and 2000');

const [cardPath, outPath] = positional;
let card;
try {
  card = JSON.parse(await readFile(cardPath, 'utf8'));
} catch (e) {
  fail(1, `${cardPath}: not a JSON file (${e.message})`);
}
const hostConfig = JSON.parse(await readFile(path.join(here, 'hostconfig', `microsoft-teams-${options.theme}.json`), 'utf8'));
const rendererPath = path.join(here, 'node_modules', 'adaptivecards', 'dist', 'adaptivecards.min.js');

const userDataDir = await mkdtemp(path.join(tmpdir(), 'imapauto-chromium-'));
let browser;
try {
  browser = await puppeteer.launch({
    executablePath: options.chromium,
    userDataDir,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: width + 40, height: 800, deviceScaleFactor: 1 });
  const background = options.theme === 'dark' ? '#1f1f1f' : '#f5f5f5';
  await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>
      body { margin: 0; padding: 20px; background: ${background}; font-family: "Segoe UI", "DejaVu Sans", sans-serif; }
      #card { width: ${width}px; border-radius: 6px; overflow: hidden; box-shadow: 0 1px 4px rgba(0,0,0,.2); }
    </style></head><body><div id="card"></div></body></html>`);
  await page.addStyleTag({ path: path.join(here, 'node_modules', 'adaptivecards', 'dist', 'adaptivecards.css') });
  await page.addScriptTag({ path: rendererPath });
  const result = await page.evaluate((cardJson, hostConfigJson) => {
    const AC = window.AdaptiveCards;
    // Teams renders a markdown subset; the builders only escape, so the stand-in only has to honour CommonMark escapes.
    AC.AdaptiveCard.onProcessMarkdown = (text, processed) => {
      const html = text.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
      processed.outputHtml = html.replace(/\\([!-/:-@[-`{-~])/g, '$1');
      processed.didProcess = true;
    };
    const errors = [];
    const adaptiveCard = new AC.AdaptiveCard();
    adaptiveCard.hostConfig = new AC.HostConfig(hostConfigJson);
    const context = new AC.SerializationContext();
    adaptiveCard.parse(cardJson, context);
    for (let i = 0; i < context.eventCount; i++) {
      const e = context.getEventAt(i);
      errors.push(`parse: ${AC.ValidationEvent[e.event]}: ${e.message}`);
    }
    for (const e of adaptiveCard.validateProperties().validationEvents) {
      if (e.event !== AC.ValidationEvent.Hint) errors.push(`validate: ${AC.ValidationEvent[e.event]}: ${e.message}`);
    }
    const element = adaptiveCard.render();
    if (!element) {
      errors.push('render: the renderer produced no element');
      return { errors, text: '' };
    }
    document.getElementById('card').appendChild(element);
    return { errors, text: element.innerText };
  }, card, hostConfig);

  const handle = await page.$('#card');
  const box = await handle.boundingBox();
  const png = await handle.screenshot({ type: 'png' });
  await writeFile(outPath, png);
  const errors = [...result.errors];
  if (!result.text || result.text.trim().length === 0) errors.push('render: the card shows no text');
  if (!box || box.height < 40) errors.push('render: the card is empty');
  process.stdout.write(JSON.stringify({ ok: errors.length === 0, width: Math.round(box?.width ?? 0), height: Math.round(box?.height ?? 0), errors }) + '\n');
  process.exitCode = errors.length === 0 ? 0 : 2;
} catch (e) {
  // Not fail(): process.exit would skip closing the browser.
  process.stdout.write(JSON.stringify({ ok: false, errors: [`chromium: ${e.message}`] }) + '\n');
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
  await rm(userDataDir, { recursive: true, force: true });
}
