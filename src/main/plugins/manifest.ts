/**
 * The plugin manifest (`plugin.json`). Strict: an unknown field is an error, and every error names
 * the field. The plugin runtime extends this schema with instances, probes and limits.
 */
import { z } from 'zod';

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const manifestSchema = z.strictObject({
  name: z.string({ error: 'expected a kebab-case name' }).max(64, { error: 'expected at most 64 characters' }).regex(KEBAB, { error: 'expected a kebab-case name like "my-plugin"' }),
  version: z.string({ error: 'expected a semver version' }).regex(SEMVER, { error: 'expected a semver version like "1.0.0"' }),
  description: z.string({ error: 'expected a text' }).max(500).default(''),
  runtime: z.enum(['node', 'command'], { error: 'expected "node" or "command"' }).default('node'),
  /** ES module inside the plugin folder, relative to it. */
  entry: z.string({ error: 'expected a relative file path' }).min(1).default('index.js'),
  capabilities: z.array(z.string().regex(/^[a-z][a-z0-9._:-]*$/, { error: 'expected a capability name like "text.echo"' })).max(64).default([]),
  isolation: z.enum(['process', 'thread'], { error: 'expected "process" or "thread"' }).default('process'),
  dependsOn: z.array(z.string().regex(KEBAB, { error: 'expected a plugin name' })).max(32).default([]),
  required: z.boolean({ error: 'expected true or false' }).default(false),
  enabled: z.boolean({ error: 'expected true or false' }).default(true),
});

export type PluginManifest = z.output<typeof manifestSchema>;
