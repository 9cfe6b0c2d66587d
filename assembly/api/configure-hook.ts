// Work the SDK runs after a plugin accepted its configuration. A feature registers it only when
// the plugin uses that feature, so a plugin without it keeps neither the code nor the hostcall
// imports (e.g. metric handles register the definition of pending metrics).

let hook: (() => void) | null = null;

/** Runs `fn` after every successful `onConfigure` (the last registration wins). */
export function setAfterConfigure(fn: () => void): void {
  hook = fn;
}

/** Called by the dispatcher after `onConfigure` returned true. */
export function runAfterConfigure(): void {
  const fn = hook;
  if (fn !== null) fn();
}
