import type { PluginSummary } from '../../shared/domain';
import type { PluginSlot } from './plugin-slot';

/** What the dependency rules need from the plugin manager. */
export interface PluginDependenciesDeps {
  find(name: string): PluginSlot | undefined;
  /** Every plugin, in discovery order. */
  all(): readonly PluginSlot[];
  isStopping(): boolean;
  /** Starts a plugin's `min` instances (it checks the dependencies again). */
  bringUp(slot: PluginSlot): Promise<void>;
}

type PluginState = PluginSummary['state'];

/** States in which a plugin counts as ready for its dependents (idle: it wakes on demand). */
const SERVING: ReadonlySet<PluginState> = new Set<PluginState>(['ready', 'degraded', 'idle']);

/**
 * `dependsOn` between plugins: a plugin starts only once its dependencies are ready, waits
 * (saying for which) until then, starts when the last of them becomes ready — however that came
 * about — and is *blocked* while one needs a person, so its requests can be refused at once.
 */
export class PluginDependencies {
  constructor(private readonly deps: PluginDependenciesDeps) {}

  /** "waiting for "a", "b" to be ready", or null when every dependency is ready (or idle: it wakes on demand). */
  waitingReason(slot: PluginSlot): string | null {
    const notReady = slot.manifest.dependsOn.filter((dep) => {
      const s = this.deps.find(dep);
      return !s || !SERVING.has(s.state);
    });
    return notReady.length === 0 ? null : `waiting for ${notReady.map((d) => `"${d}"`).join(', ')} to be ready`;
  }

  /**
   * Why `slot` cannot start until a person acts, or null: it waits for a dependency that will not
   * become ready by itself — quarantined, disabled, invalid, not installed, or stopped for a reason
   * with no restart pending — directly or through a dependency that waits in turn. A dependency
   * that is starting, will restart, or has not had its turn yet is not a block (requests queue).
   */
  blockedReason(slot: PluginSlot, seen = new Set<PluginSlot>()): string | null {
    if (!isWaiting(slot) || seen.has(slot)) return null;
    seen.add(slot);
    for (const name of slot.manifest.dependsOn) {
      const dep = this.deps.find(name);
      const why = dep === undefined ? `"${name}" is not installed` : stuckReason(dep);
      if (why !== null) return `plugin "${slot.name}" cannot start until "${name}" is ready: ${why}`;
      const deeper = dep === undefined ? null : this.blockedReason(dep, seen);
      if (deeper !== null) return `plugin "${slot.name}" cannot start until "${name}" is ready, and ${deeper}`;
    }
    return null;
  }

  /**
   * Told of every plugin state change. When `slot` becomes ready (or idle), the plugins waiting
   * for it are brought up (each once all its dependencies are ready). Whatever made it ready —
   * startup, enable, retry, an automatic restart after a crash or a failed start — changes its
   * state, so this is the one place.
   */
  stateChanged(slot: PluginSlot, state: PluginState, previous: PluginState): void {
    if (!SERVING.has(state) || SERVING.has(previous) || this.deps.isStopping()) return;
    for (const other of this.deps.all()) {
      if (!other.enabled || !isWaiting(other) || !other.manifest.dependsOn.includes(slot.name)) continue;
      void other.serialize(async () => {
        // Checked again in turn: an earlier operation may have started or disabled it meanwhile.
        if (other.enabled && isWaiting(other) && other.instances.length === 0) await this.deps.bringUp(other);
      });
    }
  }
}

function isWaiting(slot: PluginSlot): boolean {
  return slot.state === 'stopped' && slot.reason?.startsWith('waiting for') === true;
}

/** What keeps a plugin from becoming ready without a person, with what to do; null when it may still come up. */
function stuckReason(slot: PluginSlot): string | null {
  const because = slot.reason ? ` (${slot.reason})` : '';
  switch (slot.state) {
    case 'quarantined':
      return `"${slot.name}" is quarantined${because}; fix it, then retry it`;
    case 'disabled':
      return `"${slot.name}" is disabled; enable it`;
    case 'invalid':
      return `"${slot.name}" is invalid${because}`;
    case 'stopped':
      // Not yet started (no reason), waiting in turn, or a restart is pending: it may still come up.
      if (slot.reason === undefined || isWaiting(slot) || slot.restartTimer !== null || slot.instances.length > 0) return null;
      return `"${slot.name}" is stopped${because}`;
    default:
      return null;
  }
}
