/** NetBSD errno values: what system calls return, negated. */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  ECHILD: 10,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  EPIPE: 32,
  ERANGE: 34,
  EAGAIN: 35,
  ENAMETOOLONG: 63,
  ENOTEMPTY: 66,
  ENOSYS: 78,
} as const;
export type ErrnoName = keyof typeof Errno;

const NAMES = new Map<number, string>(Object.entries(Errno).map(([k, v]) => [v, k]));

/** `ENOENT` for 2; `errno 99` for a number NetBSD does not define here. */
export function errnoName(errno: number): string {
  return NAMES.get(Math.abs(errno)) ?? `errno ${Math.abs(errno)}`;
}

/**
 * Not an errno: the call cannot complete now (an empty pipe, console input
 * not yet typed) and must be made again once the RK signals progress. The
 * glue that carries system calls decides how the caller waits.
 */
export const WOULD_BLOCK = -0x1_0000;
