// I5: the bastion's authorized_keys file, sampled continuously while a step runs: every line outside the
// managed block must be the campaign's own lines, byte for byte, in every sample (a file seen empty or
// half-written in between counts).
import * as fs from 'fs';

const MARKER = 'pulumi-materialize-connections';

/** The file's lines outside the block named `block` (markers included in the block), or why it is broken. */
export function outsideBlock(content: string, block: string): { lines: string[]; blockLines?: string[] } | string {
  const lines = content.split('\n');
  const begin = lines.findIndex((l) => l.startsWith(`# BEGIN ${MARKER} block=${block} id=`));
  const end = lines.findIndex((l) => l === `# END ${MARKER} block=${block}`);
  if (begin < 0 && end < 0) return { lines };
  if (begin < 0 || end < begin) return `block markers broken (BEGIN at ${begin}, END at ${end})`;
  return { lines: [...lines.slice(0, begin), ...lines.slice(end + 1)], blockLines: lines.slice(begin + 1, end) };
}

export class BastionWatcher {
  /** The campaign's lines, as they must be outside the block. */
  expected: string[];
  samples = 0;
  violation?: string;
  private timer?: NodeJS.Timeout;

  constructor(
    readonly path: string,
    readonly block: string,
    initial: string[],
  ) {
    this.expected = initial;
    fs.writeFileSync(path, initial.join('\n'));
  }

  /** Checks one sample; returns the violation, if any. */
  check(content: string = fs.readFileSync(this.path, 'latin1')): string | undefined {
    this.samples++;
    const got = outsideBlock(content, this.block);
    if (typeof got === 'string') return got;
    // The block is appended after a newline: the file without it is the campaign's text plus that newline.
    const outside = got.lines.join('\n').replace(/\n+$/, '');
    const want = this.expected.join('\n').replace(/\n+$/, '');
    if (outside !== want)
      return `lines outside the managed block changed: expected ${JSON.stringify(want)}, found ${JSON.stringify(outside)}`;
    return undefined;
  }

  start(): void {
    this.stop();
    this.timer = setInterval(() => {
      if (this.violation) return;
      try {
        this.violation = this.check();
      } catch (err) {
        this.violation = `cannot read the file: ${(err as Error).message}`;
      }
    }, 5);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** An edit by hand outside the block (between steps, the watcher stopped): the block stays where it is. */
  editOutside(edit: (lines: string[]) => string[]): void {
    const lines = fs.readFileSync(this.path, 'latin1').split('\n');
    const begin = lines.findIndex((l) => l.startsWith(`# BEGIN ${MARKER} block=${this.block} id=`));
    const head = begin < 0 ? lines : lines.slice(0, begin);
    const rest = begin < 0 ? [] : lines.slice(begin);
    const content = [...edit(head), ...rest].join('\n');
    fs.writeFileSync(this.path, content, 'latin1');
    const got = outsideBlock(content, this.block);
    if (typeof got === 'string') throw new Error(got);
    this.expected = got.lines;
  }
}
