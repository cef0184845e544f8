/**
 * Compiled C programs (sources and build script in fixtures/) run on the hart
 * and print through semihosting; their output must match what QEMU 7.2
 * printed for the same ELF (recorded next to it), except where this hart
 * documents a different choice.
 */

import { qemuOutput, runGuest } from './guest-runner';

describe('compiled guest programs match QEMU', () => {
  it('prog: libc, 64-bit arithmetic, qsort, setjmp/longjmp, soft-float, division edge cases', () => {
    expect(runGuest('prog').output).toBe(qemuOutput('prog'));
  });

  it('vm: Sv32 data translation through MPRV (A/D updates, SUM, MXR, superpages, faults)', () => {
    expect(runGuest('vm').output).toBe(qemuOutput('vm'));
  });

  it('su: U-mode program under an S-mode handler with delegation and demand paging', () => {
    expect(runGuest('su').output).toBe(qemuOutput('su'));
  });

  it('probe: trap values and CSR write masks, differing from QEMU only where documented', () => {
    const ours = runGuest('probe').output.split('\n');
    const theirs = qemuOutput('probe').split('\n');
    // QEMU 7.2's default CPU also has F, D, H, Zicbo* and debug triggers, and
    // reports AMO misalignment as a load fault; see the README.
    const documented: Record<string, string> = {
      'misaligned amo': 'misaligned amo cause=6 tval=80400002',
      medeleg: 'medeleg b3ff',
      mideleg: 'mideleg 222',
      mie: 'mie aaa',
      mip: 'mip 222',
      mstatus: 'mstatus 7e1922',
      mcountinhibit: 'mcountinhibit fffffffd',
      menvcfg: 'menvcfg 1 cause=dead',
      tselect: 'tselect 0 tdata1 0 cause=dead',
      tinfo: 'tinfo 1 cause=dead',
      mepc: 'mepc 80000002',
      misa: 'misa 40141105',
    };
    expect(ours).toHaveLength(theirs.length);
    ours.forEach((line, k) => {
      const key = Object.keys(documented).find((d) => theirs[k]!.startsWith(`${d} `));
      expect(line).toBe(key === undefined ? theirs[k] : documented[key]);
    });
  });
});
