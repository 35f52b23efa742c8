// The per-file decisions of the three-way update (core/output/update.ts), on small trees in memory.
import { describe, expect, it } from 'vitest';
import { blobId } from '../generators/core/output/provenance.ts';
import { planUpdate, type UpdateInput } from '../generators/core/output/update.ts';

const map = (entries: Record<string, string>) => new Map(Object.entries(entries));
const ids = (entries: Record<string, string>) => Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, blobId(v)]));

function plan(input: Partial<UpdateInput> & { disk: Record<string, string> }) {
  const { disk, ...rest } = input;
  const result = planUpdate({ next: new Map(), ...rest, readDisk: (path) => disk[path] });
  return { ...result, actions: Object.fromEntries(result.changes.map((c) => [c.path, c.action])) };
}

describe('planUpdate', () => {
  it('creates new files and leaves identical ones alone', () => {
    const p = plan({ next: map({ a: '1\n', b: '2\n' }), disk: { b: '2\n' } });
    expect(p.actions).toEqual({ a: 'create', b: 'identical' });
    expect(p.record).toEqual(ids({ a: '1\n', b: '2\n' }));
  });

  it('updates a file its owner left as it was written', () => {
    const p = plan({ next: map({ a: 'new\n' }), recorded: ids({ a: 'old\n' }), disk: { a: 'old\n' } });
    expect(p.changes).toEqual([{ path: 'a', action: 'update', content: 'new\n', record: blobId('new\n') }]);
  });

  it('merges an owner edit with the generator change when they touch different lines', () => {
    const base = 'one\ntwo\nthree\nfour\n';
    const p = plan({ next: map({ 'x.sh': base.replace('four', 'FOUR') }), recorded: ids({ 'x.sh': base }), candidates: map({ 'x.sh': base }), disk: { 'x.sh': `# mine\n${base}` } });
    expect(p.changes[0]).toMatchObject({ action: 'merge', content: '# mine\none\ntwo\nthree\nFOUR\n' });
  });

  it('is a conflict when owner and generator changed the same line, recording the old base', () => {
    const p = plan({ next: map({ 'x.sh': 'a=2\n' }), recorded: ids({ 'x.sh': 'a=1\n' }), candidates: map({ 'x.sh': 'a=1\n' }), disk: { 'x.sh': 'a=3\n' } });
    expect(p.changes[0]).toMatchObject({ action: 'conflict', content: 'a=2\n', markers: expect.stringContaining('>>>>>>> generator') });
    expect(p.record['x.sh']).toBe(blobId('a=1\n'));
  });

  it('keeps an owner edit when the generator has nothing new for the file', () => {
    const p = plan({ next: map({ a: 'same\n' }), recorded: ids({ a: 'same\n' }), candidates: map({ a: 'same\n' }), disk: { a: 'same\nmine\n' } });
    expect(p.actions).toEqual({ a: 'keep' });
  });

  it('finds the base in the stored answers rendered again, or in git objects, by its recorded id', () => {
    const base = 'l1\nl2\nl3\nl4\n';
    const next = map({ f: base.replace('l4', 'L4') });
    const disk = { f: `top\n${base}` };
    expect(plan({ next, recorded: ids({ f: base }), candidates: map({ f: base }), disk }).actions).toEqual({ f: 'merge' });
    const objects: Record<string, string> = { [blobId(base)]: base };
    expect(plan({ next, recorded: ids({ f: base }), readObject: (id) => objects[id], disk }).actions).toEqual({ f: 'merge' });
    // A candidate whose id does not match the record is not taken as the base.
    const wrong = plan({ next, recorded: ids({ f: base }), candidates: map({ f: 'other\n' }), disk });
    expect(wrong.changes[0]).toMatchObject({ action: 'conflict', note: expect.stringContaining('git objects') });
  });

  it('leaves a file its owner deleted deleted, and keeps recording it', () => {
    const p = plan({ next: map({ a: 'new\n' }), recorded: ids({ a: 'old\n' }), disk: {} });
    expect(p.changes[0]).toMatchObject({ action: 'keep', note: expect.stringContaining('deleted by you') });
    expect(p.record).toHaveProperty('a');
  });

  it('refuses to take over a file it did not write', () => {
    expect(plan({ next: map({ a: 'new\n' }), disk: { a: 'theirs\n' } }).changes[0]).toMatchObject({ action: 'conflict', note: expect.stringContaining('not written by this generator') });
  });

  it('removes files no longer generated only when unedited, and forgets both', () => {
    const p = plan({ next: map({}), recorded: ids({ gone: 'old\n', edited: 'old\n' }), disk: { gone: 'old\n', edited: 'old + edit\n' } });
    expect(p.actions).toEqual({ edited: 'keep', gone: 'remove' });
    expect(p.record).toEqual({});
  });

  it('compares with line endings normalised: a CRLF checkout of an untouched file is untouched', () => {
    const p = plan({ next: map({ a: 'x\ny\n', b: 'new\n' }), recorded: ids({ a: 'x\ny\n', b: 'old\n' }), disk: { a: 'x\r\ny\r\n', b: 'old\r\n' } });
    expect(p.actions).toEqual({ a: 'identical', b: 'update' });
  });

  it('accepts what an interrupted run wrote as its own (alternates)', () => {
    const p = plan({ next: map({ a: 'v2\n' }), recorded: ids({ a: 'v1\n' }), alternates: ids({ a: 'v2-partial\n' }), disk: { a: 'v2-partial\n' } });
    expect(p.actions).toEqual({ a: 'update' });
  });
});
