import { join } from 'node:path';
import { expect, test } from './headless-conductor';
import { LogsPage } from './pages/logs-page';
import { RequestsPage } from './pages/requests-page';

test.describe('Requests console against the headless conductor', () => {
  test('points out invalid JSON before sending, sends to a capability and a plugin, and shows errors with what to do', async ({ page, conductor }, testInfo) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });

    await page.goto(conductor.url);
    const console_ = new RequestsPage(page);
    await console_.open(conductor.baseUrl);

    // The example plugins' capabilities and names are offered once the status arrives.
    await expect(console_.target.locator('option[value="capability:text.echo"]')).toHaveCount(1);
    await console_.chooseTarget('capability', 'text.echo');

    // Invalid JSON: line and column named, Send disabled.
    await console_.payload.fill('{\n  "text": "hi"\n  "more": 1\n}');
    await expect(console_.jsonProblem).toHaveText('Invalid JSON at line 3, column 3: expected , or } in the object, found a string (is a comma missing?)');
    await expect(console_.payload).toHaveAttribute('aria-invalid', 'true');
    await expect(console_.send).toBeDisabled();
    await expect(console_.form).toContainText('Fix the payload’s JSON to send it.');
    await page.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'requests-invalid-json.png'), fullPage: true });

    // Fixed: valid, Send enabled; the echo comes back with its latency.
    await console_.payload.fill('{\n  "text": "hi",\n  "more": 1\n}');
    await expect(console_.jsonProblem).toHaveCount(0);
    await expect(console_.send).toBeEnabled();
    await console_.send.click();
    await expect(console_.result).toContainText('OK');
    await expect(console_.result).toContainText(/Latency [\d.,]+ ms/);
    const value = console_.result.getByLabel('Result value');
    await expect(value).toContainText('"echo"');
    expect(JSON.parse((await value.textContent()) ?? '')).toEqual({ echo: { text: 'hi', more: 1 } });
    await expect(console_.historyItems).toHaveCount(1);
    await expect(console_.historyItems.first()).toContainText('capability text.echo');

    // An error: the flaky plugin told to fail; code, message and what to do next.
    await console_.chooseTarget('plugin', 'flaky');
    await console_.payload.fill('{"fail": true}');
    await console_.timeout.fill('5000');
    await console_.idempotent.check();
    await console_.send.click();
    await expect(console_.result.getByRole('alert')).toContainText('E_PLUGIN_ERROR');
    await expect(console_.result).toContainText('flaky: failed on purpose');
    await expect(console_.result).toContainText('What to do:');
    await expect(console_.result.getByRole('link', { name: 'Open the plugin’s logs' })).toHaveAttribute('href', '#/logs?plugin=flaky');
    await expect(console_.historyItems).toHaveCount(2);
    await expect(console_.historyItems.first()).toContainText('E_PLUGIN_ERROR');
    await expect(console_.historyItems.first()).toContainText('timeout 5,000 ms · idempotent');

    await page.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'requests-error.png'), fullPage: true });

    // The link opens the Logs page filtered to the plugin; coming back keeps the history.
    await console_.result.getByRole('link', { name: 'Open the plugin’s logs' }).click();
    const logs = new LogsPage(page);
    await expect(logs.plugin).toHaveValue('flaky');
    await logs.settled();
    await expect(logs.rows.filter({ hasText: 'flaky: ready' }).first()).toBeVisible();
    await page.goBack();
    await expect(console_.historyItems).toHaveCount(2);
    await expect(console_.result).toContainText('E_PLUGIN_ERROR');
    await console_.chooseTarget('plugin', 'flaky');
    await console_.payload.fill('{"fail": true}');
    await console_.timeout.fill('5000');

    // A bad timeout blocks sending too.
    await console_.timeout.fill('soon');
    await expect(console_.send).toBeDisabled();
    await expect(console_.form).toContainText('Enter a whole number of milliseconds');
    await console_.timeout.fill('');

    // Re-send the first request from the history.
    await console_.historyItems.nth(1).getByRole('button', { name: /^Send again/ }).click();
    await expect(console_.historyItems).toHaveCount(3);
    await expect(console_.historyItems.first()).toContainText('capability text.echo');
    await expect(console_.result.getByLabel('Result value')).toContainText('"hi"');
    await expect(console_.target).toHaveValue('capability:text.echo');

    expect(problems).toEqual([]);
    await page.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'requests.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'requests-dark.png'), fullPage: true });
  });
  test('streams an answer: chunks show while the plugin still produces them, then the done state; Cancel stops a stream', async ({ page, conductor }, testInfo) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    const shots = join(testInfo.project.outputDir, 'screenshots');

    await page.goto(conductor.url);
    const console_ = new RequestsPage(page);
    await console_.open(conductor.baseUrl);
    await expect(console_.target.locator('option[value="capability:text.greet"]')).toHaveCount(1);
    await console_.chooseTarget('capability', 'text.greet');

    // The checkbox is reachable and toggled from the keyboard; a stream is never idempotent.
    await console_.stream.focus();
    await page.keyboard.press('Space');
    await expect(console_.stream).toBeChecked();
    await expect(console_.idempotent).toBeDisabled();

    // py-greeter streams four words, 0.4 s apart.
    await console_.payload.fill('{ "name": "Ada", "stream": true, "delay": 0.4 }');
    await console_.send.click();

    // The first chunk is on screen while the stream still runs.
    await expect(console_.chunks.first()).toContainText('{"token":"Hello"}');
    await expect(console_.streamStatus).toHaveText('Streaming…');
    await expect(console_.cancel).toBeVisible();
    await expect(console_.send).toHaveText('Streaming…');
    await expect(console_.send).toBeDisabled();
    expect(await console_.chunks.count()).toBeLessThan(4);
    await expect(console_.timing('First chunk')).toHaveText(/^[\d.,]+ ms$/);
    await page.screenshot({ path: join(shots, 'requests-stream-live.png'), fullPage: true });

    // Then all four, the text of their tokens, and the done state with the conductor's figures.
    await expect(console_.streamStatus).toHaveText('Done');
    await expect(console_.chunks).toHaveCount(4);
    await expect(console_.chunks).toHaveText([/"Hello"/, /"Ada"/, /"from"/, /"Python"/]);
    await expect(console_.streamedText).toHaveText('HelloAdafromPython');
    await expect(console_.timing('Chunks')).toHaveText('4');
    await expect(console_.timing('Latency')).toHaveText(/^[\d.,]+ ms$/);
    await expect(console_.cancel).toHaveCount(0);
    await expect(console_.send).toHaveText('Send');
    await expect(console_.send).toBeEnabled();
    await expect(console_.historyItems.first()).toContainText('capability text.greet');
    await expect(console_.historyItems.first()).toContainText('streamed');
    await expect(console_.historyItems.first()).toContainText(/OK · 4 chunks · [\d.,]+ ms/);
    await page.screenshot({ path: join(shots, 'requests-stream.png'), fullPage: true });

    // Cancel: a slow stream, stopped after its first chunk.
    await console_.payload.fill('{ "name": "Ada", "stream": true, "delay": 20 }');
    await console_.timeout.fill('120000');
    await console_.send.click();
    await expect(console_.chunks.first()).toContainText('{"token":"Hello"}');
    await expect(console_.streamStatus).toHaveText('Streaming…');
    // The stream runs on while another page is shown, and is there on coming back.
    const nav = page.getByRole('navigation', { name: 'Pages' });
    await nav.getByRole('link', { name: 'Overview' }).click();
    await expect(console_.form).toHaveCount(0);
    await nav.getByRole('link', { name: 'Requests' }).click();
    await expect(console_.streamStatus).toHaveText('Streaming…');
    await expect(console_.chunks).toHaveCount(1);
    await expect(console_.send).toBeDisabled();
    await console_.cancel.click();
    await expect(console_.streamStatus).toHaveText('Cancelled');
    await expect(console_.result).toContainText('E_TIMEOUT');
    await expect(console_.result).toContainText('cancelled by the caller');
    await expect(console_.chunks).toHaveCount(1);
    await expect(console_.cancel).toHaveCount(0);
    await expect(console_.send).toBeEnabled();
    await expect(console_.historyItems).toHaveCount(2);
    await expect(console_.historyItems.first()).toContainText('Cancelled · 1 chunk');
    await page.screenshot({ path: join(shots, 'requests-stream-cancelled.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(shots, 'requests-stream-cancelled-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });

    // A plugin that answers one value streams one chunk.
    await console_.chooseTarget('capability', 'text.echo');
    await console_.payload.fill('{ "text": "once" }');
    await console_.timeout.fill('');
    await console_.send.click();
    await expect(console_.streamStatus).toHaveText('Done');
    await expect(console_.chunks).toHaveCount(1);
    await expect(console_.chunks.first()).toContainText('{"echo":{"text":"once"}}');
    await expect(console_.streamedText).toHaveCount(0);

    expect(problems).toEqual([]);
  });
});
