import { BusAccessFault } from '@evm/contracts';
import { RecordingConsole, RecordingLine } from '@evm/hw-testkit';
import { Ns16550a, UartRegister as R, type UartOptions } from '../src';

function uart(options: UartOptions = {}, initialInput?: string) {
  const console = new RecordingConsole(initialInput);
  const irq = new RecordingLine();
  const device = new Ns16550a(console, irq, options, 0x1000_0000);
  const readAll = () => {
    let text = '';
    while (device.read(R.lineStatus, 1) & 1) text += String.fromCharCode(device.read(R.data, 1));
    return text;
  };
  const send = (text: string) => {
    for (const ch of text) device.write(R.data, 1, ch.charCodeAt(0));
  };
  return { console, irq, device, readAll, send };
}

describe('NS16550A registers', () => {
  it('powers on with the values QEMU virt shows', () => {
    const { device, irq } = uart();
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((r) => device.read(r, 1))).toEqual([
      0x00, 0x00, 0x01, 0x00, 0x08, 0x60, 0xb0, 0x00,
    ]);
    device.write(R.lineControl, 1, 0x80);
    expect([device.read(0, 1), device.read(1, 1)]).toEqual([0x0c, 0x00]);
    expect(irq.level).toBe(false);
  });

  it('keeps the divisor latch apart from THR and IER while DLAB is set', () => {
    const { device, console } = uart();
    device.write(R.lineControl, 1, 0x83);
    device.write(0, 1, 0x01);
    device.write(1, 1, 0x02);
    device.write(R.lineControl, 1, 0x03);
    expect([device.read(R.interruptEnable, 1), device.read(R.lineControl, 1)]).toEqual([0, 3]);
    device.write(R.lineControl, 1, 0x83);
    expect([device.read(0, 1), device.read(1, 1)]).toEqual([1, 2]);
    device.poll();
    expect(console.writes).toEqual([]);
  });

  it('keeps 4 IER bits, 5 MCR bits, the scratch byte; LSR and MSR ignore writes', () => {
    const { device } = uart();
    device.write(R.interruptEnable, 1, 0xf0);
    expect(device.read(R.interruptEnable, 1)).toBe(0);
    device.write(R.modemControl, 1, 0xe8);
    expect(device.read(R.modemControl, 1)).toBe(0x08);
    device.write(R.scratch, 1, 0x5a);
    expect(device.read(R.scratch, 1)).toBe(0x5a);
    device.write(R.lineStatus, 1, 0);
    device.write(R.modemStatus, 1, 0);
    expect([device.read(R.lineStatus, 1), device.read(R.modemStatus, 1)]).toEqual([0x60, 0xb0]);
  });

  it('reaches the byte register at the offset whatever the width; faults from offset 8 on', () => {
    const { device } = uart();
    expect(device.read(R.modemControl, 4)).toBe(0x08);
    expect(device.read(R.modemStatus, 2)).toBe(0xb0);
    device.write(R.scratch - 3, 4, 0x1234_5608); // MCR takes the low byte
    expect(device.read(R.modemControl, 1)).toBe(0x08);
    let fault: unknown;
    try {
      device.read(8, 1);
    } catch (e) {
      fault = e;
    }
    expect(fault).toBeInstanceOf(BusAccessFault);
    expect(fault).toMatchObject({ address: 0x1000_0008, write: false });
    expect(() => device.write(-1, 1, 0)).toThrow(BusAccessFault);
  });

  it('reports FIFO mode in IIR bits 7:6', () => {
    const { device } = uart();
    device.write(R.interruptId, 1, 0x01);
    expect(device.read(R.interruptId, 1)).toBe(0xc1);
    device.write(R.interruptId, 1, 0xc7);
    expect(device.read(R.interruptId, 1)).toBe(0xc1);
    device.write(R.interruptId, 1, 0x00);
    expect(device.read(R.interruptId, 1)).toBe(0x01);
  });
});

