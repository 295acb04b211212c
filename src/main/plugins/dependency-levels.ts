/** What `dependencyLevels` needs of a plugin. */
export interface DependencyNode {
  readonly name: string;
  readonly manifest: { readonly dependsOn: readonly string[] };
}

/**
 * The plugins grouped by dependency depth: level 0 depends on none of them, level n only on
 * plugins of earlier levels. A dependency outside the list (invalid, disabled, quarantined) adds
 * no depth: its dependent starts with its level and waits. Discovery has refused cycles already;
 * one left anyway is cut where it closes.
 */
export function dependencyLevels<T extends DependencyNode>(slots: readonly T[]): T[][] {
  const byName = new Map(slots.map((slot) => [slot.name, slot]));
  const depth = new Map<T, number>();
  const visiting = new Set<T>();
  const depthOf = (slot: T): number => {
    const known = depth.get(slot);
    if (known !== undefined) return known;
    if (visiting.has(slot)) return 0;
    visiting.add(slot);
    let d = 0;
    for (const name of slot.manifest.dependsOn) {
      const dep = byName.get(name);
      if (dep !== undefined) d = Math.max(d, depthOf(dep) + 1);
    }
    visiting.delete(slot);
    depth.set(slot, d);
    return d;
  };
  const levels: T[][] = [];
  for (const slot of slots) (levels[depthOf(slot)] ??= []).push(slot);
  return levels.filter((level) => level !== undefined);
}
