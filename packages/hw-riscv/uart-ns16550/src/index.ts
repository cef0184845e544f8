import plugin from './plugin';

export default plugin;
export { ByteFifo } from './byte-fifo';
export { InputQueue } from './input-queue';
export { OutputBuffer } from './output-buffer';
export { createUart } from './plugin';
export {
  Fcr,
  FIFO_DEPTH,
  Ier,
  Iir,
  Lcr,
  Lsr,
  Mcr,
  Msr,
  TRIGGER_LEVELS,
  UART_SIZE,
  UartRegister,
} from './registers';
export { Ns16550a, type UartOptions } from './uart';
export { plugin };
