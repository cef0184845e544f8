/**
 * Numbers of the semihosting interface: operation codes (a0), stop reasons,
 * open modes and extension bits. RISC-V semihosting reuses the Arm
 * semihosting numbering; on RV32 every parameter block field is 4 bytes.
 */

export const SYS = {
  OPEN: 0x01,
  CLOSE: 0x02,
  WRITEC: 0x03,
  WRITE0: 0x04,
  WRITE: 0x05,
  READ: 0x06,
  READC: 0x07,
  ISERROR: 0x08,
  ISTTY: 0x09,
  SEEK: 0x0a,
  FLEN: 0x0c,
  TMPNAM: 0x0d,
  REMOVE: 0x0e,
  RENAME: 0x0f,
  CLOCK: 0x10,
  TIME: 0x11,
  SYSTEM: 0x12,
  ERRNO: 0x13,
  GET_CMDLINE: 0x15,
  HEAPINFO: 0x16,
  EXIT: 0x18,
  EXIT_EXTENDED: 0x20,
  ELAPSED: 0x30,
  TICKFREQ: 0x31,
} as const;

export type SemihostingOperation = (typeof SYS)[keyof typeof SYS];

/** The stop reason of a normal program exit; every other reason is a failure. */
export const ADP_STOPPED_APPLICATION_EXIT = 0x20026;

/** Names of the stop reasons, for exit messages. */
export const STOP_REASONS: Readonly<Record<number, string>> = {
  131072: 'BranchThroughZero',
  131073: 'UndefinedInstr',
  131074: 'SoftwareInterrupt',
  131075: 'PrefetchAbort',
  131076: 'DataAbort',
  131077: 'AddressException',
  131078: 'IRQ',
  131079: 'FIQ',
  131104: 'BreakPoint',
  131105: 'WatchPoint',
  131106: 'StepComplete',
  131107: 'RunTimeErrorUnknown',
  131108: 'InternalError',
  131109: 'UserInterruption',
  131110: 'ApplicationExit',
  131111: 'StackOverflow',
  131112: 'DivisionByZero',
  131113: 'OSSpecific',
};

/**
 * What a SYS_OPEN mode (0..11: r, rb, r+, r+b, w, wb, w+, w+b, a, ab, a+, a+b)
 * allows. The "a" modes are marked `append`, but writes still go to the
 * current position, which starts at 0: QEMU 7.2 behaves so, and picolibc
 * relies on it, since it opens O_WRONLY / O_RDWR files (without O_TRUNC) with
 * "a" / "a+" and seeks to the end itself when the program asked to append.
 */
export interface OpenMode {
  readonly text: string;
  readonly read: boolean;
  readonly write: boolean;
  readonly create: boolean;
  readonly truncate: boolean;
  readonly append: boolean;
}

const BASE_MODES: readonly Omit<OpenMode, 'text'>[] = [
  { read: true, write: false, create: false, truncate: false, append: false }, // r
  { read: true, write: true, create: false, truncate: false, append: false }, // r+
  { read: false, write: true, create: true, truncate: true, append: false }, // w
  { read: true, write: true, create: true, truncate: true, append: false }, // w+
  { read: false, write: true, create: true, truncate: false, append: true }, // a
  { read: true, write: true, create: true, truncate: false, append: true }, // a+
];
const MODE_TEXT = ['r', 'rb', 'r+', 'r+b', 'w', 'wb', 'w+', 'w+b', 'a', 'ab', 'a+', 'a+b'];

/** The open mode for a SYS_OPEN mode number, or undefined when it is not one. */
export function openMode(mode: number): OpenMode | undefined {
  if (!Number.isInteger(mode) || mode < 0 || mode > 11) return undefined;
  // Pairs of modes differ only in "b", which means nothing on the host.
  return { ...BASE_MODES[mode >> 1]!, text: MODE_TEXT[mode]! };
}

/** Bits of the first feature byte in the ":semihosting-features" file. */
export const SH_EXT_EXIT_EXTENDED = 1 << 0;
export const SH_EXT_STDOUT_STDERR = 1 << 1;

/** Magic that starts the ":semihosting-features" file. */
export const FEATURE_MAGIC = [0x53, 0x48, 0x46, 0x42] as const; // "SHFB"
