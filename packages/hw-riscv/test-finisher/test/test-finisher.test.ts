import { BusAccessFault, type MachineControl } from '@evm/contracts';
import { TestFinisher } from '../src';

class RecordingControl implements MachineControl {
  stopRequested = false;
  readonly stops: Array<[number, string]> = [];
  requestStop(status: number, reason: string): void {
    this.stopRequested = true;
    this.stops.push([status, reason]);
  }
}

function finisher() {
  const control = new RecordingControl();
  return { control, device: new TestFinisher(control, 0x10_0000) };
}

describe('the test finisher', () => {
  it('passes on 0x5555', () => {
    const { control, device } = finisher();
    device.write(0, 4, 0x5555);
    expect(control.stops).toEqual([[0, 'test finisher: pass']]);
  });

  it('fails with the code in the upper half-word', () => {
    const { control, device } = finisher();
    device.write(0, 4, (42 << 16) | 0x3333);
    expect(control.stops).toEqual([[42, 'test finisher: fail with code 42']]);
    const big = finisher();
    big.device.write(0, 4, 0xffff_3333);
    expect(big.control.stops).toEqual([[0xffff, 'test finisher: fail with code 65535']]);
  });

  it('never reports a failure as status 0', () => {
    const { control, device } = finisher();
    device.write(0, 4, 0x3333);
    expect(control.stops).toEqual([[1, 'test finisher: fail with code 0']]);
  });

  it('stops with status 0 on a reset request', () => {
    const { control, device } = finisher();
    device.write(0, 4, 0x7777);
    expect(control.stops).toEqual([[0, 'reset requested']]);
  });

  it('accepts 16-bit writes, which carry no code', () => {
    const { control, device } = finisher();
    device.write(0, 2, 0x5555);
    device.write(0, 2, 0x3333);
    expect(control.stops).toEqual([
      [0, 'test finisher: pass'],
      [1, 'test finisher: fail with code 0'],
    ]);
  });

  it('ignores other values and other offsets', () => {
    const { control, device } = finisher();
    device.write(0, 4, 0x1234);
    device.write(0, 4, 0x5556);
    device.write(4, 4, 0x5555);
    device.write(0xffc, 4, 0x3333);
    expect(control.stops).toEqual([]);
    expect(control.stopRequested).toBe(false);
  });

  it('reads zero everywhere', () => {
    const { device } = finisher();
    expect(device.read(0, 4)).toBe(0);
    expect(device.read(0xffc, 4)).toBe(0);
    expect(device.read(2, 2)).toBe(0);
    expect(device.size).toBe(0x1000);
  });

  it('faults byte and misaligned accesses at their physical address', () => {
    const { control, device } = finisher();
    const fault = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const byteStore = fault(() => device.write(0, 1, 0x55));
    expect(byteStore).toBeInstanceOf(BusAccessFault);
    expect(byteStore).toMatchObject({ address: 0x10_0000, write: true });
    expect(fault(() => device.read(1, 1))).toMatchObject({ address: 0x10_0001, write: false });
    expect(fault(() => device.read(2, 4))).toMatchObject({ address: 0x10_0002, write: false });
    expect(fault(() => device.write(1, 2, 0x5555))).toBeInstanceOf(BusAccessFault);
    expect(control.stops).toEqual([]);
  });
});
