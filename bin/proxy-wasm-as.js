#!/usr/bin/env node
// The `proxy-wasm-as` command (see sdk-host-mock/src/cli/main.ts).
import { main } from "../sdk-host-mock/dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
