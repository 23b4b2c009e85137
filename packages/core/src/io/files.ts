/**
 * The Node file functions behind `@tapegrad/core/node`. Every write is atomic: the bytes go to a
 * temporary file beside the target, are flushed to disk, and the temporary file is renamed over
 * the target (then the folder is flushed too), so a process killed at any moment leaves the old
 * file or the new one, never a torn one.
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.js';
import { ArgumentError, ValueError } from '../tape/errors.js';
import { decodeSafetensors, encodeSafetensors, type Safetensors } from './safetensors.js';
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
  return decodeCheckpoint(readBytes('load', path));
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
  return decodeSafetensors(readBytes('loadSafetensors', path));
}

/** Whether a file exists at `path`. @example const resume = exists('run.ckpt'); */
export function exists(path: string): boolean {
  return existsSync(checkPath('exists', path));
}

function checkPath(op: string, path: unknown): string {
  if (typeof path !== 'string' || path === '') throw new ArgumentError(`${op}: path must be a non-empty string, got ${show(path)}`);
  return path;
}

function readBytes(op: string, path: string): Uint8Array {
  try {
    return readFileSync(checkPath(op, path));
  } catch (e) {
    if (e instanceof ArgumentError) throw e;
    throw new ValueError(`${op}: cannot read ${show(path)} (${(e as Error).message})`);
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
  const tmp = temporaryOf(target, process.pid);
  try {
    const fd = openSync(tmp, 'w', 0o644);
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

/** `.name.tmp-<pid>`: hidden, beside the target (a rename is atomic only within a file system). */
function temporaryOf(target: string, pid: number): string {
  return join(dirname(target), `.${basename(target)}.tmp-${pid}`);
}

/** Temporary files that a killed writer left behind (its process is gone) are deleted. */
function removeStaleTemporaries(dir: string, name: string): void {
  const prefix = `.${name}.tmp-`;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return; // the folder is missing or unreadable: opening the temporary file will say so
  }
  for (const entry of entries) {
    const pid = Number(entry.slice(prefix.length));
    if (entry.startsWith(prefix) && Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isRunning(pid)) rmSync(join(dir, entry), { force: true });
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
