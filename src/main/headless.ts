/**
 * The headless entry: runs the conductor under plain Node and serves the control panel to a
 * browser on 127.0.0.1. Nothing on this path imports electron.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pkg from '../../package.json';
import { runHeadless } from './bridge/headless-host';

const here = dirname(fileURLToPath(import.meta.url));
// Built layout: out/main/headless.js, out/renderer/, and the bundled plugins at the project root.
const root = join(here, '..', '..');

void runHeadless({
  argv: process.argv.slice(2),
  version: pkg.version,
  rendererDir: join(here, '..', 'renderer'),
  bundledPluginsDir: join(root, 'plugins'),
});
