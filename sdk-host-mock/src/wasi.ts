/**
 * WASI preview1 as cpp-host provides it (reference §1.6), registered under both
 * `wasi_snapshot_preview1` and `wasi_unstable`. Quirks kept on purpose: fd_write to 1/2 becomes a
 * log record (info / error) with one trailing newline stripped, `proc_exit` RETURNS,
 * `random_get` > 65536 bytes → 28, `poll_oneoff` never sleeps, clocks read the host's fake clock.
 */
import { randomFillSync } from "node:crypto";
import type { ValType } from "./binary.js";
import type { HostcallDef } from "./hostcalls/types.js";
import { u32 } from "./memory.js";
import type { Vm } from "./vm.js";

/** WASI errno values used by cpp-host. */
export const Errno = {
  SUCCESS: 0,
  BADF: 8,
  NOTDIR: 20,
  FAULT: 21,
  INVAL: 28,
  NOENT: 44,
  NOSYS: 52,
  NOTSUP: 58,
} as const;

/** Functions callable during `_initialize`/`_start` (§1.4). */
const START_DENIED = new Set([
  "fd_read",
  "fd_seek",
  "fd_close",
  "path_open",
  "sched_yield",
  "proc_exit",
]);
/** Functions callable inside the allocator (§1.4). */
const ALLOCATOR_ALLOWED = new Set(["fd_write", "clock_time_get", "poll_oneoff"]);

const isStdio = (fd: number): boolean => fd === 1 || fd === 2;

function def(
  name: string,
  sig: string,
  impl: (vm: Vm) => (...args: never[]) => number | void,
  results: ValType[] = ["i32"],
): HostcallDef {
  const params = sig
    .split("")
    .filter((c) => c !== " ")
    .map((c) => (c === "I" ? "i64" : "i32") as ValType);
  return {
    module: "wasi",
    name,
    params,
    results,
    resultKind: results.length > 0 ? "errno" : "none",
    allowedAtStart: !START_DENIED.has(name),
    allowedInAllocator: ALLOCATOR_ALLOWED.has(name),
    impl,
  };
}

const returns = (errno: number) => () => () => errno;
const stdioOr = (ok: number, other: number) => () => (fd: number) => (isStdio(fd) ? ok : other);

/**
 * Concatenates iovecs (cpp-host `writevImpl`); null on bad memory. Addresses are computed on
 * unsigned values, so an iovec array running past 2^32 faults instead of wrapping to address 0.
 * An empty iovec's buffer is not read (cpp-host skips it), so its pointer is not checked.
 */
