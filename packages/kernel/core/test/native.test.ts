import {
  AsndOp,
  CapType,
  CaptblOp,
  type ComponentFault,
  type KernelPort,
  Kerr,
  type NativeComponentFactory,
  RcvOp,
  SelfOp,
} from '@evm/contracts';
import { testSystem } from './helpers';

/** A server: op 1 adds, op 2 returns three results, op 3 throws, op 4 reports its instance and call count. */
function mathServer(created: { count: number }): NativeComponentFactory {
  return () => {
    const instance = ++created.count;
    let calls = 0;
    return {
      serve(entry, op, a0, a1, a2, a3, r) {
        calls++;
        switch (op) {
          case 1:
            return a0 + a1 + a2 + a3;
          case 2:
            r[1] = a0 * 2;
            r[2] = entry;
            r[3] = -7;
            return 42;
          case 3:
            throw new Error('server bug');
          case 4:
            r[1] = calls;
            return instance;
        }
        return Kerr.Invalid;
      },
    };
  };
}

/** A client thread that runs `body` once with its port, recording what it returns. */
function runOnce(body: (port: KernelPort) => unknown, out: unknown[]): NativeComponentFactory {
  return () => ({
    threads: {
      *main(port) {
        out.push(body(port));
      },
    },
  });
}

