// `npm run test:campaign`: the fault campaign (README "Fault campaign"). Seeded random schedules against
// the real Pulumi CLI, one stand-in for the campaign, one stack per schedule; stops at the first violation
// and prints the seed, the steps and the command that replays it.
//
//   npm run test:campaign                         # CI: the self-test and the recovery replay, then seeds 1..4 of 8 steps
//   npm run test:campaign -- --seed 17            # one schedule (the reproduction command)
//   npm run test:campaign -- --from 100 --count 200 --steps 10
//   npm run test:campaign -- --self-test          # only: prove that every invariant check fires
import { recoveryScenario } from './recovery';
import { Schedule, Violation, type Injection } from './schedule';
import { startWorld, type World } from './world';

interface Args {
  seeds: number[];
  steps: number;
  selfTest: boolean;
  keep: boolean;
  keepGoing: boolean;
  verbose: boolean;
  without: Set<string>;
  forcedRoutes: boolean;
}

function parse(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const steps = Number(get('--steps') ?? 8);
  const seed = get('--seed');
  const from = Number(get('--from') ?? 1);
  const count = Number(get('--count') ?? (seed ? 1 : 4));
  const only = argv.includes('--self-test');
  return {
    seeds: seed !== undefined ? [Number(seed)] : only ? [] : Array.from({ length: count }, (_, i) => from + i),
    steps,
    selfTest: only || (seed === undefined && get('--from') === undefined && !argv.includes('--no-self-test')),
    keep: argv.includes('--keep'),
    keepGoing: argv.includes('--keep-going'),
    verbose: argv.includes('--verbose'),
    without: new Set((get('--without') ?? '').split(',').filter(Boolean)),
    forcedRoutes: argv.includes('--forced-routes'),
  };
}

const elapsed = (t: number) => `${((Date.now() - t) / 1000).toFixed(1)} s`;

/** Every invariant check must fire on a violation injected behind its back (a check that cannot fail is a bug). */
async function selfTest(world: World): Promise<boolean> {
  let ok = true;
  const cases: Injection[] = ['I1', 'I2', 'I3', 'I4', 'I5'];
  for (const [i, inject] of cases.entries()) {
    const t = Date.now();
    // Seed 900000+: a schedule of one plain step, whose invariants the injection breaks.
    const s = new Schedule(world, {
      seed: 900000 + i,
      steps: inject === 'I2' || inject === 'I5' ? 1 : 0,
      inject,
      forceOp: 'up',
    });
    try {
      await s.run();
      console.log(`self-test ${inject}: NOT DETECTED (the check cannot fail)\n  ${s.steps.join('\n  ')}`);
      ok = false;
    } catch (err) {
      if (err instanceof Violation && err.invariant === inject)
        console.log(`self-test ${inject}: detected (${elapsed(t)}): ${err.message.split('\n')[0]}`);
      else {
        console.log(`self-test ${inject}: wrong outcome: ${(err as Error).stack}\n  ${s.steps.join('\n  ')}`);
        ok = false;
      }
    }
  }
  return ok;
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  const started = Date.now();
  const world = await startWorld();
  let failures = 0;
  const totals = {
    schedules: 0,
    steps: 0,
    cli: 0,
    failedSteps: 0,
    kills: 0,
    faults: 0,
    oob: 0,
    pendingCleared: 0,
    pendingAdopted: 0,
  };
  try {
    if (args.selfTest) {
      if (!(await selfTest(world))) return 1;
      const t = Date.now();
      const steps = await recoveryScenario(world);
      console.log(`recovery after a killed up, as the README says (${elapsed(t)}):\n  ${steps.join('\n  ')}`);
    }
    for (const seed of args.seeds) {
      const t = Date.now();
      const s = new Schedule(world, {
        seed,
        steps: args.steps,
        keep: args.keep,
        without: args.without,
        forcedRoutes: args.forcedRoutes,
      });
      try {
        await s.run();
        totals.schedules++;
        totals.steps += args.steps;
        for (const k of Object.keys(s.stats) as (keyof typeof s.stats)[]) totals[k] += s.stats[k];
        if (args.verbose) console.log(`  ${s.steps.join('\n  ')}`);
        console.log(
          `seed ${seed}: ok, ${args.steps} steps, ${s.stats.cli} CLI runs, ${s.stats.failedSteps} failed or killed steps (${elapsed(t)})`,
        );
      } catch (err) {
        failures++;
        const what = err instanceof Violation ? `VIOLATION ${err.message}` : `ERROR ${(err as Error).stack}`;
        console.log(
          `\nseed ${seed}: ${what}\nsteps:\n  ${s.steps.join('\n  ')}\n` +
            `reproduce: npm run test:campaign -- --seed ${seed} --steps ${args.steps}` +
            `${args.without.size ? ` --without ${[...args.without].join(',')}` : ''}` +
            `${args.forcedRoutes ? ' --forced-routes' : ''}\n`,
        );
        if (!args.keepGoing) break;
      }
    }
  } finally {
    await world.close();
  }
  console.log(
    `campaign: ${totals.schedules} schedules passed, ${failures} failed; ${totals.steps} steps, ${totals.cli} CLI runs, ` +
      `${totals.failedSteps} failed or killed steps, ${totals.kills} SIGKILLs, ${totals.faults} faults, ${totals.oob} ` +
      `out-of-band changes, pending creates cleared in ${totals.pendingCleared} recoveries, ${totals.pendingAdopted} objects adopted after them (${elapsed(started)})`,
  );
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
