import { describe, expect, it } from 'vitest';
import { planUpdate } from '../generators/core/output/update.ts';

const map = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('planUpdate', () => {
  it('creates new files and leaves identical ones alone', () => {
    const plan = planUpdate(map({ a: '1', b: '2' }), undefined, (rel) => (rel === 'b' ? '2' : undefined));
    expect([...plan.write.keys()]).toEqual(['a']);
    expect(plan.identical).toEqual(['b']);
    expect(plan.conflicts).toEqual([]);
  });

  it('follows changed answers where the owner did not edit the file', () => {
    const plan = planUpdate(map({ a: 'new' }), map({ a: 'old' }), () => 'old');
    expect([...plan.write.entries()]).toEqual([['a', 'new']]);
    expect(plan.conflicts).toEqual([]);
  });

  it('reports an owner edit as a conflict when the generator changes the file too', () => {
    const plan = planUpdate(map({ a: 'new' }), map({ a: 'old' }), () => 'old + my edit');
    expect(plan.conflicts).toEqual(['a']);
  });

  it('leaves an owner edit alone when the generator has nothing new for the file', () => {
    const plan = planUpdate(map({ a: 'same' }), map({ a: 'same' }), () => 'same + my edit');
    expect(plan.conflicts).toEqual([]);
    expect(plan.kept).toEqual(['a']);
    expect([...plan.write.keys()]).toEqual([]);
  });

  it('without a baseline every difference is a conflict', () => {
    expect(planUpdate(map({ a: 'new' }), undefined, () => 'other').conflicts).toEqual(['a']);
  });

  it('removes files no longer generated only when unedited', () => {
    const disk: Record<string, string> = { gone: 'old', edited: 'old + edit' };
    const plan = planUpdate(map({}), map({ gone: 'old', edited: 'old' }), (rel) => disk[rel]);
    expect(plan.remove).toEqual(['gone']);
  });
});
