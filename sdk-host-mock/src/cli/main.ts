/**
 * The `proxy-wasm-as` command line: `proxy-wasm-as <command> [args...]`.
 * Each command lives in its own file of this folder and registers itself in {@link commands}.
 */

/** One sub-command: its one-line usage and its implementation (resolves to the exit code). */
export interface Command {
  usage: string;
  run(args: string[]): Promise<number> | number;
}

/** Every sub-command, by name. */
export const commands: Record<string, Command> = {};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  proxy-wasm-as ${name} ${c.usage}`);
  return ["usage:", ...lines].join("\n");
}

/** Runs the command line `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage() + "\n");
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`proxy-wasm-as: unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  return command.run(args);
}
