// node:test reporter used by abi-coverage.test.mjs: prints one JSON line { file, name } per
// test that was reported (the coverage check runs files with a pattern that skips every test).
export default async function* titlesReporter(source) {
  for await (const event of source) {
    if (event.type === "test:pass" || event.type === "test:fail") {
      yield JSON.stringify({ file: event.data.file ?? null, name: event.data.name }) + "\n";
    }
  }
}
