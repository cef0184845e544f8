import { runElf } from '@evm/board-virt';
import { asmTests, FAILING_ASM_TEST, TIERS, TOHOST_TESTS } from '../src';

// The asm tests are small: a few hundred thousand instructions at most.
const BUDGET = 5_000_000;
const tests = asmTests();

// Both machine clocks: 'virtual' (mtime follows retired instructions: exact
// and repeatable) and 'host' (mtime follows wall time, as on QEMU).
const CLOCKS = ['virtual', 'host'] as const;

describe.each(TIERS)('asm tests on eVM, %s tier', (tier) => {
  it('has the whole suite', () => {
    expect(tests.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'rv32i-alu',
        'rv32m',
        'rv32a',
        'rv32c',
        'zicsr',
        'traps',
        'sv32',
        'interrupts',
      ]),
    );
  });

  describe.each(CLOCKS)('%s clock', (clock) => {
    it.each(tests.map((t) => [t.name, t.elf] as const))('%s passes', async (_name, elf) => {
      const r = await runElf(elf, { tier, clock, maxInstructions: BUDGET });
      // On failure the UART shows "FAIL <n>" and, for an unexpected trap, the CSRs.
      expect({ status: r.status, reason: r.reason, uart: r.stdout }).toEqual({
        status: 0,
        reason: expect.stringMatching(/pass/),
        uart: '',
      });
    });
  });

  it('reports a failing test with its number', async () => {
    const r = await runElf(FAILING_ASM_TEST.elf, { tier, maxInstructions: BUDGET });
    expect(r.status).toBe(FAILING_ASM_TEST.test);
    expect(r.stdout).toBe(`FAIL ${FAILING_ASM_TEST.test}\n`);
  });

  it('ends on tohost alone: 1 passes, (n << 1) | 1 fails test n', async () => {
    const pass = await runElf(TOHOST_TESTS.passes, { tier, maxInstructions: BUDGET });
    expect({ status: pass.status, reason: pass.reason }).toEqual({
      status: 0,
      reason: expect.stringMatching(/tohost/),
    });
    const failed = await runElf(TOHOST_TESTS.failsTest9, { tier, maxInstructions: BUDGET });
    expect({ status: failed.status, reason: failed.reason, uart: failed.stdout }).toEqual({
      status: 9,
      reason: expect.stringMatching(/tohost.*9/),
      uart: 'FAIL 9\n',
    });
  });
});
