import { Kerr } from '@evm/contracts';
import { boot } from '@evm/kernel-booter';
import { client, defineInterface, type IpcError, SharedRegion, server } from '../src';

/** Bulk data: the words carry an (offset, length) into a region both components hold. */
const Text = defineInterface('demo.text', {
  upper: { op: 0, args: ['u32', 'u32'] },
  regionId: { op: 1, args: [] },
});

describe('shared regions', () => {
  it('carry bulk data named by (offset, length) words; the server refuses ranges outside the region', () => {
    const seen: unknown[] = [];
    const sys = boot({
      components: [
        {
          name: 'text',
          implements: ['demo.text'],
          capabilities: [{ type: 'region', region: 'buf', name: 'buf' }],
          native: () => {
            let region: SharedRegion | undefined;
            const dispatch = server(Text, {
              upper(offset, length) {
                if (!region!.holds(offset, length)) return Kerr.BadAddress;
                const b = region!.bytes;
                for (let i = offset; i < offset + length; i++)
                  if (b[i]! >= 0x61 && b[i]! <= 0x7a) b[i] = b[i]! - 0x20;
                return length;
              },
              regionId: () => region!.id,
            });
            return {
              init(port) {
                region = SharedRegion.open(port, port.cap('buf'));
              },
              serve: (_e, op, a0, a1, a2, a3, res) => dispatch(op, a0, a1, a2, a3, res),
            };
          },
        },
        {
          name: 'app',
          depends: ['demo.text'],
          threads: [{ name: 'main' }],
          capabilities: [{ type: 'region', region: 'buf', name: 'buf' }],
          native: () => ({
            threads: {
              *main(port) {
                const region = SharedRegion.open(port, port.cap('buf'));
                const text = client(Text, port, port.cap('demo.text'));
                const at = region.size - 5;
                region.bytes.set(Buffer.from('hello'), at);
                seen.push(text.upper(at, 5), Buffer.from(region.bytes.subarray(at)).toString());
                seen.push(text.regionId() === region.id, region.size);
                for (const [offset, length] of [
                  [at, 6],
                  [region.size, 1],
                  [-1, 2],
                  [1, -1],
                ]) {
                  try {
                    text.upper(offset!, length!);
                    seen.push('accepted');
                  } catch (e) {
                    seen.push((e as IpcError).code);
                  }
                }
                seen.push(text.upper(region.size, 0));
              },
            },
          }),
        },
      ],
      regions: [{ name: 'buf', size: 5000 }],
    });
    expect(sys.run({ maxCycles: 1e7 })).toBe('idle');
    expect(seen).toEqual([
      5,
      'HELLO',
      true,
      8192, // whole pages
      Kerr.BadAddress,
      Kerr.BadAddress,
      Kerr.BadAddress,
      Kerr.BadAddress,
      0,
    ]);
  });

  it('opening a slot that holds no region is a fault of the component, named', () => {
    const faults: string[] = [];
    const sys = boot({
      components: [
        {
          name: 'app',
          threads: [{ name: 'main', endpoint: true }],
          onFault: 'stop',
          native: () => ({
            threads: {
              *main(port) {
                SharedRegion.open(port, port.cap('main'));
              },
            },
          }),
        },
      ],
    });
    sys.kernel.onFault((f) => faults.push(`${f.component}: ${f.kind}: ${f.message}`));
    sys.run({ maxCycles: 1e6 });
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatch(/^app: no-capability: .*slot holds no region capability/);
  });
});
