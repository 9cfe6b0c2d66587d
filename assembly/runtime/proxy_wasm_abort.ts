// Library file (parsed as a global by the asconfig preset, see `asconfig.preset.json`): the
// handler AssemblyScript calls for `abort()`, failed assertions and runtime errors.
//
// Why not the wasi-shim default: it ends with WASI `proc_exit`, which *returns* in Envoy
// (reference §1.6), so execution would continue after an abort. This handler writes
// `abort: <message> in <file>(<line>:<column>)` to stderr (fd 2; Envoy logs it at error level)
// and then traps with `unreachable`, which is what a host reports as the plugin's crash.
// It allocates nothing (the heap may be the reason for the abort) and truncates long texts.

// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_write")
declare function proxy_wasm_abort_fd_write(
  fd: u32,
  iovs: usize,
  iovsLen: usize,
  written: usize,
): u16;

/** Bytes reserved for the rendered abort line (message and file name are truncated to fit). */
// @ts-ignore: decorator
@lazy const ABORT_BUFFER_SIZE: usize = 1536;
// @ts-ignore: decorator
@lazy const ABORT_MESSAGE_MAX_CHARS: i32 = 320;
// @ts-ignore: decorator
@lazy const ABORT_FILE_MAX_CHARS: i32 = 120;
// @ts-ignore: decorator
@lazy const abortBuffer: usize = memory.data(<i32>ABORT_BUFFER_SIZE, 8);

function abortWriteAscii(ptr: usize, text: string): usize {
  for (let i = 0; i < text.length; i++) store<u8>(ptr++, <u8>text.charCodeAt(i));
  return ptr;
}

function abortWriteText(ptr: usize, text: string | null, maxChars: i32): usize {
  if (text === null) return ptr;
  const chars = min(text.length, maxChars);
  return ptr + String.UTF8.encodeUnsafe(changetype<usize>(text), chars, ptr);
}

function abortWriteDecimal(ptr: usize, value: u32): usize {
  let digits = 1;
  for (let v = value / 10; v != 0; v /= 10) digits++;
  let q = ptr + <usize>digits;
  do {
    store<u8>(--q, <u8>(0x30 + (value % 10)));
    value /= 10;
  } while (value != 0);
  return ptr + <usize>digits;
}

/** Reports an abort through WASI stderr and traps. Installed with `--use abort=proxy_wasm_abort`. */
// @ts-ignore: decorator
@global
export function proxy_wasm_abort(
  message: string | null = null,
  fileName: string | null = null,
  lineNumber: u32 = 0,
  columnNumber: u32 = 0,
): void {
  // layout: [iovec{buf,len}][nwritten][text...]
  const iov = abortBuffer;
  const written = iov + 8;
  const start = iov + 16;
  let p = abortWriteAscii(start, "abort: ");
  p = abortWriteText(p, message, ABORT_MESSAGE_MAX_CHARS);
  p = abortWriteAscii(p, " in ");
  p = abortWriteText(p, fileName, ABORT_FILE_MAX_CHARS);
  p = abortWriteAscii(p, "(");
  p = abortWriteDecimal(p, lineNumber);
  p = abortWriteAscii(p, ":");
  p = abortWriteDecimal(p, columnNumber);
  p = abortWriteAscii(p, ")\n");
  store<u32>(iov, <u32>start);
  store<u32>(iov, <u32>(p - start), 4);
  proxy_wasm_abort_fd_write(2, iov, 1, written);
  unreachable();
}