describe('native invocation', () => {
  it('runs the server on the caller thread with op, arguments, entry word and results', () => {
    const sys = testSystem();
    const created = { count: 0 };
    const server = sys.kernel.createNativeComponent('math', mathServer(created));
    const out: unknown[] = [];
    const client = sys.kernel.createNativeComponent(
      'client',
      runOnce((port) => {
        const sum = port.call(1, 1, 1, 2, 3, 4);
        const ret = port.call(1, 2, 21);
        return [sum, ret, [...port.results], port.threadId];
      }, out),
    );
    sys.connect(client, server, 1, 9);
    const t = sys.spawn(client, { name: 'main' });
    expect(sys.kernel.run({ maxCycles: 1e6 })).toBe('idle');
    expect(out).toEqual([[10, 42, [42, 42, 9, -7], t.id]]);
  });

  it('tells a component the type of a slot of its own table (SelfOp.CapType), empty or not', () => {
    const sys = testSystem();
    const out: unknown[] = [];
    const client = sys.kernel.createNativeComponent(
      'client',
      runOnce(
        (port) => [0, 1, 9, 0x7fff_ffff, -1].map((slot) => port.call(0, SelfOp.CapType, slot)),
        out,
      ),
    );
    const other = sys.kernel.createNativeComponent('other', () => ({ threads: { *main() {} } }));
    const e = sys.kernel.createEndpoint(sys.kernel.createThread(other, { name: 'main' }));
    sys.kernel.grant(client, CapType.Asnd, e, 1);
    sys.spawn(client, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(out).toEqual([[CapType.Self, CapType.Asnd, CapType.None, CapType.None, CapType.None]]);
  });

  it('checks capability types and operations', () => {
    const sys = testSystem();
    const out: unknown[] = [];
    const client = sys.kernel.createNativeComponent(
      'client',
      runOnce(
        (port) => [
          port.call(0, 99), // unknown self operation
          port.call(0, SelfOp.Whoami),
          port.call(1, 7), // an asnd capability does not know operation 7
          port.call(2, RcvOp.Poll), // someone else's endpoint: granted as asnd here
        ],
        out,
      ),
    );
    const other = sys.kernel.createNativeComponent('other', () => ({ threads: { *main() {} } }));
    const e = sys.kernel.createEndpoint(sys.kernel.createThread(other, { name: 'main' }));
    sys.kernel.grant(client, CapType.Asnd, e, 1);
    sys.kernel.grant(client, CapType.Asnd, e, 2);
    const t = sys.spawn(client, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(out).toEqual([[Kerr.Invalid, t.id, Kerr.Invalid, Kerr.Invalid]]);
  });

  it('nests invocations up to the stack bound, then reports overflow', () => {
    const sys = testSystem({ invocationDepth: 4 });
    const depths: number[] = [];
    const recursive = sys.kernel.createNativeComponent('rec', () => ({
      serve(_e, _op, a0) {
        const port = sys.kernel.component('rec')!.port!;
        port.call(0, SelfOp.Whoami);
        depths.push(port.results[2]!);
        return a0 > 0 ? port.call(1, 0, a0 - 1) : 0;
      },
    }));
    sys.connect(recursive, recursive, 1);
    const out: number[] = [];
    const client = sys.kernel.createNativeComponent('client', () => ({
      threads: {
        *main(port) {
          out.push(port.call(1, 0, 2));
          out.push(port.call(1, 0, 10));
        },
      },
    }));
    sys.connect(client, recursive, 1);
    sys.spawn(client, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(out).toEqual([0, Kerr.Overflow]);
    expect(depths.slice(0, 3)).toEqual([1, 2, 3]);
    expect(Math.max(...depths)).toBe(4);
  });

  it('refuses a port used outside its own component', () => {
    const sys = testSystem();
    let stolen: KernelPort | undefined;
    const faults: ComponentFault[] = [];
    sys.kernel.onFault((f) => faults.push(f));
    const victim = sys.kernel.createNativeComponent('victim', () => ({
      init(port) {
        stolen = port;
      },
    }));
    sys.kernel.initComponent(victim);
    let tries = 0;
    const thief = sys.kernel.createNativeComponent('thief', () => ({
      threads: {
        *main() {
          if (tries++ === 0) stolen!.call(0, SelfOp.Whoami);
        },
      },
    }));
    sys.spawn(thief, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(faults).toHaveLength(1);
    expect(tries).toBe(2); // rebooted, started over, and finished
    expect(faults[0]!.component).toBe('thief');
    expect(faults[0]!.message).toMatch(
      /component "victim" called the kernel while "thief" was executing/,
    );
    expect(() => stolen!.call(0, SelfOp.Whoami)).toThrow(/no thread was executing/);
  });
});

describe('faults in native components', () => {
  it('a throwing server is micro-rebooted; its client gets Rebooted, retries, and finds fresh state', () => {
    const sys = testSystem();
    const created = { count: 0 };
    const faults: ComponentFault[] = [];
    sys.kernel.onFault((f) => faults.push(f));
    const server = sys.kernel.createNativeComponent('math', mathServer(created));
    const out: number[] = [];
    const client = sys.kernel.createNativeComponent('client', () => ({
      threads: {
        *main(port) {
          out.push(port.call(1, 4), port.results[1]!); // instance 1, 1 call
          out.push(port.call(1, 4), port.results[1]!); // instance 1, 2 calls
          out.push(port.call(1, 3)); // throws
          out.push(port.call(1, 4), port.results[1]!); // instance 2, 1 call
        },
      },
    }));
    sys.connect(client, server, 1);
    sys.spawn(client, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(out).toEqual([1, 1, 1, 2, Kerr.Rebooted, 2, 1]);
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({ component: 'math', kind: 'exception' });
    expect(faults[0]!.message).toMatch(/threw Error: server bug/);
    expect(server.reboots).toBe(1);
  });

  it('invoking a capability it does not hold faults the caller, which is rebooted and starts over', () => {
    const sys = testSystem();
    let starts = 0;
    const faults: ComponentFault[] = [];
    sys.kernel.onFault((f) => faults.push(f));
    const bad = sys.kernel.createNativeComponent('bad', () => ({
      threads: {
        *main(port) {
          starts++;
          if (starts <= 2) port.call(17, 0); // never granted
          yield port.wait(0, SelfOp.Exit);
        },
      },
    }));
    sys.spawn(bad, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(starts).toBe(3);
    expect(faults.map((f) => f.kind)).toEqual(['no-capability', 'no-capability']);
    expect(faults[0]!.message).toMatch(/capability 17/);
    expect(bad.reboots).toBe(2);
  });

  it('a fault swallowed by the component is still handled', () => {
    const sys = testSystem();
    const faults: ComponentFault[] = [];
    sys.kernel.onFault((f) => faults.push(f));
    const sneaky = sys.kernel.createNativeComponent('sneaky', () => ({
      threads: {
        *main(port) {
          try {
            port.call(40, 0);
          } catch {
            // pretend nothing happened
          }
          yield port.wait(0, SelfOp.Exit);
        },
      },
    }));
    sys.spawn(sneaky, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e5 });
    expect(faults.length).toBeGreaterThanOrEqual(1);
    expect(faults[0]!.kind).toBe('no-capability');
  });

  it('onFault "stop" deactivates the server; clients get Dead from then on', () => {
    const sys = testSystem();
    const created = { count: 0 };
    const server = sys.kernel.createNativeComponent('math', mathServer(created));
    server.faultAction = 'stop';
    const out: number[] = [];
    const client = sys.kernel.createNativeComponent('client', () => ({
      threads: {
        *main(port) {
          out.push(port.call(1, 3), port.call(1, 1, 1));
        },
      },
    }));
    sys.connect(client, server, 1);
    sys.spawn(client, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(out).toEqual([Kerr.Dead, Kerr.Dead]);
    expect(sys.kernel.inspect().components.find((c) => c.name === 'math')!.state).toBe('stopped');
  });

  it('a fault in a nested server unwinds only to its caller; the middle component keeps running', () => {
    const sys = testSystem();
    const seen: number[] = [];
    const inner = sys.kernel.createNativeComponent('inner', () => ({
      serve() {
        throw new TypeError('boom');
      },
    }));
    const middle = sys.kernel.createNativeComponent('middle', () => ({
      serve(_e, _op, _a0, _a1, _a2, _a3, r) {
        const port = sys.kernel.component('middle')!.port!;
        seen.push(port.call(1, 0));
        r[1] = 5;
        return 77;
      },
    }));
    const out: number[] = [];
    const client = sys.kernel.createNativeComponent('client', () => ({
      threads: {
        *main(port) {
          out.push(port.call(1, 0), port.results[1]!);
        },
      },
    }));
    sys.connect(middle, inner, 1);
    sys.connect(client, middle, 1);
    sys.spawn(client, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(seen).toEqual([Kerr.Rebooted]);
    expect(out).toEqual([77, 5]);
  });

  it('a component may reboot another through a component capability; threads inside it unwind', () => {
    const sys = testSystem();
    const created = { count: 0 };
    const server = sys.kernel.createNativeComponent('math', mathServer(created));
    const out: number[] = [];
    const manager = sys.kernel.createNativeComponent('manager', () => ({
      threads: {
        *main(port) {
          out.push(port.call(2, 4)); // instance 1
          out.push(port.call(1, 1)); // ComponentOp.Reboot
          out.push(port.call(2, 4)); // instance 2
          out.push(port.call(1, 0), port.results[1]!); // status: active, 1 reboot
        },
      },
    }));
    sys.kernel.grant(manager, CapType.Component, server, 1);
    sys.connect(manager, server, 2);
    sys.spawn(manager, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(out).toEqual([1, Kerr.Ok, 2, 1, 1]);
  });
});

describe('asynchronous endpoints and blocking', () => {
  it('a receiver blocks until sends arrive and takes all pending events at once', () => {
    const sys = testSystem();
    const log: string[] = [];
    const rx = sys.kernel.createNativeComponent('rx', () => ({
      threads: {
        *main(port) {
          for (let i = 0; i < 2; i++) {
            const n: number = yield port.wait(1, RcvOp.Wait);
            log.push(`rx ${n}`);
          }
        },
      },
    }));
    const rxThread = sys.spawn(rx, { name: 'main' });
    const e = sys.kernel.createEndpoint(rxThread);
    sys.kernel.grant(rx, CapType.Rcv, e, 1);
    const tx = sys.kernel.createNativeComponent('tx', () => ({
      threads: {
        *main(port) {
          // rx blocked first: the first send wakes it with one event, the next two wait for it.
          const sent = [
            port.call(1, AsndOp.Send),
            port.call(1, AsndOp.Send),
            port.call(1, AsndOp.Send),
          ];
          log.push(`sent ${sent.join(',')}`);
          yield port.wait(0, SelfOp.Yield);
        },
      },
    }));
    sys.kernel.grant(tx, CapType.Asnd, e, 1);
    sys.spawn(tx, { name: 'main' });
    expect(sys.kernel.run({ maxCycles: 1e6 })).toBe('idle');
    expect(log).toEqual(['sent 0,0,0', 'rx 1', 'rx 2']);
  });

  it('a blocking operation from a synchronous call returns WouldBlock', () => {
    const sys = testSystem();
    const out: number[] = [];
    const comp = sys.kernel.createNativeComponent('c', () => ({
      threads: {
        *main(port) {
          out.push(port.call(1, RcvOp.Wait), port.call(0, SelfOp.Yield), port.call(1, RcvOp.Poll));
        },
      },
    }));
    const t = sys.spawn(comp, { name: 'main' });
    sys.kernel.grant(comp, CapType.Rcv, sys.kernel.createEndpoint(t), 1);
    sys.kernel.run({ maxCycles: 1e6 });
    expect(out).toEqual([Kerr.WouldBlock, Kerr.WouldBlock, 0]);
  });

  it('interrupts become sends to the bound endpoint', () => {
    const sys = testSystem();
    const got: number[] = [];
    const drv = sys.kernel.createNativeComponent('drv', () => ({
      threads: {
        *irq(port) {
          for (;;) got.push(yield port.wait(1, RcvOp.Wait));
        },
      },
    }));
    const t = sys.spawn(drv, { name: 'irq' });
    const e = sys.kernel.createEndpoint(t);
    sys.kernel.grant(drv, CapType.Rcv, e, 1);
    sys.kernel.bindInterrupt(5, e);
    expect(sys.kernel.run({ maxCycles: 1e6 })).toBe('idle');
    sys.kernel.interrupt(5);
    expect(sys.kernel.run({ maxCycles: 1e6 })).toBe('idle');
    const line = sys.kernel.irqLine(5);
    line.set(true);
    line.set(true); // still high: no new edge
    line.set(false);
    line.set(true);
    expect(sys.kernel.run({ maxCycles: 1e6 })).toBe('idle');
    expect(got).toEqual([1, 1]);
    expect(() => sys.kernel.interrupt(5000)).toThrow(/interrupt line/);
  });
});

describe('capability tables', () => {
  it('authority moves by copying; removal revokes it; reboot restores the boot capabilities', () => {
    const sys = testSystem();
    const created = { count: 0 };
    const server = sys.kernel.createNativeComponent('math', mathServer(created));
    const out: number[] = [];
    const grantee = sys.kernel.createNativeComponent('grantee', () => ({
      serve() {
        const port = sys.kernel.component('grantee')!.port!;
        return port.call(3, 1, 20, 22); // the copied gate
      },
    }));
    const owner = sys.kernel.createNativeComponent('owner', () => ({
      threads: {
        *main(port) {
          out.push(port.call(2, CaptblOp.Type, 3)); // empty
          out.push(port.call(2, CaptblOp.Copy, 1, 3)); // copy my gate into grantee's slot 3
          out.push(port.call(2, CaptblOp.Copy, 1, 3)); // busy now
          out.push(port.call(2, CaptblOp.Type, 3));
          out.push(port.call(4, 0)); // grantee uses it
          out.push(port.call(2, CaptblOp.Remove, 3));
          out.push(port.call(2, CaptblOp.Copy, 9, 4)); // nothing in my slot 9
        },
      },
    }));
    sys.connect(owner, server, 1);
    sys.kernel.grant(owner, CapType.Captbl, grantee.captbl, 2);
    sys.connect(owner, grantee, 4);
    sys.kernel.sealBoot(grantee);
    sys.spawn(owner, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(out).toEqual([
      CapType.None,
      Kerr.Ok,
      Kerr.Busy,
      CapType.Sinv,
      42,
      Kerr.Ok,
      Kerr.NoEntry,
    ]);
    // With the copy removed, the grantee invoking slot 3 faults.
    const faults: ComponentFault[] = [];
    sys.kernel.onFault((f) => faults.push(f));
    const again = sys.kernel.createNativeComponent('again', () => ({
      threads: {
        *main(port) {
          out.push(port.call(1, 0));
        },
      },
    }));
    sys.connect(again, grantee, 1);
    sys.spawn(again, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(faults.map((f) => [f.component, f.kind])).toEqual([['grantee', 'no-capability']]);
    expect(out.at(-1)).toBe(Kerr.Rebooted);
    expect(grantee.captbl.types[3]).toBe(CapType.None);
  });
});
