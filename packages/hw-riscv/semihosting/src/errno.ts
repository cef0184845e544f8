/**
 * The errno values SYS_ERRNO reports. Semihosting passes the host's errno
 * through; the guests eVM runs use picolibc, so its numbering is used (it
 * equals Linux's below 35, where QEMU on Linux gives the same numbers).
 */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ETXTBSY: 26,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  EPIPE: 32,
  ENOSYS: 88,
  ENOTEMPTY: 90,
  ENAMETOOLONG: 91,
  ELOOP: 92,
  EDQUOT: 132,
  ENOTSUP: 134,
  EOVERFLOW: 139,
} as const;

export type ErrnoName = keyof typeof Errno;

/**
 * A semihosting call failed: `errno` goes to SYS_ERRNO and `result` to a0
 * (-1 for most calls; the untransferred byte count for SYS_READ/SYS_WRITE).
 */
export class SemihostingFault extends Error {
  constructor(
    readonly errno: number,
    message: string,
    readonly result = -1,
  ) {
    super(message);
    this.name = 'SemihostingFault';
  }

  /** The same failure, reported to the guest with another a0 value. */
  withResult(result: number): SemihostingFault {
    return new SemihostingFault(this.errno, this.message, result);
  }
}

/** A transfer that failed after moving `transferred` bytes of its piece. */
export class PartialTransfer extends SemihostingFault {
  constructor(
    errno: number,
    message: string,
    readonly transferred: number,
  ) {
    super(errno, message);
    this.name = 'PartialTransfer';
  }
}

/** The guest errno for a Node.js file-system error (EIO when unknown). */
export function errnoOf(err: unknown): number {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE') return Errno.EINVAL;
  if (code !== undefined && code in Errno) return Errno[code as ErrnoName];
  if (code === 'EWOULDBLOCK') return Errno.EAGAIN;
  if (code === 'EOPNOTSUPP') return Errno.ENOTSUP;
  return Errno.EIO;
}
