import { asmTests, FAILING_ASM_TEST, requireQemu, runQemu } from '../src';
import { makeTempDir } from './tmp-dir';

// QEMU is the reference: the suite's expectations are what QEMU 7.2 does.
const tests = asmTests();
let cwd: ReturnType<typeof makeTempDir>;

beforeAll(() => {
  requireQemu();
  cwd = makeTempDir('asm-qemu');
});
afterAll(() => cwd?.remove());

describe('asm tests on QEMU', () => {
  it.each(tests.map((t) => [t.name, t.elf] as const))('%s passes', async (_name, elf) => {
    const r = await runQemu(elf, { cwd: cwd.dir, timeoutMs: 15_000 });
    expect({ status: r.status, uart: r.uart, timedOut: r.timedOut }).toEqual({
      status: 0,
      uart: '',
      timedOut: false,
    });
  });

  it('reports a failing test with its number', async () => {
    const r = await runQemu(FAILING_ASM_TEST.elf, { cwd: cwd.dir, timeoutMs: 15_000 });
    expect(r.status).toBe(FAILING_ASM_TEST.test);
    expect(r.uart).toBe(`FAIL ${FAILING_ASM_TEST.test}\n`);
  });
});
