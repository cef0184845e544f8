import { TERMIOS_BYTES } from './sysno';

/** NetBSD `struct termios` on RV32: four u32 flag words, c_cc[20], then input and output speeds. */
export const TermiosOffset = {
  iflag: 0,
  oflag: 4,
  cflag: 8,
  lflag: 12,
  cc: 16,
  ispeed: 36,
  ospeed: 40,
} as const;
/** Flag bits of NetBSD's termios the defaults use. */
export const TERMIOS = {
  iflag: { BRKINT: 0x2, ICRNL: 0x100, IXON: 0x200, IXANY: 0x800, IMAXBEL: 0x2000 },
  oflag: { OPOST: 0x1, ONLCR: 0x2 },
  cflag: { CS8: 0x300, CREAD: 0x800, HUPCL: 0x4000 },
  lflag: {
    ECHOKE: 0x1,
    ECHOE: 0x2,
    ECHO: 0x8,
    ECHOCTL: 0x40,
    ISIG: 0x80,
    ICANON: 0x100,
    IEXTEN: 0x400,
  },
} as const;
/** Indexes of c_cc and their default characters (NetBSD's ttydefaults). */
const CC_DEFAULTS: ReadonlyArray<[number, number]> = [
  [0, 0x04], // VEOF ^D
  [1, 0xff], // VEOL (disabled)
  [2, 0xff], // VEOL2 (disabled)
  [3, 0x7f], // VERASE DEL
  [4, 0x17], // VWERASE ^W
  [5, 0x15], // VKILL ^U
  [6, 0x12], // VREPRINT ^R
  [8, 0x03], // VINTR ^C
  [9, 0x1c], // VQUIT ^\
  [10, 0x1a], // VSUSP ^Z
  [12, 0x11], // VSTART ^Q
  [13, 0x13], // VSTOP ^S
  [14, 0x16], // VLNEXT ^V
  [15, 0x0f], // VDISCARD ^O
  [16, 1], // VMIN
  [17, 0], // VTIME
  [18, 0x14], // VSTATUS ^T
];
const DEFAULT_SPEED = 115_200;

/**
 * What the RK keeps for a terminal: its termios and window size, as
 * `tcgetattr`/`tcsetattr` and `TIOCGWINSZ`/`TIOCSWINSZ` see them. The
 * console service carries bytes as they are; the settings are for the
 * application's own line handling (and `isatty`).
 */
export class TtyState {
  readonly termios = new Uint8Array(TERMIOS_BYTES);
  /** `struct winsize`: rows, columns, x and y pixels (u16 each). */
  readonly winsize = new Uint8Array(8);

  constructor() {
    const v = new DataView(this.termios.buffer);
    const { iflag, oflag, cflag, lflag } = TERMIOS;
    v.setUint32(
      TermiosOffset.iflag,
      iflag.BRKINT | iflag.ICRNL | iflag.IXON | iflag.IXANY | iflag.IMAXBEL,
      true,
    );
    v.setUint32(TermiosOffset.oflag, oflag.OPOST | oflag.ONLCR, true);
    v.setUint32(TermiosOffset.cflag, cflag.CS8 | cflag.CREAD | cflag.HUPCL, true);
    v.setUint32(
      TermiosOffset.lflag,
      lflag.ECHOKE |
        lflag.ECHOE |
        lflag.ECHO |
        lflag.ECHOCTL |
        lflag.ISIG |
        lflag.ICANON |
        lflag.IEXTEN,
      true,
    );
    for (const [i, c] of CC_DEFAULTS) this.termios[TermiosOffset.cc + i] = c;
    v.setInt32(TermiosOffset.ispeed, DEFAULT_SPEED, true);
    v.setInt32(TermiosOffset.ospeed, DEFAULT_SPEED, true);
    const w = new DataView(this.winsize.buffer);
    w.setUint16(0, 24, true);
    w.setUint16(2, 80, true);
  }
}