describe('NS16550A transmit', () => {
  it('writes a line at a time to the console', () => {
    const { console, send } = uart();
    send('hello\nwor');
    expect(console.writes).toEqual(['hello\n']);
    send('ld\n');
    expect(console.writes).toEqual(['hello\n', 'world\n']);
  });

  it('flushes partial lines on poll and close', () => {
    const { console, device, send } = uart();
    send('$ ');
    expect(console.writes).toEqual([]);
    device.poll();
    expect(console.writes).toEqual(['$ ']);
    device.poll();
    send('x');
    device.close();
    expect(console.writes).toEqual(['$ ', 'x']);
  });

  it('flushes a long line when the buffer is full, losing nothing', () => {
    const { console, device, send } = uart();
    const long = 'a'.repeat(10_000);
    send(long);
    device.poll();
    expect(console.writes.length).toBe(3);
    expect(console.text).toBe(long);
  });

  it('always shows THR empty; the THR-empty interrupt follows IER and each write', () => {
    const { device, irq, send } = uart();
    device.write(R.interruptId, 1, 0x01);
    device.write(R.interruptEnable, 1, 0x02);
    expect(irq.level).toBe(true);
    expect(device.read(R.interruptId, 1)).toBe(0xc2);
    // Reading IIR acknowledged it.
    expect(device.read(R.interruptId, 1)).toBe(0xc1);
    expect(irq.level).toBe(false);
    send('a');
    expect(irq.level).toBe(true);
    expect(device.read(R.lineStatus, 1) & 0x60).toBe(0x60);
    device.write(R.interruptEnable, 1, 0x00);
    expect(irq.level).toBe(false);
    send('b');
    expect(irq.level).toBe(false);
  });
});

describe('NS16550A receive', () => {
  it('delivers console input through RBR with LSR data-ready', () => {
    const { console, device, readAll } = uart();
    device.write(R.interruptId, 1, 0x07);
    console.type('ab');
    expect(device.read(R.lineStatus, 1)).toBe(0x61);
    expect(readAll()).toBe('ab');
    expect(device.read(R.lineStatus, 1)).toBe(0x60);
    expect(device.read(R.data, 1)).toBe(0); // FIFO mode: empty reads 0
  });

  it('holds one byte without FIFOs and queues the rest in order', () => {
    const { console, device, readAll } = uart();
    console.type('xyz');
    expect(device.queuedInput).toBe(2);
    expect(readAll()).toBe('xyz');
    expect(device.read(R.data, 1)).toBe('z'.charCodeAt(0)); // 16450 mode: the last byte again
  });

  it('fills the 16-byte FIFO and refills it as the guest reads', () => {
    const { console, device, readAll } = uart();
    device.write(R.interruptId, 1, 0x01);
    const text = 'the quick brown fox jumps over the lazy dog';
    console.type(text);
    expect(device.queuedInput).toBe(text.length - 16);
    expect(readAll()).toBe(text);
    expect(device.queuedInput).toBe(0);
  });

  it('takes input a console delivers while the UART attaches', () => {
    const { readAll } = uart({}, 'early');
    expect(readAll()).toBe('early');
  });

  it('interrupts for received data, below the trigger level as a character timeout', () => {
    const { console, device, irq, readAll } = uart();
    device.write(R.interruptEnable, 1, 0x01);
    console.type('k');
    expect(irq.level).toBe(true);
    expect(device.read(R.interruptId, 1)).toBe(0x04);
    readAll();
    expect(irq.level).toBe(false);
    device.write(R.interruptId, 1, 0x81); // FIFO on, trigger at 8
    console.type('abc');
    expect(device.read(R.interruptId, 1)).toBe(0xcc);
    console.type('defgh');
    expect(device.read(R.interruptId, 1)).toBe(0xc4);
    readAll();
    expect(device.read(R.interruptId, 1)).toBe(0xc1);
    expect(irq.level).toBe(false);
  });

  it('reports received data before THR empty', () => {
    const { console, device } = uart();
    device.write(R.interruptEnable, 1, 0x03);
    console.type('q');
    expect(device.read(R.interruptId, 1)).toBe(0x04);
    device.read(R.data, 1);
    expect(device.read(R.interruptId, 1)).toBe(0x02);
  });

  it('drops input beyond the limit and reports an overrun once', () => {
    const { console, device, irq, readAll } = uart({ inputLimit: 4 });
    device.write(R.interruptEnable, 1, 0x04);
    console.type('0123456789');
    expect(device.droppedInput).toBe(6);
    expect(irq.level).toBe(true);
    expect(device.read(R.interruptId, 1)).toBe(0x06);
    expect(device.read(R.lineStatus, 1)).toBe(0x63);
    expect(device.read(R.lineStatus, 1)).toBe(0x61);
    expect(irq.level).toBe(false);
    expect(readAll()).toBe('0123');
  });

  it('clears the receive FIFO on request and when FIFO mode changes', () => {
    const { console, device, readAll } = uart();
    device.write(R.interruptId, 1, 0x01);
    console.type('abcd');
    device.write(R.interruptId, 1, 0x03);
    expect(readAll()).toBe('');
    console.type('ef');
    device.write(R.interruptId, 1, 0x00);
    expect(readAll()).toBe('');
  });

  it('stops taking input once closed', () => {
    const { console, device, readAll } = uart();
    device.close();
    expect(console.attached).toBe(false);
    console.type('late');
    expect(readAll()).toBe('');
  });

  it('works with a console that has no input', () => {
    const device = new Ns16550a({ write() {} }, undefined);
    device.write(R.interruptEnable, 1, 0x02);
    expect(device.read(R.interruptId, 1)).toBe(0x02);
    expect(device.read(R.lineStatus, 1)).toBe(0x60);
  });
});

