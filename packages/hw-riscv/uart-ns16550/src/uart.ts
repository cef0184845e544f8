import {
  type AccessWidth,
  BusAccessFault,
  type ConsolePort,
  type IrqLine,
  type MmioDevice,
} from '@evm/contracts';
import { ByteFifo } from './byte-fifo';
import { InputQueue } from './input-queue';
import { OutputBuffer } from './output-buffer';
import {
  Fcr,
  FIFO_DEPTH,
  Ier,
  Iir,
  Lcr,
  Lsr,
  Mcr,
  Msr,
  UartRegister as R,
  TRIGGER_LEVELS,
  UART_SIZE,
} from './registers';

export interface UartOptions {
  /** Most host input bytes held while the guest does not read (default 1 MiB); more are dropped. */
  readonly inputLimit?: number;
}

/** Modem inputs with nothing attached (QEMU reports the same): CTS, DSR, DCD. */
const IDLE_MODEM_INPUTS = Msr.cts | Msr.dsr | Msr.dcd;

/**
 * An NS16550A UART. Transmission is instant: THR is empty again right after
 * each write (so the THR-empty interrupt follows every byte), and bytes go to
 * the console a line at a time. Received bytes come from the console into
 * the 16-byte FIFO (1 byte with FIFOs off) as it has room; the rest wait in
 * a bounded host-side queue. Baud rate and line settings are stored only.
 */
export class Ns16550a implements MmioDevice {
  readonly name = 'uart.ns16550a';
  readonly size = UART_SIZE;

  private readonly rx = new ByteFifo(FIFO_DEPTH);
  private readonly input: InputQueue;
  private readonly output: OutputBuffer;
  private detachInput: (() => void) | undefined;

  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private fifoEnabled = false;
  private triggerLevel = 1;
  /** Last byte read from RBR: what a 16450-mode read of an empty RBR returns. */
  private lastReceived = 0;
  private overrun = false;
  /** THR-empty interrupt condition: set when THR empties, cleared by IIR reads and THR writes. */
  private thrEmptyPending = false;
  /** MSR bits 7:4 as last reported and the accumulated delta bits 3:0. */
  private modemInputs = IDLE_MODEM_INPUTS;
  private modemDeltas = 0;
  private irqLevel = false;

  constructor(
    console: ConsolePort,
    private readonly irq: IrqLine | undefined,
    options: UartOptions = {},
    /** Physical base address, to name the faulting address of a bad access. */
    private readonly base = 0,
  ) {
    this.input = new InputQueue(options.inputLimit ?? 1 << 20);
    this.output = new OutputBuffer(console);
    this.reset();
    // Last: a console may deliver pending input from inside onInput.
    this.detachInput = console.onInput?.((bytes) => this.receive(bytes));
  }

  /** Host bytes queued but not yet in the FIFO. */
  get queuedInput(): number {
    return this.input.length;
  }

  /** Host bytes dropped because the queue was full. */
  get droppedInput(): number {
    return this.input.dropped;
  }

  reset(): void {
    this.output.flush();
    this.rx.clear();
    this.ier = 0;
    this.lcr = 0;
    this.mcr = Mcr.out2;
    this.scr = 0;
    // QEMU's power-on divisor (9600 baud from its 1.8432 MHz reference).
    this.dll = 0x0c;
    this.dlm = 0;
    this.setFifoMode(false);
    this.triggerLevel = 1;
    this.lastReceived = 0;
    this.overrun = false;
    this.thrEmptyPending = false;
    this.modemInputs = IDLE_MODEM_INPUTS;
    this.modemDeltas = 0;
    this.refill();
    this.irqLevel = true; // force the line to be driven low
    this.updateIrq();
  }

  /** Host input: queued, then moved into the FIFO as it has room. */
  receive(bytes: Uint8Array): void {
    if (this.input.push(bytes) > 0) this.overrun = true;
    this.refill();
    this.updateIrq();
  }

  /**
   * Any access width reaches the byte register at `offset` (the upper bytes
   * of a wider read are 0), as on QEMU.
   */
  read(offset: number, _width: AccessWidth): number {
    this.checkOffset(offset, false);
    switch (offset) {
      case R.data:
        if (this.lcr & Lcr.divisorLatch) return this.dll;
        return this.readReceived();
      case R.interruptEnable:
        return this.lcr & Lcr.divisorLatch ? this.dlm : this.ier;
      case R.interruptId: {
        const iir = this.interruptId();
        // Reading IIR acknowledges a THR-empty interrupt it reports.
        if ((iir & 0x0f) === Iir.transmitterEmpty) {
          this.thrEmptyPending = false;
          this.updateIrq();
        }
        return iir;
      }
      case R.lineControl:
        return this.lcr;
      case R.modemControl:
        return this.mcr;
      case R.lineStatus: {
        const lsr = this.lineStatus();
        if (this.overrun) {
          this.overrun = false;
          this.updateIrq();
        }
        return lsr;
      }
      case R.modemStatus: {
        const msr = this.modemInputs | this.modemDeltas;
        if (this.modemDeltas !== 0) {
          this.modemDeltas = 0;
          this.updateIrq();
        }
        return msr;
      }
      default:
        return this.scr;
    }
  }

  write(offset: number, _width: AccessWidth, value: number): void {
    this.checkOffset(offset, true);
    const byte = value & 0xff;
    switch (offset) {
      case R.data:
        if (this.lcr & Lcr.divisorLatch) this.dll = byte;
        else this.transmit(byte);
        return;
      case R.interruptEnable:
        if (this.lcr & Lcr.divisorLatch) this.dlm = byte;
        else this.writeInterruptEnable(byte & 0x0f);
        return;
      case R.interruptId:
        this.writeFifoControl(byte);
        return;
      case R.lineControl:
        this.lcr = byte;
        return;
      case R.modemControl:
        this.writeModemControl(byte & Mcr.writable);
        return;
      case R.scratch:
        this.scr = byte;
        return;
      // LSR and MSR are read-only.
    }
  }

