import { describe, expect, it } from 'vitest';
import { flagsAsConfigLayer, parseCli } from './cli';

describe('parseCli', () => {
  it('parses every flag, in both spellings', () => {
    const r = parseCli(['--config', 'c.json', '--log-level=debug', '--data-dir', '/tmp/x', '--port', '0', '--dry-run'], 'headless');
    expect(r).toEqual({ kind: 'run', options: { config: 'c.json', logLevel: 'debug', dataDir: '/tmp/x', port: 0, dryRun: true, hidden: false } });
  });

  it('prints the version and help', () => {
    expect(parseCli(['--version'], 'headless', '1.2.3')).toEqual({ kind: 'version', text: '1.2.3' });
    const help = parseCli(['--help'], 'electron');
    expect(help.kind).toBe('help');
    expect(help.kind === 'help' && help.text).toContain('--hidden');
  });

  it.each([
    [['--bogus'], 'unknown option: --bogus'],
    [['--port', 'abc'], '--port: expected a port number 0-65535, got "abc"'],
    [['--port', '70000'], '--port: expected a port number 0-65535, got "70000"'],
    [['--log-level', 'loud'], '--log-level: expected one of error, warn, info, debug, got "loud"'],
    [['--config'], '--config needs a value'],
    [['--data-dir', '--dry-run'], '--data-dir needs a value'],
    [['--dry-run=yes'], '--dry-run takes no value'],
    [['stray'], 'unexpected argument: stray'],
    [['--hidden'], '--hidden is for the desktop app only'],
  ])('rejects %j with a usage error', (argv, message) => {
    const r = parseCli(argv, 'headless');
    expect(r.kind).toBe('usage-error');
    expect(r.kind === 'usage-error' && r.message).toBe(message);
    expect(r.kind === 'usage-error' && r.usage).toContain('Usage:');
  });

  it('the Electron entry ignores Chromium and Playwright switches but not unknown ones', () => {
    const r = parseCli(['.', '--inspect=0', '--remote-debugging-port=0', '--no-sandbox', '--enable-logging', '--hidden'], 'electron');
    expect(r).toEqual({ kind: 'run', options: { dryRun: false, hidden: true } });
    expect(parseCli(['--frobnicate'], 'electron').kind).toBe('usage-error');
    expect(parseCli(['--port', '1'], 'electron').kind).toBe('usage-error');
  });

  it('shapes flags as the top config layer', () => {
    expect(flagsAsConfigLayer({ dryRun: false, hidden: false, port: 8080, logLevel: 'warn' })).toEqual({ logLevel: 'warn', server: { port: 8080 } });
  });

  it('new-plugin: a name, a runtime and a folder; clear errors otherwise (headless only)', () => {
    expect(parseCli(['new-plugin', 'my-bot'], 'headless')).toEqual({ kind: 'new-plugin', options: { name: 'my-bot', runtime: 'node' } });
    expect(parseCli(['new-plugin', '--runtime=command', 'py-bot', '--dir', '/tmp/x'], 'headless')).toEqual({ kind: 'new-plugin', options: { name: 'py-bot', runtime: 'command', dir: '/tmp/x' } });
    const msg = (argv: string[]) => {
      const r = parseCli(argv, 'headless');
      return r.kind === 'usage-error' ? r.message : r.kind;
    };
    expect(msg(['new-plugin'])).toContain('give the plugin a name');
    expect(msg(['new-plugin', 'My Bot'])).toContain('kebab-case');
    expect(msg(['new-plugin', 'x', '--runtime', 'ruby'])).toContain('expected node or command');
    expect(msg(['new-plugin', 'x', '--force'])).toContain('unknown option: --force');
    expect(msg(['new-plugin', 'x', 'y'])).toContain('unexpected argument: y');
    expect(parseCli(['new-plugin', 'x'], 'electron').kind).toBe('usage-error');
  });

  it('--watch-plugins', () => {
    expect(parseCli(['--watch-plugins'], 'headless')).toEqual({ kind: 'run', options: { dryRun: false, hidden: false, watchPlugins: true } });
  });
});
