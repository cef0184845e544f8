import { lstatSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { EvmError } from '@evm/contracts';
import { Errno, SemihostingFault } from './errno';

/** Longest guest file name accepted, in bytes. */
export const MAX_NAME_BYTES = 4096;

/**
 * Confines guest file names to one host directory. Names are relative,
 * '/'-separated paths; absolute names, `..` that climbs out of the root and
 * symbolic links that lead outside it are refused with EACCES, so guest file
 * operations never touch a host file outside the root.
 */
export class FileSandbox {
  /** The root with symbolic links resolved, as paths inside it are compared. */
  readonly root: string;

  constructor(root: string) {
    if (typeof root !== 'string' || root === '') {
      throw new EvmError('EVM_INVALID_ARGUMENT', 'semihosting root must be a directory path');
    }
    let real: string;
    try {
      real = realpathSync(root);
    } catch {
      throw new EvmError('EVM_INVALID_ARGUMENT', `semihosting root ${root} does not exist`);
    }
    if (!statSync(real).isDirectory()) {
      throw new EvmError('EVM_INVALID_ARGUMENT', `semihosting root ${root} is not a directory`);
    }
    this.root = real;
  }

  /** The host path for a guest file name, or a fault naming why it is refused. */
  resolve(name: string): string {
    if (name === '') throw new SemihostingFault(Errno.ENOENT, 'empty file name');
    if (name.includes('\0')) throw new SemihostingFault(Errno.EINVAL, 'file name contains NUL');
    if (name.startsWith('/') || path.isAbsolute(name) || /^[A-Za-z]:/.test(name)) {
      throw new SemihostingFault(Errno.EACCES, `absolute file name "${name}" is outside the root`);
    }
    const parts: string[] = [];
    for (const part of name.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (parts.length === 0) {
          throw new SemihostingFault(Errno.EACCES, `file name "${name}" climbs out of the root`);
        }
        parts.pop();
      } else {
        parts.push(part);
      }
    }
    const host = path.join(this.root, ...parts);
    this.checkLinks(host, name);
    return host;
  }

  /**
   * Follows symbolic links along the existing part of `host`: where they
   * lead must stay inside the root. A dangling link is refused too, since
   * creating a file through it would write wherever it points.
   */
  private checkLinks(host: string, name: string): void {
    let probe = host;
    for (;;) {
      let real: string | undefined;
      try {
        real = realpathSync(probe);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') {
          throw new SemihostingFault(Errno.EACCES, `cannot check "${name}": ${code ?? err}`);
        }
        if (isDanglingLink(probe)) {
          throw new SemihostingFault(
            Errno.EACCES,
            `"${name}" goes through a dangling symbolic link`,
          );
        }
      }
      if (real !== undefined) {
        if (!this.contains(real)) {
          throw new SemihostingFault(Errno.EACCES, `"${name}" leads outside the root`);
        }
        return;
      }
      const parent = path.dirname(probe);
      if (parent === probe) return;
      probe = parent;
    }
  }

  private contains(real: string): boolean {
    if (real === this.root) return true;
    const prefix = this.root.endsWith(path.sep) ? this.root : this.root + path.sep;
    return real.startsWith(prefix);
  }
}

/** `p` itself is a symbolic link (called once resolving it has failed). */
function isDanglingLink(p: string): boolean {
  try {
    return lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink() === true;
  } catch {
    return false;
  }
}