function gather(vm: Vm, iovs: number, count: number): Uint8Array | null {
  const parts: Uint8Array[] = [];
  let total = 0;
  const array = u32(iovs);
  const n = u32(count);
  for (let i = 0; i < n; i++) {
    const base = vm.memory.readU32(array + i * 8);
    const len = vm.memory.readU32(array + i * 8 + 4);
    if (base === null || len === null) return null;
    if (len === 0) continue;
    const chunk = vm.memory.read(base, len);
    if (chunk === null) return null;
    parts.push(chunk);
    total += chunk.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function write(vm: Vm, fd: number, iovs: number, count: number, nwritten: number): number {
  if (!isStdio(fd)) return Errno.BADF;
  const data = gather(vm, iovs, count);
  if (data === null) return Errno.FAULT;
  if (data.length > 0) {
    let msg = new TextDecoder().decode(data);
    if (msg.endsWith("\n")) msg = msg.slice(0, -1);
    const level = fd === 1 ? 2 : 4;
    vm.plugin.log(level, msg, vm.current().id, "fd_write");
    if (fd === 2 && msg.startsWith("abort:")) vm.abortMessage = msg;
  }
  return vm.memory.writeU32(nwritten, data.length) ? Errno.SUCCESS : Errno.FAULT;
}

function environ(vm: Vm): Uint8Array[] {
  return Object.entries(vm.plugin.environment).map(([k, v]) =>
    new TextEncoder().encode(`${k}=${v}\0`),
  );
}

export const WASI_HOSTCALLS: HostcallDef[] = [
  def(
    "fd_write",
    "iiii",
    (vm) => (fd: number, iovs: number, n: number, out: number) => write(vm, fd, iovs, n, out),
  ),
  def(
    "fd_pwrite",
    "iiiIi",
    (vm) => (fd: number, iovs: number, n: number, _off: bigint, out: number) =>
      write(vm, fd, iovs, n, out),
  ),
  def("fd_read", "iiii", returns(Errno.NOSYS)),
  def("fd_pread", "iiiIi", returns(Errno.NOSYS)),
  def("fd_seek", "iIii", returns(Errno.SUCCESS)),
  def("fd_close", "i", returns(Errno.SUCCESS)),
  def("fd_fdstat_get", "ii", (vm) => (fd: number, buf: number) => {
    if (!isStdio(fd)) return Errno.BADF;
    const bytes = new Uint8Array(24);
    bytes[8] = 64; // fs_rights_base = FD_WRITE
    return vm.memory.write(buf, bytes) ? Errno.SUCCESS : Errno.FAULT;
  }),
  def("fd_fdstat_set_flags", "ii", returns(Errno.NOSYS)),
  def("fd_fdstat_set_rights", "iII", stdioOr(Errno.SUCCESS, Errno.BADF)),
  def("fd_advise", "iIIi", returns(Errno.SUCCESS)),
  def("fd_allocate", "iII", stdioOr(Errno.SUCCESS, Errno.BADF)),
  def("fd_datasync", "i", stdioOr(Errno.SUCCESS, Errno.BADF)),
  def("fd_sync", "i", stdioOr(Errno.SUCCESS, Errno.BADF)),
  def("fd_filestat_set_size", "iI", stdioOr(Errno.SUCCESS, Errno.BADF)),
  def("fd_filestat_set_times", "iIIi", stdioOr(Errno.SUCCESS, Errno.BADF)),
  def("fd_tell", "ii", (vm) => (fd: number, out: number) => {
    if (!isStdio(fd)) return Errno.BADF;
    return vm.memory.writeU64(out, 0n) ? Errno.SUCCESS : Errno.FAULT;
  }),
  def(
    "fd_readdir",
    "iiiIi",
    (vm) => (_fd: number, _b: number, _l: number, _c: bigint, out: number) => {
      vm.memory.writeU32(out, 0);
      return Errno.NOTDIR;
    },
  ),
  def(
    "fd_renumber",
    "ii",
    () => (fd: number, to: number) => (isStdio(fd) && isStdio(to) ? Errno.NOTSUP : Errno.BADF),
  ),
  def("fd_prestat_get", "ii", returns(Errno.BADF)),
  def("fd_prestat_dir_name", "iii", returns(Errno.NOSYS)),
  def("fd_filestat_get", "ii", returns(Errno.BADF)),
  def("path_open", "iiiiiIIii", returns(Errno.NOENT)),
  def("path_filestat_get", "iiiii", returns(Errno.NOTSUP)),
  def("path_create_directory", "iii", returns(Errno.NOTSUP)),
  def("path_filestat_set_times", "iiiiIIi", returns(Errno.NOTSUP)),
  def("path_link", "iiiiiii", returns(Errno.NOTSUP)),
  def("path_remove_directory", "iii", returns(Errno.NOTSUP)),
  def("path_rename", "iiiiii", returns(Errno.NOTSUP)),
  def("path_symlink", "iiiii", returns(Errno.NOTSUP)),
  def("path_unlink_file", "iii", returns(Errno.NOTSUP)),
  def(
    "path_readlink",
    "iiiiii",
    (vm) => (_a: number, _b: number, _c: number, _d: number, _e: number, out: number) => {
      vm.memory.writeU32(out, 0);
      return Errno.NOTSUP;
    },
  ),
  def("sock_accept", "iii", (vm) => (_fd: number, _flags: number, out: number) => {
    vm.memory.writeU32(out, 0);
    return Errno.NOTSUP;
  }),
  def(
    "sock_recv",
    "iiiiii",
    (vm) => (_a: number, _b: number, _c: number, _d: number, o1: number, o2: number) => {
      vm.memory.writeU32(o1, 0);
      vm.memory.writeU32(o2, 0);
      return Errno.NOTSUP;
    },
  ),
  def(
    "sock_send",
    "iiiii",
    (vm) => (_a: number, _b: number, _c: number, _d: number, out: number) => {
      vm.memory.writeU32(out, 0);
      return Errno.NOTSUP;
    },
  ),
  def("sock_shutdown", "ii", returns(Errno.NOTSUP)),
  def("environ_sizes_get", "ii", (vm) => (countPtr: number, sizePtr: number) => {
    const env = environ(vm);
    const size = env.reduce((n, e) => n + e.length, 0);
    if (!vm.memory.writeU32(countPtr, env.length) || !vm.memory.writeU32(sizePtr, size))
      return Errno.FAULT;
    return Errno.SUCCESS;
  }),
  def("environ_get", "ii", (vm) => (arrayPtr: number, bufPtr: number) => {
    // Unsigned arithmetic (see u32): running past 2^32 faults, it never wraps around.
    let slot = u32(arrayPtr);
    let p = u32(bufPtr);
    for (const e of environ(vm)) {
      if (!vm.memory.writeU32(slot, p) || !vm.memory.write(p, e)) return Errno.FAULT;
      slot += 4;
      p += e.length;
    }
    return Errno.SUCCESS;
  }),
  def("args_sizes_get", "ii", (vm) => (argc: number, size: number) => {
    if (!vm.memory.writeU32(argc, 0) || !vm.memory.writeU32(size, 0)) return Errno.FAULT;
    return Errno.SUCCESS;
  }),
  def("args_get", "ii", returns(Errno.SUCCESS)),
  def("clock_time_get", "iIi", (vm) => (id: number, _precision: bigint, out: number) => {
    const host = vm.plugin.host;
    let t: bigint;
    if (id === 0) t = host.nowNanos;
    else if (id === 1) t = host.monotonicNanos;
    else return Errno.NOTSUP;
    return vm.memory.writeU64(out, t) ? Errno.SUCCESS : Errno.FAULT;
  }),
  def("clock_res_get", "ii", (vm) => (id: number, out: number) => {
    if (id !== 0 && id !== 1) return Errno.NOTSUP;
    return vm.memory.writeU64(out, 1n) ? Errno.SUCCESS : Errno.FAULT;
  }),
  def("random_get", "ii", (vm) => (buf: number, len: number) => {
    len >>>= 0;
    if (len > 65536) return Errno.INVAL;
    if (len === 0) return Errno.SUCCESS;
    const bytes = new Uint8Array(len);
    randomFillSync(bytes);
    return vm.memory.write(buf, bytes) ? Errno.SUCCESS : Errno.FAULT;
  }),
  def("sched_yield", "", returns(Errno.SUCCESS)),
  def("poll_oneoff", "iiii", (vm) => (_in: number, _out: number, _n: number, nevents: number) => {
    vm.memory.writeU32(nevents, 0);
    return Errno.SUCCESS;
  }),
  def(
    "proc_exit",
    "i",
    (vm) => (code: number) => {
      // Envoy's Context::error only logs (at trace) and returns: execution continues.
      vm.plugin.procExitCode = code;
    },
    [],
  ),
];
