/**
 * NetBSD system-call numbers the RK implements (current, non-compat
 * entries of NetBSD's syscalls.master). Arguments are 32-bit words as the
 * RV32 ILP32 ABI passes them: a 64-bit value takes two words (low first),
 * aligned to an even word, after NetBSD's padding words.
 */
export const Sys = {
  exit: 1,
  read: 3,
  write: 4,
  open: 5,
  close: 6,
  unlink: 10,
  chdir: 12,
  fchdir: 13,
  break: 17,
  getpid: 20,
  getuid: 24,
  geteuid: 25,
  access: 33,
  kill: 37,
  getppid: 39,
  dup: 41,
  pipe: 42,
  getegid: 43,
  getgid: 47,
  ioctl: 54,
  munmap: 73,
  mprotect: 74,
  dup2: 90,
  fcntl: 92,
  fsync: 95,
  readv: 120,
  writev: 121,
  rename: 128,
  mkdir: 136,
  rmdir: 137,
  pread: 173,
  pwrite: 174,
  mmap: 197,
  lseek: 199,
  truncate: 200,
  ftruncate: 201,
  sysctl: 202,
  getcwd: 296,
  issetugid: 305,
  _lwp_self: 311,
  _lwp_getprivate: 316,
  _lwp_setprivate: 317,
  sched_yield: 350,
  getdents: 390,
  gettimeofday: 418,
  clock_gettime: 427,
  nanosleep: 430,
  stat: 439,
  fstat: 440,
  lstat: 441,
  pipe2: 453,
  dup3: 454,
  renameat: 458,
  mkdirat: 461,
  fstatat: 466,
  openat: 468,
  unlinkat: 471,
} as const;
export type SysName = keyof typeof Sys;

/** Open flags, `fcntl`, `*at` and file-type constants with NetBSD's values. */
export const O = {
  RDONLY: 0,
  WRONLY: 1,
  RDWR: 2,
  ACCMODE: 3,
  NONBLOCK: 0x4,
  APPEND: 0x8,
  CREAT: 0x200,
  TRUNC: 0x400,
  EXCL: 0x800,
  DIRECTORY: 0x20_0000,
  CLOEXEC: 0x40_0000,
} as const;

export const AT_FDCWD = -100;
export const AT_REMOVEDIR = 0x800;
export const AT_SYMLINK_NOFOLLOW = 0x200;

export const F = { DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4 } as const;
export const FD_CLOEXEC = 1;

export const S = { IFIFO: 0o010000, IFCHR: 0o020000, IFDIR: 0o040000, IFREG: 0o100000 } as const;
/** `d_type` values of `struct dirent`. */
export const DT = { FIFO: 1, CHR: 2, DIR: 4, REG: 8 } as const;

export const SEEK = { SET: 0, CUR: 1, END: 2 } as const;
export const CLOCK = { REALTIME: 0, MONOTONIC: 3 } as const;
/** `TIOCGETA`: `_IOR('t', 19, struct termios)` with NetBSD's 44-byte termios; what `isatty` asks. */
export const TIOCGETA = 0x402c_7413;
export const TERMIOS_BYTES = 44;
/** The other terminal and descriptor ioctls the RK answers (`_IOR`/`_IOW` encodings of NetBSD). */
export const IOCTL = {
  TIOCGETA,
  /** Set terminal attributes now, after output drains, after output drains and input is flushed. */
  TIOCSETA: 0x802c_7414,
  TIOCSETAW: 0x802c_7415,
  TIOCSETAF: 0x802c_7416,
  TIOCGWINSZ: 0x4008_7468,
  TIOCSWINSZ: 0x8008_7467,
  /** Bytes ready to read (int). */
  FIONREAD: 0x4004_667f,
  /** Set or clear non-blocking mode (int). */
  FIONBIO: 0x8004_667e,
} as const;
/** `access` modes. */
export const ACCESS = { F_OK: 0, X_OK: 1, W_OK: 2, R_OK: 4 } as const;
/** `mmap` protections and flags (NetBSD values). */
export const PROT = { NONE: 0, READ: 1, WRITE: 2, EXEC: 4 } as const;
export const MAP = {
  SHARED: 0x1,
  PRIVATE: 0x2,
  FIXED: 0x10,
  NORESERVE: 0x40,
  INHERIT: 0x80,
  HASSEMAPHORE: 0x200,
  TRYFIXED: 0x400,
  WIRED: 0x800,
  ANON: 0x1000,
  STACK: 0x2000,
  /** `MAP_ALIGNED(n)`: log2 of the wanted alignment in the top byte. */
  ALIGNMENT_MASK: 0xff00_0000,
  ALIGNMENT_SHIFT: 24,
} as const;
/** The page size applications see (`hw.pagesize`, mmap granularity). */
export const PAGE_SIZE = 4096;
export const SIG = { KILL: 9, TERM: 15 } as const;
