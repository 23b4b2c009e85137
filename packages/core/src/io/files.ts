/**
 * The Node file functions behind `@tapegrad/core/node`. Every write is atomic: the bytes go to a
 * temporary file beside the target, are flushed to disk, and the temporary file is renamed over
 * the target (then the folder is flushed too), so a process killed at any moment leaves the old
 * file or the new one, never a torn one.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, fsyncSync, openSync, readdirSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { checkpointOf, encodeCheckpoint, type Checkpoint } from './checkpoint.js';
import { ArgumentError, TapegradError, ValueError } from '../tape/errors.js';
import { encodeSafetensors, readSafetensors, type Safetensors } from './safetensors.js';
import { show } from '../tape/messages.js';
import type { Tensor } from '../tape/tensor.js';

/**
 * Writes a checkpoint object (state dicts, generator state, step, metadata: see `Checkpoint`)
 * to `path` as a safetensors file, atomically.
 * @example
 *   save('run.ckpt', { model: model.stateDict(), optimizer: opt.stateDict(), generator: g.getState(), step });
 *   const { model: weights } = load('run.ckpt');
 */
export function save(path: string, checkpoint: Checkpoint): void {
  writeFileAtomic(checkPath('save', path), encodeCheckpoint(checkpoint));
}

/**
 * Reads a checkpoint written by `save`. A missing or malformed file is an error (a
 * `FormatError` for bad bytes) before anything large is allocated.
 * @example
 *   const checkpoint = load('run.ckpt');
 *   model.loadStateDict(checkpoint.model!);
 */
export function load(path: string): Checkpoint {
  return checkpointOf('load', readFile('load', path));
}

/**
 * Writes tensors by name (and string metadata) as a plain safetensors file, atomically:
 * what `safetensors.torch.load_file` reads in Python.
 * @example
 *   saveSafetensors('weights.safetensors', { 'fc.weight': model.fc.weight, 'fc.bias': model.fc.bias });
 */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  writeFileAtomic(checkPath('saveSafetensors', path), encodeSafetensors(tensors, metadata));
}

/**
 * Reads a safetensors file (F64, F32 and I32 tensors), such as one saved from PyTorch.
 * @example
 *   model.loadStateDict(loadSafetensors('weights.safetensors').tensors);
 */
export function loadSafetensors(path: string): Safetensors {
  return readFile('loadSafetensors', path);
}

/** Whether a file exists at `path`. @example const resume = exists('run.ckpt'); */
export function exists(path: string): boolean {
  return existsSync(checkPath('exists', path));
}

function checkPath(op: string, path: unknown): string {
  if (typeof path !== 'string' || path === '') throw new ArgumentError(`${op}: path must be a non-empty string, got ${show(path)}`);
  return path;
}

/** Bytes per read call: a single read is limited to 2 GiB, and a tensor can be larger. */
let chunkBytes = 1 << 30;

/** @internal For tests: a smaller read size exercises the reads that a file over 2 GiB needs. */
export function _setReadChunkBytes(n: number): number {
  const prev = chunkBytes;
  chunkBytes = n;
  return prev;
}

/**
 * Reads a safetensors file without holding it whole: open, check it is a regular file, read the
 * 8-byte length and the header, check every offset against the file's size, then read each tensor
 * into its own array. So `/dev/zero` or a FIFO is refused at once, and files over 2 GiB load.
 */
function readFile(op: string, path: string): Safetensors {
  checkPath(op, path);
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever (no effect on regular files).
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new ValueError(`${op}: cannot read ${show(path)} (${(e as Error).message})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ValueError(`${op}: ${show(path)} is not a regular file (${kindOf(stat)}); a checkpoint is read from a file`);
    return readSafetensors(op, stat.size, (into, position) => readFully(op, path, fd, into, position));
  } catch (e) {
    if (e instanceof TapegradError) throw e;
    throw new ValueError(`${op}: cannot read ${show(path)} (${(e as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

function readFully(op: string, path: string, fd: number, into: Uint8Array, position: number): void {
  for (let at = 0; at < into.length; ) {
    const n = readSync(fd, into, at, Math.min(chunkBytes, into.length - at), position + at);
    if (n === 0) throw new ValueError(`${op}: ${show(path)} ended early (it shrank while being read?)`);
    at += n;
  }
}

/**
 * Replaces the file at `path` with `bytes` so that at every moment the file holds either its
 * old bytes or all of the new ones: write a temporary file in the same folder, fsync it, rename
 * it over `path` (atomic within a file system), fsync the folder (so the rename itself survives
 * a power cut).
 * @example
 *   writeFileAtomic('weights.safetensors', encodeSafetensors(tensors));
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const op = 'writeFileAtomic';
  const target = resolve(checkPath(op, path));
  const dir = dirname(target);
  removeStaleTemporaries(dir, basename(target));
  const tmp = temporaryOf(target);
  try {
    // 'wx' (O_EXCL): the name is new, never a file another writer is filling.
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new ValueError(`${op}: cannot write ${show(path)} (${(e as Error).message})`);
  }
  syncFolder(dir);
}

/** Which machine (container) wrote a temporary file: a pid means something only there. */
const HOST = hashHex(hostname());

function hashHex(text: string): string {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * `.name.tmp-<pid>-<host>-<random>`: hidden, beside the target (a rename is atomic only within a
 * file system), and unique per call, so that two threads of one process, or two containers whose
 * processes have the same pid, never write into the same temporary file.
 */
function temporaryOf(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${HOST}-${randomBytes(8).toString('hex')}`);
}

/**
 * Temporary files that a killed writer left behind are deleted: those of a process of this
 * host that is gone (and those of the older `.name.tmp-<pid>` form whose process is gone).
 */
function removeStaleTemporaries(dir: string, name: string): void {
  const prefix = `.${name}.tmp-`;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return; // the folder is missing or unreadable: opening the temporary file will say so
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const m = /^(\d+)(?:-([0-9a-f]{8})-[0-9a-f]{16})?$/.exec(entry.slice(prefix.length));
    if (m === null) continue;
    const pid = Number(m[1]);
    const ours = m[2] === undefined || m[2] === HOST;
    if (ours && pid > 0 && pid !== process.pid && !isRunning(pid)) rmSync(join(dir, entry), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // NOTE: some platforms (Windows) cannot open or fsync a folder; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
