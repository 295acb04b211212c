import type Database from 'better-sqlite3';

/** One subject's (the system's, or a plugin's) CPU and memory over one minute. */
export interface ResourceRollup {
  /** `system` or a plugin name. */
  subject: string;
  /** Epoch minute. */
  minute: number;
  samples: number;
  cpuAvg: number;
  cpuMax: number;
  /** Bytes. */
  memAvg: number;
  memMax: number;
}

interface Row {
  subject: string;
  minute: number;
  samples: number;
  cpu_avg: number;
  cpu_max: number;
  mem_avg: number;
  mem_max: number;
}

/** The `resource_minute` table: per-minute resource rollups; a minute written twice is merged. */
export class ResourceRepository {
  private readonly writeMany: (rows: readonly ResourceRollup[]) => void;
  private readonly queryStmt: Database.Statement<[string, number], Row>;
  private readonly pruneStmt: Database.Statement<[number]>;

  constructor(db: Database.Database) {
    const upsert = db.prepare<Row>(
      'INSERT INTO resource_minute (subject, minute, samples, cpu_avg, cpu_max, mem_avg, mem_max) ' +
        'VALUES (@subject, @minute, @samples, @cpu_avg, @cpu_max, @mem_avg, @mem_max) ' +
        'ON CONFLICT (subject, minute) DO UPDATE SET ' +
        'cpu_avg = (resource_minute.cpu_avg * resource_minute.samples + excluded.cpu_avg * excluded.samples) / (resource_minute.samples + excluded.samples), ' +
        'mem_avg = (resource_minute.mem_avg * resource_minute.samples + excluded.mem_avg * excluded.samples) / (resource_minute.samples + excluded.samples), ' +
        'cpu_max = max(resource_minute.cpu_max, excluded.cpu_max), ' +
        'mem_max = max(resource_minute.mem_max, excluded.mem_max), ' +
        'samples = resource_minute.samples + excluded.samples',
    );
    this.writeMany = db.transaction((rows: readonly ResourceRollup[]) => {
      for (const r of rows) {
        upsert.run({ subject: r.subject, minute: r.minute, samples: r.samples, cpu_avg: r.cpuAvg, cpu_max: r.cpuMax, mem_avg: r.memAvg, mem_max: r.memMax });
      }
    });
    this.queryStmt = db.prepare('SELECT subject, minute, samples, cpu_avg, cpu_max, mem_avg, mem_max FROM resource_minute WHERE subject = ? AND minute >= ? ORDER BY minute');
    this.pruneStmt = db.prepare('DELETE FROM resource_minute WHERE minute < ?');
  }

  writeRollups(rows: readonly ResourceRollup[]): void {
    for (const r of rows) {
      if (typeof r.subject !== 'string' || r.subject === '' || !Number.isSafeInteger(r.minute) || !(r.samples > 0)) {
        throw new TypeError(`resource rollup: bad row ${JSON.stringify(r)}`);
      }
    }
    if (rows.length > 0) this.writeMany(rows);
  }

  /** One subject's rollups from `sinceMinute` on, oldest first. */
  query(subject: string, sinceMinute: number): ResourceRollup[] {
    return this.queryStmt.all(subject, sinceMinute).map((r) => ({
      subject: r.subject,
      minute: r.minute,
      samples: r.samples,
      cpuAvg: r.cpu_avg,
      cpuMax: r.cpu_max,
      memAvg: r.mem_avg,
      memMax: r.mem_max,
    }));
  }

  prune(beforeMinute: number): number {
    return this.pruneStmt.run(beforeMinute).changes;
  }
}