  /** Sends buffered output to the console and takes in waiting input. */
  poll(): void {
    this.output.flush();
    this.refill();
    this.updateIrq();
  }

  close(): void {
    this.output.flush();
    this.detachInput?.();
    this.detachInput = undefined;
  }

  private checkOffset(offset: number, write: boolean): void {
    if (!(offset >= 0 && offset < UART_SIZE))
      throw new BusAccessFault((this.base + offset) >>> 0, write);
  }

  private readReceived(): number {
    const byte = this.rx.pop();
    if (byte >= 0) {
      this.lastReceived = byte;
      this.refill();
      this.updateIrq();
      return byte;
    }
    return this.fifoEnabled ? 0 : this.lastReceived;
  }

  private transmit(byte: number): void {
    if (this.mcr & Mcr.loopback) {
      // Loopback: the transmitter feeds the receiver; nothing leaves the chip.
      if (!this.rx.push(byte)) this.overrun = true;
    } else {
      this.output.write(byte);
    }
    this.thrEmptyPending = true;
    this.updateIrq();
  }

  private writeInterruptEnable(ier: number): void {
    const changed = this.ier ^ ier;
    this.ier = ier;
    // Enabling the THR-empty interrupt while THR is empty (always, here) raises
    // it at once: drivers start transmission this way (QEMU does the same).
    if (changed & Ier.transmitterEmpty) this.thrEmptyPending = (ier & Ier.transmitterEmpty) !== 0;
    this.updateIrq();
  }

  private writeFifoControl(fcr: number): void {
    const enable = (fcr & Fcr.enable) !== 0;
    if (enable !== this.fifoEnabled) {
      // Switching FIFO mode clears both FIFOs.
      this.setFifoMode(enable);
    } else if (fcr & Fcr.clearReceive) {
      this.rx.clear();
    }
    // The transmit FIFO is always empty: bytes leave as they are written.
    this.triggerLevel = TRIGGER_LEVELS[fcr >>> Fcr.triggerShift]!;
    this.refill();
    this.updateIrq();
  }

  private setFifoMode(enable: boolean): void {
    this.fifoEnabled = enable;
    this.rx.clear();
    this.rx.capacity = enable ? FIFO_DEPTH : 1;
  }

  private writeModemControl(mcr: number): void {
    const wasLoopback = (this.mcr & Mcr.loopback) !== 0;
    this.mcr = mcr;
    const inputs = mcr & Mcr.loopback ? loopbackInputs(mcr) : IDLE_MODEM_INPUTS;
    const changed = inputs ^ this.modemInputs;
    let deltas = 0;
    if (changed & Msr.cts) deltas |= Msr.deltaCts;
    if (changed & Msr.dsr) deltas |= Msr.deltaDsr;
    if (changed & Msr.dcd) deltas |= Msr.deltaDcd;
    if (changed & Msr.ri && !(inputs & Msr.ri)) deltas |= Msr.trailingRi;
    this.modemInputs = inputs;
    this.modemDeltas |= deltas;
    // Leaving loopback reconnects the host input.
    if (wasLoopback && !(mcr & Mcr.loopback)) this.refill();
    this.updateIrq();
  }

  /** Moves queued host input into the FIFO while it has room (not in loopback). */
  private refill(): void {
    if (this.mcr & Mcr.loopback) return;
    while (!this.rx.full) {
      const byte = this.input.shift();
      if (byte < 0) return;
      this.rx.push(byte);
    }
  }

  private lineStatus(): number {
    let lsr = Lsr.transmitterEmpty | Lsr.transmitterIdle;
    if (this.rx.length > 0) lsr |= Lsr.dataReady;
    if (this.overrun) lsr |= Lsr.overrun;
    return lsr;
  }

  /** IIR: the highest-priority enabled condition (16550 order). */
  private interruptId(): number {
    const fifoBits = this.fifoEnabled ? Iir.fifosEnabled : 0;
    const ier = this.ier;
    if (ier & Ier.lineStatus && this.overrun) return fifoBits | Iir.lineStatus;
    if (ier & Ier.receivedData && this.rx.length > 0) {
      // Without character timing, data below the trigger level reports the
      // character timeout at once: the guest has had time to read it.
      const triggered = !this.fifoEnabled || this.rx.length >= this.triggerLevel;
      return fifoBits | (triggered ? Iir.receivedData : Iir.characterTimeout);
    }
    if (ier & Ier.transmitterEmpty && this.thrEmptyPending) return fifoBits | Iir.transmitterEmpty;
    if (ier & Ier.modemStatus && this.modemDeltas !== 0) return fifoBits | Iir.modemStatus;
    return fifoBits | Iir.none;
  }

  private updateIrq(): void {
    const level = (this.interruptId() & Iir.none) === 0;
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    this.irq?.set(level);
  }
}

/** In loopback, the modem outputs feed the inputs: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
function loopbackInputs(mcr: number): number {
  let msr = 0;
  if (mcr & Mcr.rts) msr |= Msr.cts;
  if (mcr & Mcr.dtr) msr |= Msr.dsr;
  if (mcr & Mcr.out1) msr |= Msr.ri;
  if (mcr & Mcr.out2) msr |= Msr.dcd;
  return msr;
}
