/**
 * The command line with every sub-command registered: each command module adds itself to the
 * `commands` table of main.ts when imported here.
 */
import "./run.js";
import "./init.js";

export { main, commands, type Command } from "./main.js";
