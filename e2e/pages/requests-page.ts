import { expect, type Locator, type Page } from '@playwright/test';

/** The Requests console, found by role and label. */
export class RequestsPage {
  readonly form: Locator;
  readonly target: Locator;
  readonly payload: Locator;
  readonly timeout: Locator;
  readonly idempotent: Locator;
  readonly stream: Locator;
  readonly send: Locator;
  readonly jsonProblem: Locator;
  readonly result: Locator;
  readonly history: Locator;
  readonly historyItems: Locator;
  /** A streamed answer's state badge (Streaming…, Done, Cancelled, Failed). */
  readonly streamStatus: Locator;
  readonly streamTimings: Locator;
  readonly chunks: Locator;
  readonly streamedText: Locator;
  readonly cancel: Locator;

  constructor(readonly page: Page) {
    this.form = page.getByRole('region', { name: 'Send a request' });
    this.target = this.form.getByLabel('Target');
    this.payload = this.form.getByLabel('Payload (JSON)');
    this.timeout = this.form.getByLabel('Timeout (ms)');
    this.idempotent = this.form.getByRole('checkbox', { name: 'Idempotent' });
    this.stream = this.form.getByRole('checkbox', { name: 'Stream the answer' });
    this.send = this.form.getByRole('button', { name: /^(Send|Sending…|Streaming…)$/ });
    this.jsonProblem = this.form.getByText(/^Invalid JSON at line \d+, column \d+:/);
    this.result = page.getByRole('region', { name: 'Result' });
    this.history = page.getByRole('region', { name: 'History' });
    this.historyItems = this.history.getByRole('list', { name: 'Sent requests' }).getByRole('listitem');
    this.streamStatus = this.result.getByRole('status');
    this.streamTimings = this.result.getByLabel('Stream timings');
    this.chunks = this.result.getByRole('list', { name: 'Chunks' }).getByRole('listitem');
    this.streamedText = this.result.getByLabel('Streamed text');
    this.cancel = this.result.getByRole('button', { name: /^(Cancel|Cancelling…)$/ });
  }

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/#/requests`);
    await expect(this.form).toBeVisible();
  }

  /** Chooses a capability (`text.echo`) or a plugin (`plugin:echo`) by its option value. */
  async chooseTarget(kind: 'capability' | 'plugin', name: string): Promise<void> {
    await this.target.selectOption(`${kind}:${name}`);
  }

  /** The value shown for one of the stream's figures (Chunks, First chunk, Elapsed or Latency). */
  timing(label: 'Chunks' | 'First chunk' | 'Elapsed' | 'Latency'): Locator {
    return this.streamTimings.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd');
  }
}
