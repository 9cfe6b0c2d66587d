#!/usr/bin/env node
// The `proxy-wasm-as` command (see sdk-host-mock/src/cli/: index.ts registers the commands).
import { main } from "../sdk-host-mock/dist/cli/index.js";

process.exitCode = await main(process.argv.slice(2));
