import { chromium } from 'playwright-core';

const base = process.argv[2];
const gqlUrl = process.argv[3];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const page = await browser.newPage();
const errors = [];
page.on('console', (m) => {
  if (m.type() === 'error') errors.push(m.text());
});
page.on('pageerror', (e) => errors.push(String(e)));
await page.goto(`${base}/studio/#/playground`);
await page.waitForTimeout(2000);
const bubbles = () => page.locator('.bubble-assistant, .bubble-agent');
async function send(text) {
  const before = await bubbles().count();
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  for (let i = 0; i < 100; i++) {
    if ((await bubbles().count()) > before) break;
    await page.waitForTimeout(100);
  }
  await page.waitForTimeout(1200);
  const all = await bubbles().allInnerTexts();
  console.log(`> ${text}\n  ${all.slice(before).join('\n  ---\n  ').replace(/\n/g, '\n  ')}`);
}
await send('do you have bluetooth speakers?');
await send('how long does the battery last?');
await send("ok I'll think about it");
await send('what credit cards do I have on file?');
await send('emma.smith3991@example.com');
const box = await (
  await fetch(gqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ emailOutbox(first:1){ text } }' }),
  })
).json();
const code = /\b(\d{6})\b/.exec(JSON.stringify(box))?.[1];
await send(code);
await page.screenshot({ path: '/work/probe/playground.png', fullPage: false });
const banner = await page.locator('body').innerText();
console.log('stand-in named:', /rule-based stand-in/i.test(banner));
await page.goto(`${base}/studio/#/desk`);
await page.waitForTimeout(1500);
console.log('desk:', (await page.locator('body').innerText()).slice(0, 300).replace(/\n/g, ' | '));
console.log('errors:', errors);
await browser.close();
