/** Timing helpers shared by the bench sections: each returns the median of its runs, in ms. */
import { performance } from 'node:perf_hooks';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function time(runs: number, work: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

export async function timeAsync(runs: number, work: () => Promise<void>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** Medians of several pieces of work run in turns (a, b, a, b, …), so a change in load falls on each alike. */
export function timeInTurns(runs: number, works: Array<() => void>): number[] {
  const samples: number[][] = works.map(() => []);
  for (let i = 0; i < runs; i++) {
    works.forEach((work, k) => {
      const start = performance.now();
      work();
      samples[k].push(performance.now() - start);
    });
  }
  return samples.map(median);
}
