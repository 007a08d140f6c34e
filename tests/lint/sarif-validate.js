#!/usr/bin/env node
// Validates SARIF files against the official SARIF 2.1.0 JSON schema
// (sarif-2.1.0-rtm.5.json, draft-04) as shipped in the npm package
// @microsoft/jest-sarif, with Ajv's draft-04 validator and ajv-formats.
//   NODE_PATH=<cache>/node_modules node sarif-validate.js FILE...
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv-draft-04');
const addFormats = require('ajv-formats');
const schemaPath = path.join(path.dirname(require.resolve('@microsoft/jest-sarif/package.json')),
  'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }) // the schema's language pattern is not valid with the u flag;
addFormats(ajv);
const validate = ajv.compile(schema);
let bad = 0;
for (const f of process.argv.slice(2)) {
  let doc;
  try { doc = JSON.parse(fs.readFileSync(f, 'utf8')); } catch (e) { console.log(`${f}: not JSON: ${e.message}`); bad++; continue; }
  if (validate(doc)) { console.log(`${f}: valid SARIF 2.1.0`); continue; }
  bad++;
  for (const e of validate.errors.slice(0, 20)) console.log(`${f}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}
process.exit(bad ? 1 : 0);
