/** NS16550A register offsets (reg-shift 0: one byte each, as on QEMU virt). */
export const UartRegister = {
  /** Read: receive buffer (RBR); write: transmit holding (THR); with LCR.DLAB: divisor low (DLL). */
  data: 0,
  /** Interrupt enable (IER); with LCR.DLAB: divisor high (DLM). */
  interruptEnable: 1,
  /** Read: interrupt identification (IIR); write: FIFO control (FCR). */
  interruptId: 2,
  lineControl: 3,
  modemControl: 4,
  lineStatus: 5,
  modemStatus: 6,
  scratch: 7,
} as const;

/** Window size: eight byte registers (QEMU virt faults from offset 8 on). */
export const UART_SIZE = 8;

export const Ier = {
  receivedData: 0x01,
  transmitterEmpty: 0x02,
  lineStatus: 0x04,
  modemStatus: 0x08,
} as const;

export const Iir = {
  none: 0x01,
  lineStatus: 0x06,
  receivedData: 0x04,
  characterTimeout: 0x0c,
  transmitterEmpty: 0x02,
  modemStatus: 0x00,
  /** Bits 7:6 read 11 while the FIFOs are enabled. */
  fifosEnabled: 0xc0,
} as const;

export const Fcr = {
  enable: 0x01,
  clearReceive: 0x02,
  clearTransmit: 0x04,
  /** Bits 7:6 select the receive trigger level. */
  triggerShift: 6,
} as const;

/** Receive trigger levels selected by FCR bits 7:6. */
export const TRIGGER_LEVELS = [1, 4, 8, 14] as const;

export const Lcr = { divisorLatch: 0x80 } as const;

export const Mcr = {
  dtr: 0x01,
  rts: 0x02,
  out1: 0x04,
  out2: 0x08,
  loopback: 0x10,
  writable: 0x1f,
} as const;

export const Lsr = {
  dataReady: 0x01,
  overrun: 0x02,
  transmitterEmpty: 0x20,
  transmitterIdle: 0x40,
} as const;

export const Msr = {
  deltaCts: 0x01,
  deltaDsr: 0x02,
  trailingRi: 0x04,
  deltaDcd: 0x08,
  cts: 0x10,
  dsr: 0x20,
  ri: 0x40,
  dcd: 0x80,
} as const;

/** The receive FIFO's depth on a 16550A. */
export const FIFO_DEPTH = 16;
