/**
 * The registry (server/registry.ts) changes by copy on write: a change copies what it changes and shares the rest with
 * the data before it (a large draft is not copied for a token's use), all of it frozen, and a change that throws or
 * whose write fails leaves the data as it was. The catalogue does not hash every pack again for a change that left
 * the packs as they were (server/packs/catalog.ts `load`).
 */
import { Memory } from 'lowdb';
import { describe, expect, it } from 'vitest';
import { Registry, type RegistryData } from '../../server/registry';
import { EmbeddedStore } from '../../server/store/embedded';
import { MemoryInstanceStore } from '../../server/store';
import { summarize } from '../../server/cases/summarize';
import type { ProcedureDoc } from '../../engine';

/** A registry adapter whose writes fail while `failing` is set (a full disk, a folder that cannot be written). */
class FlakyAdapter extends Memory<RegistryData> {
  failing = false;
  writes: RegistryData[] = [];
  override async write(data: RegistryData): Promise<void> {
    if (this.failing) throw new Error('ENOSPC: no space left on device');
    this.writes.push(data);
    return super.write(data);
  }
}

const bigDraft = () => ({
  doc: { id: 'big', data: { properties: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`p${i}`, {}])) } },
  savedAt: '2026-12-02T09:00:00+08:00',
  savedBy: 'designer',
});

describe('the registry', () => {
  it('shares what a change leaves alone with the data before it, and freezes all of it', async () => {
    const reg = Registry.inMemory();
    await reg.open();
    await reg.update((r) => {
      r.drafts = { national: { big: bigDraft() as never } };
    });
    const before = reg.data;
    await reg.update((r) => {
      r.settings = { ...r.settings, answer: '42' };
    });
    expect(reg.data).not.toBe(before);
    expect(reg.data.settings).toEqual({ answer: '42' });
    // the draft is the same object, not a copy of it
    expect(reg.data.drafts).toBe(before.drafts);
    expect(Object.isFrozen(reg.data)).toBe(true);
    expect(Object.isFrozen(reg.data.drafts.national.big.doc)).toBe(true);
    // a change in place fails at once instead of changing the data for every holder
    expect(() => {
      (reg.data.drafts.national.big as { savedBy: string }).savedBy = 'someone else';
    }).toThrow(TypeError);
    await expect(
      reg.update((r) => {
        (r.drafts.national.big as { savedBy: string }).savedBy = 'someone else';
      }),
    ).rejects.toThrow(TypeError);
    expect(reg.data.drafts.national.big.savedBy).toBe('designer');
  });

  it('leaves the data as it was when a change throws or its write fails', async () => {
    const adapter = new FlakyAdapter();
    const reg = new Registry('', false, adapter);
    await reg.open();
    await reg.update((r) => {
      r.settings = { kept: 'yes' };
    });
    const before = reg.data;
    await expect(
      reg.update((r) => {
        r.settings = { kept: 'no' };
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(reg.data).toBe(before);
    adapter.failing = true;
    await expect(
      reg.update((r) => {
        r.settings = { kept: 'no' };
      }),
    ).rejects.toThrow('ENOSPC');
    expect(reg.data).toBe(before);
    expect(reg.data.settings).toEqual({ kept: 'yes' });
    // what was written is what became current
    adapter.failing = false;
    await reg.update((r) => {
      r.settings = { ...r.settings, more: 'too' };
    });
    expect(adapter.writes.at(-1)).toBe(reg.data);
    expect(reg.data.settings).toEqual({ kept: 'yes', more: 'too' });
  });
});

describe('the catalogue over the embedded store', () => {
  it('answers the same packs object while a draft is saved, and a new one when a publish changes them', async () => {
    const store = new EmbeddedStore({
      kind: 'memory',
      records: new MemoryInstanceStore(summarize),
      registry: Registry.inMemory(),
      versionsDir: null,
      fsync: false,
    });
    await store.open();
    const packs = await store.catalog.packs();
    await store.drafts.save('national', 'big', bigDraft() as never);
    expect(await store.catalog.packs()).toBe(packs);
    const draft = await store.drafts.get('national', 'big');
    expect((draft?.doc as ProcedureDoc).id).toBe('big');
    expect(Object.isFrozen(draft)).toBe(true);
    await store.catalog.commit({
      packs: { extra: { source: {}, origin: 'import', updatedAt: 'x' } as never },
      versions: [],
    });
    expect(await store.catalog.packs()).not.toBe(packs);
    expect(Object.keys(await store.catalog.packs())).toContain('extra');
  });
});
