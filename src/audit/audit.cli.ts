import fs from 'node:fs';
import { AuditLog, Checkpoint } from './audit.service';

export type AuditCommand =
  | { sub: 'verify' }
  | { sub: 'checkpoint'; out?: string; store?: boolean }
  | { sub: 'verify-checkpoint'; checkpoint: Checkpoint };

/**
 * The work of `lotse audit …` once its arguments are checked: the result on stdout, progress and
 * notes on stderr; returns the exit code (1 when the log or the checkpoint does not hold).
 */
export async function runAuditCommand(audit: AuditLog, cmd: AuditCommand): Promise<number> {
  if (cmd.sub === 'verify') {
    let reported = 0;
    const onProgress = (rows: number) => {
      if (rows - reported < 10_000) return;
      reported = rows - (rows % 10_000);
      console.error(`verified ${rows} rows…`);
    };
    const res = await audit.verify({ onProgress });
    if (res.ok) {
      const cp = res.checkpoint
        ? `checkpoint of row ${res.checkpoint.seq} (${res.checkpoint.at}) holds`
        : 'no stored checkpoint yet';
      console.log(`audit log intact: ${res.rows} rows, head ${res.head}; ${cp}`);
      return 0;
    }
    console.log(`audit log BROKEN at row ${res.brokenAt}: ${res.reason}`);
    return 1;
  }
  if (cmd.sub === 'checkpoint') {
    let checkpoint: Checkpoint;
    if (cmd.store) {
      const stored = await audit.writeCheckpoint('cli');
      checkpoint = stored.checkpoint;
      console.error(stored.written ? 'checkpoint stored' : `row ${checkpoint.seq} is already checkpointed`);
    } else checkpoint = await audit.checkpoint();
    const json = JSON.stringify(checkpoint, null, 2);
    if (cmd.out) {
      fs.writeFileSync(cmd.out, `${json}\n`);
      console.error(`checkpoint written to ${cmd.out}`);
    } else console.log(json);
    return 0;
  }
  const cp = cmd.checkpoint;
  const res = await audit.verifyCheckpoint(cp);
  console.log(res.ok ? `checkpoint holds: row ${cp.seq}, head ${cp.head}` : `checkpoint does NOT hold: ${res.reason}`);
  return res.ok ? 0 : 1;
}