describe('NS16550A loopback and modem status', () => {
  it('loops transmitted bytes back to the receiver and holds host input meanwhile', () => {
    const { console, device, readAll, send } = uart();
    device.write(R.interruptId, 1, 0x01);
    device.write(R.modemControl, 1, 0x18);
    send('ping');
    console.type('host');
    expect(readAll()).toBe('ping');
    device.poll();
    expect(console.writes).toEqual([]);
    device.write(R.modemControl, 1, 0x08);
    expect(readAll()).toBe('host');
  });

  it('overruns a full receiver in loopback', () => {
    const { device, send } = uart();
    device.write(R.modemControl, 1, 0x10);
    send('ab'); // 16450 mode: room for one byte
    expect(device.read(R.lineStatus, 1)).toBe(0x63);
    expect(device.read(R.data, 1)).toBe('a'.charCodeAt(0));
  });

  it('maps modem outputs to inputs in loopback, with delta bits and their interrupt', () => {
    const { device, irq } = uart();
    device.write(R.interruptEnable, 1, 0x08);
    device.write(R.modemControl, 1, 0x10 | 0x08); // loopback, OUT2 -> DCD; CTS and DSR drop
    expect(irq.level).toBe(true);
    expect(device.read(R.interruptId, 1)).toBe(0x00);
    expect(device.read(R.modemStatus, 1)).toBe(0x80 | 0x02 | 0x01);
    expect(irq.level).toBe(false);
    device.write(R.modemControl, 1, 0x10 | 0x0f);
    expect(device.read(R.modemStatus, 1)).toBe(0xf0 | 0x02 | 0x01);
    device.write(R.modemControl, 1, 0x10 | 0x0b); // OUT1 falls: RI trailing edge
    expect(device.read(R.modemStatus, 1)).toBe(0xb0 | 0x04);
    device.write(R.modemControl, 1, 0x08);
    expect(device.read(R.modemStatus, 1)).toBe(0xb0);
  });
});

describe('NS16550A interrupt line and reset', () => {
  it('drives the line only when its level changes', () => {
    const { device, irq, send } = uart();
    const start = irq.calls;
    device.write(R.interruptEnable, 1, 0x02);
    send('abc');
    expect(irq.calls - start).toBe(1);
  });

  it('reset flushes output and restores power-on registers', () => {
    const { console, device, irq, send } = uart();
    device.write(R.interruptEnable, 1, 0x02);
    device.write(R.lineControl, 1, 0x03);
    send('bye');
    device.reset();
    expect(console.writes).toEqual(['bye']);
    expect(irq.level).toBe(false);
    expect([device.read(1, 1), device.read(2, 1), device.read(3, 1)]).toEqual([0, 1, 0]);
  });
});
