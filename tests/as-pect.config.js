// as-pect configuration: AssemblyScript-level unit tests of the SDK's pure logic
// (tests/assembly/*.spec.ts). Run with `npm run test:as`.
export default {
  entries: ["tests/assembly/**/*.spec.ts"],
  include: [],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
