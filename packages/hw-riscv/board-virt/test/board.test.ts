import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asm } from '@evm/hw-hart';
import { EXIT, runElf, VIRT } from '../src';
import { buildElf } from './build-elf';

const T0 = 5; // t0
const T1 = 6; // t1
const A0 = 10;
const A1 = 11;
const TOHOST = 0x8000_1000; // where buildElf puts the `tohost` symbol

/** Assembles a program at the start of RAM and wraps it in an ELF. */
function program(build: (p: asm.Program) => void): Uint8Array {
  const p = new asm.Program(VIRT.ramBase);
  build(p);
  return buildElf({ code: [...p.bytes()] });
}

const finish = (p: asm.Program, word: number) =>
  p
    .li(T0, VIRT.testFinisher)
    .li(T1, word)
    .emit(asm.sw(T1, T0, 0), asm.jal(0, 0));

const putc = (p: asm.Program, ch: string) =>
  p
    .li(T0, VIRT.uart0)
    .li(T1, ch.charCodeAt(0))
    .emit(asm.sb(T1, T0, 0));

describe.each(['interpreter'] as const)('virt board (%s tier)', (tier) => {
  it('prints through the UART and passes through the test finisher', async () => {
    const elf = program((p) => {
      for (const ch of 'ok\n') putc(p, ch);
      finish(p, 0x5555);
    });
    const r = await runElf(elf, { tier, maxInstructions: 10_000 });
    expect(r.stdout).toBe('ok\n');
    expect(r.status).toBe(0);
  });

  it('passes the guest failure code through the test finisher', async () => {
    const r = await runElf(
      program((p) => finish(p, (7 << 16) | 0x3333)),
      { tier, maxInstructions: 10_000 },
    );
    expect(r.status).toBe(7);
  });

  it('honours tohost: 1 passes, (n << 1) | 1 fails test n', async () => {
    const pass = program((p) =>
      p
        .li(T0, TOHOST)
        .li(T1, 1)
        .emit(asm.sw(T1, T0, 0), asm.jal(0, 0)),
    );
    const fail = program((p) =>
      p
        .li(T0, TOHOST)
        .li(T1, (5 << 1) | 1)
        .emit(asm.sw(T1, T0, 0), asm.jal(0, 0)),
    );
    const ok = await runElf(pass, { tier, maxInstructions: 1_000_000 });
    expect([ok.status, ok.reason]).toEqual([0, 'tohost: pass']);
    const bad = await runElf(fail, { tier, maxInstructions: 1_000_000 });
    expect([bad.status, bad.reason]).toEqual([5, 'tohost: test 5 failed']);
  });

  it('ends an endless loop at the instruction budget with status 124', async () => {
    const r = await runElf(buildElf(), { tier, maxInstructions: 100_000 });
    expect(r.status).toBe(EXIT.budget);
    expect(r.instructions).toBe(100_000);
    expect(r.reason).toMatch(/budget of 100000 exhausted at pc 0x80000000/);
  });

  it('reports a jump into unmapped memory as a fatal stop, not a hang', async () => {
    // mtvec is 0 after reset, so the fetch fault's handler cannot be fetched either.
    const r = await runElf(
      program((p) => p.li(T0, 0x4000_0000).emit(asm.jalr(0, T0, 0))),
      { tier, maxInstructions: 1_000_000 },
    );
    expect(r.status).toBe(EXIT.fatal);
    expect(r.reason).toMatch(/unrecoverable trap/);
  });

  it('detects a wfi that nothing can wake', async () => {
    const r = await runElf(
      program((p) => p.emit(asm.wfi(), asm.jal(0, -4))),
      { tier, maxInstructions: 1_000_000 },
    );
    expect(r.status).toBe(EXIT.deadlock);
  });

  it('wakes from wfi on a CLINT timer interrupt (virtual clock: instant and repeatable)', async () => {
    const MTIMECMP = VIRT.clint + 0x4000;
    const MTIME = VIRT.clint + 0xbff8;
    const elf = program((p) => {
      p.la(T0, 'handler').emit(asm.csrrw(0, 0x305, T0)); // mtvec
      p.li(T0, MTIME).emit(asm.lw(A0, T0, 0));
      p.li(A1, 10_000_000).emit(asm.add(A0, A0, A1)); // one second later
      p.li(T0, MTIMECMP).emit(asm.sw(0, T0, 4), asm.sw(A0, T0, 0));
      p.li(T0, 1 << 7).emit(asm.csrrs(0, 0x304, T0)); // mie.MTIE
      p.li(T0, 1 << 3).emit(asm.csrrs(0, 0x300, T0)); // mstatus.MIE
      p.label('idle').emit(asm.wfi());
      p.ref('idle', (o) => asm.jal(0, o));
      p.align(4).label('handler');
      putc(p, 'T');
      finish(p, 0x5555);
    });
    const started = Date.now();
    const r = await runElf(elf, { tier, clock: 'virtual', maxInstructions: 1_000_000 });
    expect(r.stdout).toBe('T');
    expect(r.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(900); // the virtual clock skipped the idle second
  });

  it('keeps the time CSR equal to mtime after the guest writes mtime, as QEMU does', async () => {
    const MTIME = VIRT.clint + 0xbff8;
    const SET = 0x1234_0000;
    const elf = program((p) => {
      p.li(T0, MTIME).emit(asm.sw(0, T0, 4));
      p.li(T1, SET).emit(asm.sw(T1, T0, 0));
      p.emit(asm.csrrs(A0, 0xc01, 0)); // rdtime
      p.li(T1, SET).emit(asm.sub(A0, A0, T1));
      p.li(A1, 1000);
      p.ref('close', (o) => asm.bltu(A0, A1, o)); // 0 <= rdtime - SET < 1000 ticks
      finish(p, 0x13333); // fail, status 1
      p.label('close');
      finish(p, 0x5555);
    });
    for (const clock of ['virtual', 'host'] as const) {
      const r = await runElf(elf, { tier, clock, maxInstructions: 10_000 });
      expect(r.status).toBe(0);
    }
  });

  it('serves semihosting: write to the console and exit with a status', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'evm-board-'));
    try {
      const elf = program((p) => {
        // SYS_WRITE0 (0x04) with a1 -> "hi\n"; SYS_EXIT_EXTENDED (0x20) with a1 -> { 0x20026, 3 }
        p.la(A1, 'msg').li(A0, 0x04);
        p.align(4).emit(asm.slli(0, 0, 0x1f), asm.ebreak(), asm.srai(0, 0, 7));
        p.la(A1, 'block').li(A0, 0x20);
        p.align(4).emit(asm.slli(0, 0, 0x1f), asm.ebreak(), asm.srai(0, 0, 7));
        p.emit(asm.jal(0, 0));
        p.align(4).label('block').emit(0x20026, 3);
        p.label('msg').emit(0x000a_6968);
      });
      const r = await runElf(elf, { tier, semihostRoot: dir, maxInstructions: 10_000 });
      expect(r.stdout).toBe('hi\n');
      expect(r.status).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('gives stdin to semihosting reads as well as to the UART', async () => {
    const semihost = (p: asm.Program, op: number) =>
      p
        .li(A0, op)
        .align(4)
        .emit(asm.slli(0, 0, 0x1f), asm.ebreak(), asm.srai(0, 0, 7));
    const elf = program((p) => {
      semihost(p, 0x07); // SYS_READC -> a0
      p.la(A1, 'cell').emit(asm.sw(A0, A1, 0));
      semihost(p, 0x03); // SYS_WRITEC of *a1
      // the UART's receive register holds the same input
      p.li(T0, VIRT.uart0).emit(asm.lbu(T1, T0, 0));
      p.la(A1, 'cell').emit(asm.sw(T1, A1, 0));
      semihost(p, 0x03);
      finish(p, 0x5555);
      p.align(4).label('cell').emit(0);
    });
    const r = await runElf(elf, { tier, stdin: 'xy', maxInstructions: 10_000 });
    expect(r.stdout).toBe('xx');
    expect(r.status).toBe(0);
  });
});

describe('ELF loading', () => {
  it('rejects a segment outside RAM, naming it', async () => {
    const bytes = buildElf({ entry: 0x1000 });
    const v = new DataView(bytes.buffer);
    v.setUint32(52 + 12, 0x1000, true); // p_paddr
    v.setUint32(52 + 8, 0x1000, true); // p_vaddr
    await expect(runElf(bytes)).rejects.toThrow(
      /segment at 0x00001000 \(4096 bytes\) lies outside RAM 0x80000000-0x87ffffff/,
    );
  });

  it('names a missing file', async () => {
    await expect(runElf(path.join(tmpdir(), 'no-such-evm.elf'))).rejects.toThrow(
      /cannot read .*no-such-evm\.elf: no such file/,
    );
  });
});
